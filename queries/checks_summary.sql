-- Data-quality checks raised at ingest for the filtered evaluations, by severity and rule
-- (from rollup_checks). Parameters: filters.
SELECT r.severity, r.rule, sum(r.n) AS n
FROM rollup_checks r
WHERE {filters(r)}
GROUP BY r.severity, r.rule
HAVING sum(r.n) > 0
ORDER BY CASE severity WHEN 'error' THEN 1 WHEN 'warning' THEN 2 ELSE 3 END, n DESC
