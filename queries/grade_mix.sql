-- Grade mix of the filtered evaluations: grade as stated, else derived from the score
-- (stated = false). Parameters: filters.
SELECT coalesce(e.grade, e.grade_from_score) AS grade, e.grade IS NOT NULL AS stated, count(*) AS n
FROM evaluations e
WHERE {filters(e)} AND coalesce(e.grade, e.grade_from_score) IS NOT NULL
GROUP BY ALL
