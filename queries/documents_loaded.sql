-- Loaded documents for 数据导入 (file name and own title), newest first, with how many evaluations
-- each produced; $q (NULL = any) narrows by file name; an account limited to $allowed_regions /
-- $allowed_units (NULL = all) sees the documents holding its evaluations only; at most $limit rows.
-- Parameters: $q, $limit, $allowed_regions, $allowed_units.
WITH d AS (
    SELECT d.doc_id, d.file_name, d.title, d.file_format, d.size_bytes, d.ingested_at, d.genres, d.sha256
    FROM documents d
    WHERE ($q IS NULL OR contains(d.file_name, $q))
      AND (($allowed_regions IS NULL AND $allowed_units IS NULL) OR d.doc_id IN (
            SELECT e.doc_id FROM evaluations e
            WHERE ($allowed_regions IS NULL OR list_contains($allowed_regions, e.region))
              AND ($allowed_units IS NULL OR list_contains($allowed_units, e.unit))))
    ORDER BY d.ingested_at DESC, d.file_name, d.doc_id
    LIMIT $limit
)
SELECT d.*, (SELECT count(*) FROM evaluations e WHERE e.doc_id = d.doc_id) AS n_evaluations
FROM d
ORDER BY d.ingested_at DESC, d.file_name, d.doc_id
