-- Score distribution by unit for the $limit units with the most scored evaluations.
-- Parameters: filters, $limit.
SELECT e.unit, count(*) AS n, min(e.score) AS min, quantile_cont(e.score, 0.25) AS q1,
       median(e.score) AS median, quantile_cont(e.score, 0.75) AS q3, max(e.score) AS max,
       avg(e.score) AS mean
FROM evaluations e
WHERE {filters(e)} AND e.score IS NOT NULL AND e.unit IS NOT NULL
GROUP BY e.unit
ORDER BY n DESC, e.unit
LIMIT $limit
