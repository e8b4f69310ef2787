-- Problems the taxonomy places in 'other' or matches only weakly (match_score below $strong),
-- for the candidate themes; managers' corrections are left out (their category is settled).
-- At most $limit rows, newest years first, each with its key terms ('、'-separated) and the
-- category it leans to (hint). At $strong = 3.0 (perfeval.store.rollups.WEAK_BELOW, the taxonomy's
-- default line) read from problem_statements (weak, with the key terms stored at ingest; the top
-- $limit chosen before the texts are read); at another line from the detail tables, without key
-- terms and hint (NULL: the page computes them). Parameters: filters, $strong, $limit.
WITH k AS (
    SELECT p.rowid AS rid
    FROM problem_statements p
    WHERE $strong = 3.0 AND p.weak AND {filters(p)}
    ORDER BY p.year DESC, p.unit, p.seq, p.eval_id
    LIMIT $limit
)
SELECT p.eval_id, p.unit, p.year, p.project, p.seq, p.text, p.category, p.match_score, p.matched_terms,
       p.key_terms, p.hint
FROM problem_statements p
WHERE p.rowid IN (SELECT rid FROM k)
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
