-- Grade mix of the filtered evaluations: grade as stated, else derived from the score
-- (stated = false), from rollup_grades. Parameters: filters.
SELECT r.grade, r.stated, sum(r.n)::BIGINT AS n
FROM rollup_grades r
WHERE {filters(r)}
GROUP BY r.grade, r.stated
HAVING sum(r.n) > 0
