-- Grade mix per year (stated grade, else derived from the score), from rollup_grades.
-- Parameters: filters.
SELECT r.year, r.grade, sum(r.n)::BIGINT AS n
FROM rollup_grades r
WHERE {filters(r)} AND r.year <> 0
GROUP BY r.year, r.grade
HAVING sum(r.n) > 0
ORDER BY r.year
