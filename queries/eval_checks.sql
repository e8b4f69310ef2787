-- Data-quality checks of one evaluation. Parameters: $eval_id.
SELECT c.severity, c.rule, c.message
FROM checks c
WHERE c.eval_id = $eval_id
ORDER BY CASE c.severity WHEN 'error' THEN 1 WHEN 'warning' THEN 2 ELSE 3 END, c.rule
