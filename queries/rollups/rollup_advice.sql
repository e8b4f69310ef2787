-- Maintains rollup_advice from _stmt and advice_topics: per filter key the suggestions and
-- rectifications (category ''), and per category how many of them address it (by classification,
-- by shared key terms).
-- $sign: +1 adds the documents' contribution (after their rows are inserted), -1 removes it (before they are deleted).
-- Parameters: $sign.
INSERT INTO rollup_advice
SELECT coalesce(s.region, '') AS region, coalesce(s.unit, '') AS unit, coalesce(s.year, 0) AS year,
       coalesce(s.scope, '') AS scope, coalesce(s.source_kind, '') AS source_kind, '' AS category, $sign * count(*), 0, 0
FROM _stmt s WHERE s.kind IN ('suggestion', 'rectification')
GROUP BY ALL
UNION ALL
SELECT coalesce(s.region, '') AS region, coalesce(s.unit, '') AS unit, coalesce(s.year, 0) AS year,
       coalesce(s.scope, '') AS scope, coalesce(s.source_kind, '') AS source_kind, a.category, $sign * count(*), $sign * count(*) FILTER (WHERE a.by_category),
       $sign * count(*) FILTER (WHERE a.shared_terms IS NOT NULL)
FROM advice_topics a JOIN _stmt s ON s.eval_id = a.eval_id AND s.kind = a.kind AND s.seq = a.seq
GROUP BY ALL
ON CONFLICT DO UPDATE SET n = n + EXCLUDED.n, n_by_category = n_by_category + EXCLUDED.n_by_category,
                          n_by_terms = n_by_terms + EXCLUDED.n_by_terms
