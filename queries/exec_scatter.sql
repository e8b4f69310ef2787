-- Budget vs spent per evaluation (yuan), the $limit largest budgets of the filter.
-- Parameters: filters, $limit.
SELECT e.eval_id, e.unit, e.year, e.project, e.budget_yuan, e.spent_yuan, e.execution_rate
FROM evaluations e
WHERE {filters(e)} AND e.budget_yuan > 0 AND e.spent_yuan IS NOT NULL
ORDER BY e.budget_yuan DESC, e.eval_id
LIMIT $limit
