-- KPI cards of 总览 for the filtered evaluations: counts, money (yuan), weighted execution rate
-- (sum spent / sum budget over evaluations stating both), mean score. From rollup_evals: each
-- sum is NULL when it adds up no value, as plain SQL's sum over evaluations would be.
-- Parameters: filters.
SELECT coalesce(sum(r.n), 0)::BIGINT AS n_evals,
       count(DISTINCT nullif(r.unit, '')) AS n_units,
       count(DISTINCT nullif(r.year, 0)) AS n_years,
       min(nullif(r.year, 0)) AS year_min, max(nullif(r.year, 0)) AS year_max,
       CASE WHEN sum(r.n_budget) > 0 THEN sum(r.budget_sum) END AS budget_yuan,
       CASE WHEN sum(r.n_spent) > 0 THEN sum(r.spent_sum) END AS spent_yuan,
       CASE WHEN sum(r.n_pair) > 0 THEN sum(r.pair_spent_sum) END AS spent_matched_yuan,
       coalesce(sum(r.n_budget), 0)::BIGINT AS n_with_budget,
       CASE WHEN sum(r.n_pair) > 0 THEN sum(r.pair_spent_sum) / nullif(sum(r.pair_budget_sum), 0) END AS weighted_rate,
       coalesce(sum(r.n_rate), 0)::BIGINT AS n_with_rate,
       CASE WHEN sum(r.n_score) > 0 THEN sum(r.score_sum) / sum(r.n_score) END AS mean_score,
       coalesce(sum(r.n_score), 0)::BIGINT AS n_with_score
FROM rollup_evals r
WHERE {filters(r)} AND r.n > 0
