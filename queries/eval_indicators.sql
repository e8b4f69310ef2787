-- Indicators of one evaluation in document order. Parameters: $eval_id.
SELECT i.seq, i.level1, i.level2, i.name, i.target, i.actual, i.weight, i.score,
       i.weight - i.score AS points_lost, i.note, i.line_start, i.line_end
FROM indicators i
WHERE i.eval_id = $eval_id
ORDER BY i.seq
