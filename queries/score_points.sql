-- Individual scores of the filtered evaluations for the clickable strip chart: the $limit
-- lowest scores. Parameters: filters, $limit.
SELECT e.eval_id, e.unit, e.year, e.project, e.score, coalesce(e.grade, e.grade_from_score) AS grade
FROM evaluations e
WHERE {filters(e)} AND e.score IS NOT NULL AND e.year IS NOT NULL
ORDER BY e.score, e.eval_id
LIMIT $limit
