-- Individual scores of the filtered evaluations for the clickable strip chart: the $limit
-- lowest scores (ties by eval_id). cut: the $limit-th lowest score, found by sorting the score
-- column alone; only rows at or below it are then sorted with their names (the same rows, a
-- quarter less time at 1M evaluations). Parameters: filters, $limit.
WITH cut AS (
    SELECT max(score) AS score FROM (
        SELECT e.score FROM evaluations e
        WHERE {filters(e)} AND e.score IS NOT NULL AND e.year IS NOT NULL
        ORDER BY e.score
        LIMIT $limit)
)
SELECT e.eval_id, e.unit, e.year, e.project, e.score, coalesce(e.grade, e.grade_from_score) AS grade
FROM evaluations e, cut
WHERE {filters(e)} AND e.score <= cut.score AND e.year IS NOT NULL
ORDER BY e.score, e.eval_id
LIMIT $limit
