-- The problem statements behind one cell: filtered evaluations narrowed by $category, $year and
-- $unit (each NULL = any), with their source document and lines, the classifier's explanation
-- (matched_terms, categories_secondary, match_score) and whether a manager set the category
-- (category_source = 'manual'); at most $limit rows.
-- Parameters: filters, $category, $year, $unit, $limit.
WITH ev AS (
    SELECT e.eval_id, e.doc_id, e.unit, e.year, e.project
    FROM evaluations e
    WHERE {filters(e)} AND ($year IS NULL OR e.year = $year) AND ($unit IS NULL OR e.unit = $unit)
)
SELECT ev.eval_id, ev.unit, ev.year, ev.project, coalesce(f.category, 'other') AS category, f.kind, f.seq,
       f.text, f.matched_terms, f.categories_secondary, f.match_score,
       coalesce(f.category_source, 'auto') AS category_source, d.file_name, f.line_start, f.line_end
FROM findings f
JOIN ev ON ev.eval_id = f.eval_id
JOIN documents d ON d.doc_id = ev.doc_id
WHERE f.kind = 'problem' AND ($category IS NULL OR coalesce(f.category, 'other') = $category)
ORDER BY ev.year DESC, ev.unit, ev.project, f.seq
LIMIT $limit
