-- Values offered by the sidebar filters: one row per (region, unit, scope, source_kind) with the
-- year range and evaluation count, from rollup_evals (NULL keys are stored as '' / 0 there).
-- Only what the signed-in account may see. Parameters: $allowed_regions, $allowed_units (NULL = all).
SELECT nullif(r.region, '') AS region, nullif(r.unit, '') AS unit, nullif(r.scope, '') AS scope,
       nullif(r.source_kind, '') AS source_kind, min(nullif(r.year, 0)) AS year_min,
       max(nullif(r.year, 0)) AS year_max, sum(r.n)::BIGINT AS n
FROM rollup_evals r
WHERE r.n > 0
  AND ($allowed_regions IS NULL OR list_contains($allowed_regions, r.region))
  AND ($allowed_units IS NULL OR list_contains($allowed_units, r.unit))
GROUP BY ALL
ORDER BY region, unit, scope, source_kind
