-- Maintains rollup_indicators: scored indicators per filter key and 一级/二级 level, how many lost
-- points, and the sums of their weights and scores.
-- {docs} is TRUE (rebuild, staged batch) or e.doc_id IN (SELECT unnest($docs)) (the documents listed);
-- {evaluations}, {findings}, … name the tables, or for a batch being inserted the views of its staged rows
-- (perfeval.store.rollups.STAGED).
-- $sign: +1 adds the documents' contribution (after their rows are inserted), -1 removes it (before they are deleted).
-- Parameters: $sign.
INSERT INTO rollup_indicators
SELECT coalesce(e.region, '') AS region, coalesce(e.unit, '') AS unit, coalesce(e.year, 0) AS year,
       coalesce(e.scope, '') AS scope, coalesce(e.source_kind, '') AS source_kind, coalesce(i.level1, '') AS level1, coalesce(i.level2, '') AS level2,
       $sign * count(*), $sign * count(*) FILTER (WHERE i.score < i.weight),
       $sign * sum(i.weight), $sign * sum(i.score)
FROM {indicators} i JOIN {evaluations} e ON e.eval_id = i.eval_id
WHERE i.weight IS NOT NULL AND i.score IS NOT NULL AND {docs}
GROUP BY ALL
ON CONFLICT DO UPDATE SET n_indicators = n_indicators + EXCLUDED.n_indicators,
                          n_deducted = n_deducted + EXCLUDED.n_deducted,
                          weight_sum = weight_sum + EXCLUDED.weight_sum,
                          score_sum = score_sum + EXCLUDED.score_sum
