-- Data-as-of line: documents, evaluations, latest ingest time, synthetic documents. For an
-- account limited to $allowed_regions / $allowed_units (NULL = everything) only what it may see:
-- the documents holding its evaluations (found only then: the plain counts need no scan).
-- Parameters: $allowed_regions, $allowed_units.
WITH seen AS (
    SELECT e.doc_id, count(*) AS n
    FROM evaluations e
    WHERE NOT ($allowed_regions IS NULL AND $allowed_units IS NULL)
      AND ($allowed_regions IS NULL OR list_contains($allowed_regions, e.region))
      AND ($allowed_units IS NULL OR list_contains($allowed_units, e.unit))
    GROUP BY e.doc_id
), docs AS (
    SELECT d.ingested_at, d.file_name FROM documents d
    WHERE $allowed_regions IS NULL AND $allowed_units IS NULL
    UNION ALL
    SELECT d.ingested_at, d.file_name FROM documents d SEMI JOIN seen s ON s.doc_id = d.doc_id
)
SELECT (SELECT count(*) FROM docs) AS n_documents,
       CASE WHEN $allowed_regions IS NULL AND $allowed_units IS NULL THEN (SELECT count(*) FROM evaluations)
            ELSE (SELECT coalesce(sum(n), 0) FROM seen)::BIGINT END AS n_evaluations,
       (SELECT max(ingested_at) FROM docs) AS last_ingest,
       (SELECT count(*) FROM docs WHERE file_name LIKE 'SYNTHETIC%') AS n_synthetic
