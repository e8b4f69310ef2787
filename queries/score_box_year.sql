-- Score distribution by year (box-plot statistics computed in DuckDB). Parameters: filters.
SELECT e.year, count(*) AS n, min(e.score) AS min, quantile_cont(e.score, 0.25) AS q1,
       median(e.score) AS median, quantile_cont(e.score, 0.75) AS q3, max(e.score) AS max,
       avg(e.score) AS mean
FROM evaluations e
WHERE {filters(e)} AND e.score IS NOT NULL AND e.year IS NOT NULL
GROUP BY e.year
ORDER BY e.year
