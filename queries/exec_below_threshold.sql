-- Filtered evaluations whose execution rate is below $threshold (fraction), lowest first,
-- at most $limit rows. Parameters: filters, $threshold, $limit.
SELECT e.eval_id, e.unit, e.year, e.project, e.scope, e.budget_yuan, e.spent_yuan, e.execution_rate, e.score
FROM evaluations e
WHERE {filters(e)} AND e.execution_rate < $threshold
ORDER BY e.execution_rate, e.eval_id
LIMIT $limit
