-- The rows of eval_projects without their key: perfeval.store.rollups adds context.project_key, the same
-- identity that merges a document's mentions of a project, and inserts them. Evaluations naming their
-- unit and project only.
-- {docs} is TRUE (rebuild, staged batch) or e.doc_id IN (SELECT unnest($docs)) (the documents listed);
-- {evaluations}, {findings}, … name the tables, or for a batch being inserted the views of its staged rows
-- (perfeval.store.rollups.STAGED).
SELECT e.eval_id, e.doc_id, e.region, e.unit, e.year, e.scope, e.source_kind, e.project
FROM {evaluations} e
WHERE e.unit IS NOT NULL AND e.project IS NOT NULL AND {docs}
