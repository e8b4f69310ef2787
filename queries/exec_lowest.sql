-- The $limit filtered evaluations with the lowest execution rate, lowest first. The 预算执行 page
-- draws its bar chart from the first rows and its below-threshold list from the rows under the
-- threshold (one query for both). Parameters: filters, $limit.
SELECT e.eval_id, e.unit, e.year, e.project, e.scope, e.budget_yuan, e.spent_yuan, e.execution_rate, e.score
FROM evaluations e
WHERE {filters(e)} AND e.execution_rate IS NOT NULL
ORDER BY e.execution_rate, e.eval_id
LIMIT $limit
