-- 回收站: deleted documents, most recently deleted first, with how many evaluations each takes
-- back on restore. Parameters: none.
SELECT t.doc_id, t.file_name, t.file_format, t.sha256, t.ingested_at, t.deleted_at, t.deleted_by,
       (SELECT count(*) FROM trash_evaluations e WHERE e.doc_id = t.doc_id) AS n_evaluations
FROM trash_documents t
ORDER BY t.deleted_at DESC, t.file_name
