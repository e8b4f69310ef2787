-- 屡次出现: problem categories found for the same unit in two or more years (rollup_findings).
-- Returns unit, category, n_years, years (text), n_findings, most years first; at most $limit
-- rows. Parameters: filters, $limit.
WITH uy AS (
    SELECT r.unit, r.category, r.year, sum(r.n_findings) AS n
    FROM rollup_findings r
    WHERE {filters(r)} AND r.year > 0 AND r.unit <> ''
    GROUP BY r.unit, r.category, r.year
    HAVING sum(r.n_findings) > 0
), g AS (
    SELECT unit, category, count(*) AS n_years, sum(n) AS n_findings
    FROM uy
    GROUP BY unit, category
    HAVING count(*) >= 2
    ORDER BY n_years DESC, n_findings DESC, unit, category
    LIMIT $limit
)
SELECT g.unit, g.category, g.n_years, string_agg(uy.year::VARCHAR, '、' ORDER BY uy.year) AS years, g.n_findings
FROM g JOIN uy ON uy.unit = g.unit AND uy.category = g.category
GROUP BY g.unit, g.category, g.n_years, g.n_findings
ORDER BY g.n_years DESC, g.n_findings DESC, g.unit, g.category
