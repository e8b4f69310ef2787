-- Maintains rollup_progress: spending-progress points per filter key, month and source, with the sum of
-- their cumulative rates.
-- {docs} is TRUE (rebuild, staged batch) or e.doc_id IN (SELECT unnest($docs)) (the documents listed);
-- {evaluations}, {findings}, … name the tables, or for a batch being inserted the views of its staged rows
-- (perfeval.store.rollups.STAGED).
-- $sign: +1 adds the documents' contribution (after their rows are inserted), -1 removes it (before they are deleted).
-- Parameters: $sign.
INSERT INTO rollup_progress
SELECT coalesce(e.region, '') AS region, coalesce(e.unit, '') AS unit, coalesce(e.year, 0) AS year,
       coalesce(e.scope, '') AS scope, coalesce(e.source_kind, '') AS source_kind, p.month, p.source, $sign * count(*), $sign * sum(p.cumulative_rate)
FROM {spending_progress} p JOIN {evaluations} e ON e.eval_id = p.eval_id
WHERE {docs}
GROUP BY ALL
ON CONFLICT DO UPDATE SET n = n + EXCLUDED.n, rate_sum = rate_sum + EXCLUDED.rate_sum
