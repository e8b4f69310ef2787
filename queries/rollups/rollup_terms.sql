-- Maintains rollup_terms from _stmt: per filter key and category, how often each phrase decided a
-- problem's category (the hover of the category × year heat map).
-- $sign: +1 adds the documents' contribution (after their rows are inserted), -1 removes it (before they are deleted).
-- Parameters: $sign.
INSERT INTO rollup_terms
SELECT coalesce(s.region, '') AS region, coalesce(s.unit, '') AS unit, coalesce(s.year, 0) AS year,
       coalesce(s.scope, '') AS scope, coalesce(s.source_kind, '') AS source_kind, s.category, trim(u.term) AS term, $sign * count(*)
FROM _stmt s, unnest(string_split(s.matched_terms, '、')) AS u(term)
WHERE s.kind = 'problem' AND s.matched_terms IS NOT NULL AND trim(u.term) <> ''
GROUP BY ALL
ON CONFLICT DO UPDATE SET n = n + EXCLUDED.n
