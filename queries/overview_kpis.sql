-- KPI cards of 总览 for the filtered evaluations: counts, money (yuan), weighted execution rate
-- (sum spent / sum budget over evaluations stating both), mean score. Parameters: filters.
SELECT count(*) AS n_evals,
       count(DISTINCT e.unit) AS n_units,
       count(DISTINCT e.year) AS n_years,
       min(e.year) AS year_min, max(e.year) AS year_max,
       sum(e.budget_yuan) AS budget_yuan,
       sum(e.spent_yuan) AS spent_yuan,
       sum(e.spent_yuan) FILTER (WHERE e.budget_yuan > 0) AS spent_matched_yuan,
       count(e.budget_yuan) AS n_with_budget,
       sum(e.spent_yuan) FILTER (WHERE e.budget_yuan > 0 AND e.spent_yuan IS NOT NULL)
         / nullif(sum(e.budget_yuan) FILTER (WHERE e.budget_yuan > 0 AND e.spent_yuan IS NOT NULL), 0) AS weighted_rate,
       count(e.execution_rate) AS n_with_rate,
       avg(e.score) AS mean_score,
       count(e.score) AS n_with_score
FROM evaluations e
WHERE {filters(e)}
