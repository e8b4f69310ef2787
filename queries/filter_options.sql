-- Values offered by the sidebar filters: one row per (region, unit, scope, source_kind) with the
-- year range and evaluation count. Parameters: none.
SELECT region, unit, scope, source_kind, min(year) AS year_min, max(year) AS year_max, count(*) AS n
FROM evaluations
GROUP BY ALL
ORDER BY region, unit
