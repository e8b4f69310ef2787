-- Problems the taxonomy places in 'other' or matches only weakly (match_score below $strong),
-- for the candidate themes; managers' corrections are left out (their category is settled).
-- At most $limit rows, newest years first. Parameters: filters, $strong, $limit.
SELECT e.eval_id, e.unit, e.year, e.project, f.seq, f.text, coalesce(f.category, 'other') AS category,
       f.match_score, f.matched_terms
FROM findings f
JOIN evaluations e ON e.eval_id = f.eval_id
WHERE {filters(e)} AND f.kind = 'problem' AND coalesce(f.category_source, 'auto') <> 'manual'
  AND (coalesce(f.category, 'other') = 'other' OR f.match_score < $strong)
ORDER BY e.year DESC, e.unit, f.seq
LIMIT $limit
