-- Average cumulative spending progress by month and source (stated / disbursement /
-- monthly_sheet) over the filtered evaluations, from rollup_progress. Parameters: filters.
SELECT r.month, r.source, sum(r.rate_sum) / sum(r.n) AS rate, sum(r.n) AS n
FROM rollup_progress r
WHERE {filters(r)}
GROUP BY r.month, r.source
HAVING sum(r.n) > 0
ORDER BY r.source, r.month
