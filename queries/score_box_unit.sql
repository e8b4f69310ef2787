-- Score distribution by unit for the $limit units with the most scored evaluations (those units
-- are chosen first, so quantiles are computed for them only). Parameters: filters, $limit.
WITH top_units AS (  -- from rollup_evals: its n_score counts the scored evaluations per key
    SELECT r.unit, sum(r.n_score) AS n
    FROM rollup_evals r
    WHERE {filters(r)} AND r.unit <> ''
    GROUP BY r.unit
    HAVING sum(r.n_score) > 0
    ORDER BY n DESC, r.unit
    LIMIT $limit
)
SELECT unit, n, min, q[1] AS q1, q[2] AS median, q[3] AS q3, max, mean
FROM (
    SELECT e.unit, count(*) AS n, min(e.score) AS min, quantile_cont(e.score, [0.25, 0.5, 0.75]) AS q,
           max(e.score) AS max, avg(e.score) AS mean
    FROM evaluations e SEMI JOIN top_units t ON t.unit = e.unit
    WHERE {filters(e)} AND e.score IS NOT NULL
    GROUP BY e.unit
)
ORDER BY n DESC, unit
