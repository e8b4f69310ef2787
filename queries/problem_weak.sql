-- Problems the taxonomy places in 'other' or matches only weakly (match_score below $strong),
-- for the candidate themes; managers' corrections are left out (their category is settled).
-- At most $limit rows, newest years first, each with its key terms ('、'-separated) and the
-- category it leans to (hint). At $strong = 3.0 (perfeval.rollups.WEAK_BELOW, the taxonomy's
-- default line) they are read from weak_problems, where ingest stored them with their key terms;
-- at another line from the detail tables, without key terms and hint (NULL: the page computes them).
-- Parameters: filters, $strong, $limit.
SELECT * FROM (
    SELECT w.eval_id, w.unit, w.year, w.project, w.seq, w.text, w.category, w.match_score, w.matched_terms,
           w.key_terms, w.hint
    FROM weak_problems w
    WHERE $strong = 3.0 AND {filters(w)}
    ORDER BY w.year DESC, w.unit, w.seq, w.eval_id
    LIMIT $limit
)
UNION ALL
SELECT * FROM (
    SELECT e.eval_id, e.unit, e.year, e.project, f.seq, f.text, coalesce(f.category, 'other') AS category,
           f.match_score, f.matched_terms, NULL::VARCHAR AS key_terms, NULL::VARCHAR AS hint
    FROM findings f JOIN evaluations e ON e.eval_id = f.eval_id
    WHERE $strong <> 3.0 AND {filters(e)} AND f.kind = 'problem' AND coalesce(f.category_source, 'auto') <> 'manual'
      AND (coalesce(f.category, 'other') = 'other' OR f.match_score < $strong)
    ORDER BY e.year DESC, e.unit, f.seq, e.eval_id
    LIMIT $limit
)
ORDER BY year DESC, unit, seq, eval_id
