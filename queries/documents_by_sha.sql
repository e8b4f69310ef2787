-- Documents already loaded among the given content hashes or document ids (数据导入: "already
-- loaded", and which staged uploads belong to a loaded document). Parameters: $shas VARCHAR[] |
-- NULL, $doc_ids VARCHAR[] | NULL (NULL = none).
SELECT d.sha256, d.doc_id, d.file_name, d.ingested_at
FROM documents d
WHERE list_contains(coalesce($shas, []::VARCHAR[]), d.sha256)
   OR list_contains(coalesce($doc_ids, []::VARCHAR[]), d.doc_id)
