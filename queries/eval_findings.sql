-- Findings (problems, suggestions, rectifications) of one evaluation. Parameters: $eval_id.
SELECT f.kind, f.seq, f.text, f.category, f.categories_secondary, f.matched_terms, f.line_start, f.line_end
FROM findings f
WHERE f.eval_id = $eval_id
ORDER BY CASE f.kind WHEN 'problem' THEN 1 WHEN 'suggestion' THEN 2 ELSE 3 END, f.seq
