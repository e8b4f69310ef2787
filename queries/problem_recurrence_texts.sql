-- The statements behind one row of 屡次出现 (drill-down): the suggestions and rectifications of
-- $unit in the pair's earlier years (the years before $last_year in which it has problems of
-- $category), each with whether and why it addresses $category (advice_topics), and the problems
-- of $category in $last_year; filtered evaluations only.
-- Returns year, kind, seq, text, addresses, by_category, shared_terms, file_name, line_start.
-- Parameters: filters, $unit, $category, $last_year.
WITH ev AS (
    SELECT e.eval_id, e.doc_id, e.year
    FROM evaluations e
    WHERE {filters(e)} AND e.unit = $unit AND e.year BETWEEN 1 AND $last_year
), f AS (
    SELECT ev.eval_id, ev.doc_id, ev.year, f.kind, f.seq, f.text, coalesce(f.category, 'other') AS category,
           f.line_start
    FROM findings f JOIN ev ON ev.eval_id = f.eval_id
), years AS (
    SELECT DISTINCT year FROM f WHERE kind = 'problem' AND category = $category AND year < $last_year
)
SELECT f.year, f.kind, f.seq, f.text, a.category IS NOT NULL AS addresses, coalesce(a.by_category, false) AS by_category,
       a.shared_terms, d.file_name, f.line_start
FROM f
LEFT JOIN advice_topics a ON a.eval_id = f.eval_id AND a.kind = f.kind AND a.seq = f.seq AND a.category = $category
JOIN documents d ON d.doc_id = f.doc_id
WHERE (f.kind IN ('suggestion', 'rectification') AND f.year IN (SELECT year FROM years))
   OR (f.kind = 'problem' AND f.category = $category AND f.year = $last_year)
ORDER BY f.year, CASE f.kind WHEN 'problem' THEN 1 WHEN 'suggestion' THEN 2 ELSE 3 END, f.eval_id, f.seq
