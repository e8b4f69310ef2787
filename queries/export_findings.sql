-- Briefing pack / exports: problems, suggestions and rectifications of the filtered evaluations
-- with their category (manager corrections included) and source lines; at most $limit rows.
-- Parameters: filters, $limit.
SELECT e.eval_id, e.unit, e.year, e.project, f.kind, f.seq, f.text, f.category, f.categories_secondary,
       f.category_source, d.file_name, f.line_start, f.line_end
FROM evaluations e
JOIN findings f ON f.eval_id = e.eval_id
LEFT JOIN documents d ON d.doc_id = e.doc_id
WHERE {filters(e)}
ORDER BY e.unit NULLS LAST, e.year NULLS LAST, e.project NULLS LAST, e.eval_id,
         CASE f.kind WHEN 'problem' THEN 1 WHEN 'suggestion' THEN 2 ELSE 3 END, f.seq
LIMIT $limit
