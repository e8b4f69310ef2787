-- Shared CTEs, inlined by perfeval.dbread wherever a query writes {include(_repeat_pairs)}:
-- uy = problems per unit × category × year (rollup_findings, filtered), pairs = the unit ×
-- category pairs found in two or more years, most years first, at most $limit, each with n_pairs
-- (how many such pairs there are in all). Parameters: filters, $limit.
uy AS (
    SELECT r.unit, r.category, r.year, sum(r.n_findings) AS n
    FROM rollup_findings r
    WHERE {filters(r)} AND r.year > 0 AND r.unit <> ''
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
