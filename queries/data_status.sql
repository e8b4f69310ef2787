-- Data-as-of line: documents, evaluations, latest ingest time, checks by severity. Parameters: none.
SELECT (SELECT count(*) FROM documents) AS n_documents,
       (SELECT count(*) FROM evaluations) AS n_evaluations,
       (SELECT max(ingested_at) FROM documents) AS last_ingest,
       (SELECT count(*) FROM documents WHERE file_name LIKE 'SYNTHETIC%') AS n_synthetic
