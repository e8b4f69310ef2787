-- Shared CTEs, inlined by perfeval.app.dbread wherever a query writes {include(_repeat_pairs)}:
-- uy = problems per unit × category × year (filtered), pairs = the unit × category pairs found in
-- two or more years, most years first, at most $limit, each with n_pairs (how many such pairs
-- there are in all). Without a region, scope or source-kind filter uy is rollup_unit_years as it
-- stands (one row per unit × category × year, nothing to add up), else (also for an account limited
-- to regions, which rollup_unit_years does not carry) it sums rollup_findings.
-- Parameters: filters, $limit.
uy AS (
    SELECT r.unit, r.category, r.year, r.n_findings AS n
    FROM (SELECT *, '' AS region, '' AS scope, '' AS source_kind FROM rollup_unit_years) r
    WHERE $regions IS NULL AND $scope IS NULL AND $kinds IS NULL AND $allowed_regions IS NULL
      AND {filters(r)} AND r.year > 0 AND r.unit <> '' AND r.n_findings > 0
    UNION ALL
    SELECT r.unit, r.category, r.year, sum(r.n_findings) AS n
    FROM rollup_findings r
    WHERE NOT ($regions IS NULL AND $scope IS NULL AND $kinds IS NULL AND $allowed_regions IS NULL)
      AND {filters(r)} AND r.year > 0 AND r.unit <> ''
    GROUP BY r.unit, r.category, r.year
    HAVING sum(r.n_findings) > 0
), pairs AS (
    SELECT unit, category, count(*) AS n_years, sum(n)::BIGINT AS n_findings, count(*) OVER () AS n_pairs
    FROM uy
    GROUP BY unit, category
    HAVING count(*) >= 2
    ORDER BY n_years DESC, n_findings DESC, unit, category
    LIMIT $limit
)
