-- Execution rate per evaluation for the bar chart: the $limit lowest rates of the filter,
-- lowest first. Parameters: filters, $limit.
SELECT e.eval_id, e.unit, e.year, e.project, e.scope, e.budget_yuan, e.spent_yuan, e.execution_rate
FROM evaluations e
WHERE {filters(e)} AND e.execution_rate IS NOT NULL
ORDER BY e.execution_rate, e.eval_id
LIMIT $limit
