-- How many filtered evaluations state spending progress, and how many are back-loaded
-- (前低后高: cumulative below 30% at end of June or below 60% at end of September).
-- Parameters: filters.
SELECT count(*) AS n_with_progress,
       count(*) FILTER (WHERE p.back_loaded) AS n_back_loaded,
       avg(p.max_lag_pp) AS mean_max_lag_pp
FROM eval_progress p
WHERE {filters(p)}
