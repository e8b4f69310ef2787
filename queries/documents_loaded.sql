-- Loaded documents for 数据导入 (file name and own title), newest first, with how many evaluations each produced; $q (NULL =
-- any) narrows by file name; at most $limit rows. Parameters: $q, $limit.
WITH d AS (
    SELECT d.doc_id, d.file_name, d.title, d.file_format, d.size_bytes, d.ingested_at, d.genres, d.sha256
    FROM documents d
    WHERE $q IS NULL OR contains(d.file_name, $q)
    ORDER BY d.ingested_at DESC, d.file_name, d.doc_id
    LIMIT $limit
)
SELECT d.*, (SELECT count(*) FROM evaluations e WHERE e.doc_id = d.doc_id) AS n_evaluations
FROM d
ORDER BY d.ingested_at DESC, d.file_name, d.doc_id
