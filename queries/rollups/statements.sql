-- Reads the documents' findings once, joined with their evaluations (the costly part at scale), into
-- the temporary table _stmt that the problem-statement rollups below read: the evaluation's columns
-- and the finding's, category and source defaulted, and weak (automatic, and 'other' or below
-- $weak_below).
-- {docs} is TRUE (rebuild, staged batch) or e.doc_id IN (SELECT unnest($docs)) (the documents listed);
-- {evaluations}, {findings}, … name the tables, or for a batch being inserted the views of its staged rows
-- (perfeval.store.rollups.STAGED).
-- Parameters: $weak_below.
CREATE OR REPLACE TEMP TABLE _stmt AS
SELECT f.eval_id, f.kind, f.seq, f.text, coalesce(f.category, 'other') AS category, f.categories_secondary,
       f.matched_terms, f.match_score, coalesce(f.category_source, 'auto') AS category_source, f.line_start,
       f.line_end, e.doc_id, e.region, e.unit, e.year, e.scope, e.source_kind, e.project,
       f.kind = 'problem' AND coalesce(f.category_source, 'auto') <> 'manual'
           AND (coalesce(f.category, 'other') = 'other' OR coalesce(f.match_score < $weak_below, false)) AS weak
FROM {findings} f JOIN {evaluations} e ON e.eval_id = f.eval_id
WHERE {docs}
