-- Problems, suggestions and rectifications of several evaluations (the year-over-year
-- comparison), with their category. Parameters: $eval_ids VARCHAR[].
SELECT f.eval_id, f.kind, f.seq, f.text, f.category, f.line_start, f.line_end
FROM findings f
WHERE list_contains($eval_ids, f.eval_id)
ORDER BY f.eval_id, CASE f.kind WHEN 'problem' THEN 1 WHEN 'suggestion' THEN 2 ELSE 3 END, f.seq
