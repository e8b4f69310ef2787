-- Budget lines of one evaluation (yuan, rate as fraction). Parameters: $eval_id.
SELECT b.seq, b.name, b.budget_yuan, b.spent_yuan, b.execution_rate, b.line_start, b.line_end
FROM budget_lines b
WHERE b.eval_id = $eval_id
ORDER BY b.seq
