-- Where each field of one evaluation was read: document lines and snippet, and the OCR confidence
-- of a value read from a scan or photo (NULL otherwise). Parameters: $eval_id.
SELECT s.field, s.line_start, s.line_end, s.snippet, d.file_name, s.ocr_confidence
FROM field_sources s
LEFT JOIN documents d ON d.doc_id = s.doc_id
WHERE s.eval_id = $eval_id
ORDER BY s.line_start NULLS LAST, s.field
