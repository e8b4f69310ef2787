-- Every field of one evaluation with its source document (file name and the document's own
-- title). Parameters: $eval_id.
SELECT e.*, d.file_name, d.title AS doc_title, d.file_format, d.ingested_at, d.sha256
FROM evaluations e
LEFT JOIN documents d ON d.doc_id = e.doc_id
WHERE e.eval_id = $eval_id
