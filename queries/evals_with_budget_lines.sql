-- Filtered evaluations that list budget lines (预算明细), for the budget-line picker.
-- Parameters: filters, $limit.
SELECT e.eval_id, e.unit, e.year, e.project
FROM evaluations e
WHERE {filters(e)} AND e.eval_id IN (SELECT DISTINCT eval_id FROM budget_lines)
ORDER BY e.year DESC, e.unit, e.project
LIMIT $limit
