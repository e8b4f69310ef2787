-- Grade mix per year (stated grade, else derived from the score). Parameters: filters.
SELECT e.year, coalesce(e.grade, e.grade_from_score) AS grade, count(*) AS n
FROM evaluations e
WHERE {filters(e)} AND e.year IS NOT NULL AND coalesce(e.grade, e.grade_from_score) IS NOT NULL
GROUP BY ALL
ORDER BY e.year
