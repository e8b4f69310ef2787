-- Maintains rollup_score_bins: scores per filter key and 1-point bin (least(floor(score), 99)), with their
-- sum: what the score histogram reads.
-- {docs} is TRUE (rebuild, staged batch) or e.doc_id IN (SELECT unnest($docs)) (the documents listed);
-- {evaluations}, {findings}, … name the tables, or for a batch being inserted the views of its staged rows
-- (perfeval.store.rollups.STAGED).
-- $sign: +1 adds the documents' contribution (after their rows are inserted), -1 removes it (before they are deleted).
-- Parameters: $sign.
INSERT INTO rollup_score_bins
SELECT coalesce(e.region, '') AS region, coalesce(e.unit, '') AS unit, coalesce(e.year, 0) AS year,
       coalesce(e.scope, '') AS scope, coalesce(e.source_kind, '') AS source_kind, least(floor(e.score), 99)::INTEGER AS bin, $sign * count(*), $sign * sum(e.score)
FROM {evaluations} e
WHERE e.score IS NOT NULL AND {docs}
GROUP BY ALL
ON CONFLICT DO UPDATE SET n = n + EXCLUDED.n, score_sum = score_sum + EXCLUDED.score_sum
