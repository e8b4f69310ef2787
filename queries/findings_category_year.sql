-- Problem counts by taxonomy category and year (rollup_findings). Parameters: filters.
SELECT r.category, r.year, sum(r.n_findings) AS n_findings, sum(r.n_evals) AS n_evals
FROM rollup_findings r
WHERE {filters(r)}
GROUP BY r.category, r.year
HAVING sum(r.n_findings) > 0
ORDER BY r.category, r.year
