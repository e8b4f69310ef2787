-- Stated / sheet / disbursement progress points of one evaluation. Parameters: $eval_id.
SELECT p.month, p.source, p.cumulative_rate, p.line_start, p.line_end
FROM spending_progress p
WHERE p.eval_id = $eval_id
ORDER BY p.source, p.month
