-- Maintains rollup_checks: consistency checks per filter key, severity and rule.
-- {docs} is TRUE (rebuild, staged batch) or e.doc_id IN (SELECT unnest($docs)) (the documents listed);
-- {evaluations}, {findings}, … name the tables, or for a batch being inserted the views of its staged rows
-- (perfeval.store.rollups.STAGED).
-- $sign: +1 adds the documents' contribution (after their rows are inserted), -1 removes it (before they are deleted).
-- Parameters: $sign.
INSERT INTO rollup_checks
SELECT coalesce(e.region, '') AS region, coalesce(e.unit, '') AS unit, coalesce(e.year, 0) AS year,
       coalesce(e.scope, '') AS scope, coalesce(e.source_kind, '') AS source_kind, c.severity, c.rule, $sign * count(*)
FROM {checks} c JOIN {evaluations} e ON e.eval_id = c.eval_id
WHERE {docs}
GROUP BY ALL
ON CONFLICT DO UPDATE SET n = n + EXCLUDED.n
