-- Briefing pack / exports: data-quality checks raised at ingest for the filtered evaluations,
-- errors first; at most $limit rows. Parameters: filters, $limit.
SELECT e.eval_id, e.unit, e.year, e.project, c.severity, c.rule, c.message, d.file_name
FROM evaluations e
JOIN checks c ON c.eval_id = e.eval_id
LEFT JOIN documents d ON d.doc_id = e.doc_id
WHERE {filters(e)}
ORDER BY CASE c.severity WHEN 'error' THEN 1 WHEN 'warning' THEN 2 ELSE 3 END,
         e.unit NULLS LAST, e.year NULLS LAST, e.eval_id, c.rule
LIMIT $limit
