-- Shared CTE, inlined by perfeval.dbread wherever a query writes {include(_newest_cut)} after a
-- CTE g(year, unit, n): the (year, unit) point, newest first, from which on at least $limit rows
-- exist, so the query reads only the evaluations up to it. Parameters: $limit.
cut AS (
    SELECT year AS cy, unit AS cu
    FROM (SELECT year, unit, sum(n) OVER (ORDER BY year DESC, unit = '', unit ROWS UNBOUNDED PRECEDING) AS cum
          FROM g)
    WHERE cum >= $limit
    ORDER BY cum
    LIMIT 1
)
