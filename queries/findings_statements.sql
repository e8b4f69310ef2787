-- The problem statements behind one cell: filtered evaluations narrowed by $category, $year and
-- $unit (each NULL = any), with their source document and lines, the classifier's explanation
-- (matched_terms, categories_secondary, match_score) and whether a manager set the category
-- (category_source = 'manual'); at most $limit rows, newest year first.
-- Read from problem_statements (one row per problem with its evaluation's columns copied,
-- perfeval.store.rollups), which a rebuild writes in this order: the newest rows sit in the first row
-- groups, and the top $limit are chosen from the sort columns before the texts are read.
-- Parameters: filters, $category, $year, $unit, $limit.
WITH k AS (
    SELECT p.rowid AS rid
    FROM problem_statements p
    WHERE {filters(p)} AND ($year IS NULL OR p.year = $year) AND ($unit IS NULL OR p.unit = $unit)
      AND ($category IS NULL OR p.category = $category)
    ORDER BY p.year DESC, p.unit, p.project, p.eval_id, p.seq
    LIMIT $limit
)
SELECT p.eval_id, p.unit, p.year, p.project, p.category, 'problem' AS kind, p.seq, p.text, p.matched_terms,
       p.categories_secondary, p.match_score, p.category_source, d.file_name, p.line_start, p.line_end
FROM problem_statements p
JOIN documents d ON d.doc_id = p.doc_id
WHERE p.rowid IN (SELECT rid FROM k)
ORDER BY p.year DESC, p.unit, p.project, p.eval_id, p.seq
