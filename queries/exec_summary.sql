-- Execution-rate summary of the filtered evaluations: how many have a rate, the weighted and
-- simple average, how many fall below $threshold (a fraction). Parameters: filters, $threshold.
SELECT count(*) AS n_evals,
       count(e.execution_rate) AS n_with_rate,
       sum(e.spent_yuan) FILTER (WHERE e.budget_yuan > 0 AND e.spent_yuan IS NOT NULL)
         / nullif(sum(e.budget_yuan) FILTER (WHERE e.budget_yuan > 0 AND e.spent_yuan IS NOT NULL), 0) AS weighted_rate,
       avg(e.execution_rate) AS mean_rate,
       count(*) FILTER (WHERE e.execution_rate < $threshold) AS n_below
FROM evaluations e
WHERE {filters(e)}
