-- Where each field of one evaluation was read: document lines and snippet. Parameters: $eval_id.
SELECT s.field, s.line_start, s.line_end, s.snippet, d.file_name
FROM field_sources s
LEFT JOIN documents d ON d.doc_id = s.doc_id
WHERE s.eval_id = $eval_id
ORDER BY s.line_start NULLS LAST, s.field
