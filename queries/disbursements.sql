-- Disbursements (支付记录) of one evaluation with the running total. Parameters: $eval_id.
SELECT d.seq, d.paid_on, d.amount_yuan, d.purpose, d.line_start, d.line_end,
       sum(d.amount_yuan) OVER (ORDER BY d.paid_on, d.seq) AS cumulative_yuan
FROM disbursements d
WHERE d.eval_id = $eval_id
ORDER BY d.paid_on, d.seq
