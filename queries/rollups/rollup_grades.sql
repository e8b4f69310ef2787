-- Maintains rollup_grades: evaluations per filter key and grade (stated, else derived from the score).
-- {docs} is TRUE (rebuild, staged batch) or e.doc_id IN (SELECT unnest($docs)) (the documents listed);
-- {evaluations}, {findings}, … name the tables, or for a batch being inserted the views of its staged rows
-- (perfeval.store.rollups.STAGED).
-- $sign: +1 adds the documents' contribution (after their rows are inserted), -1 removes it (before they are deleted).
-- Parameters: $sign.
INSERT INTO rollup_grades
SELECT coalesce(e.region, '') AS region, coalesce(e.unit, '') AS unit, coalesce(e.year, 0) AS year,
       coalesce(e.scope, '') AS scope, coalesce(e.source_kind, '') AS source_kind, coalesce(e.grade, e.grade_from_score) AS grade, e.grade IS NOT NULL AS stated, $sign * count(*)
FROM {evaluations} e
WHERE coalesce(e.grade, e.grade_from_score) IS NOT NULL AND {docs}
GROUP BY ALL
ON CONFLICT DO UPDATE SET n = n + EXCLUDED.n
