-- Problem counts by unit and year for the $limit units with the most problems
-- (rollup_findings). Parameters: filters, $limit.
WITH top_units AS (
    SELECT r.unit FROM rollup_findings r WHERE {filters(r)}
    GROUP BY r.unit HAVING sum(r.n_findings) > 0
    ORDER BY sum(r.n_findings) DESC, r.unit LIMIT $limit
)
SELECT r.unit, r.year, sum(r.n_findings) AS n_findings
FROM rollup_findings r SEMI JOIN top_units t ON t.unit = r.unit
WHERE {filters(r)}
GROUP BY r.unit, r.year
HAVING sum(r.n_findings) > 0
ORDER BY r.unit, r.year
