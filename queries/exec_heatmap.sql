-- Unit × year weighted execution rate for the $limit units with the largest filtered budget.
-- Parameters: filters, $limit.
WITH top_units AS (
    SELECT e.unit FROM evaluations e
    WHERE {filters(e)} AND e.unit IS NOT NULL AND e.execution_rate IS NOT NULL
    GROUP BY e.unit ORDER BY sum(e.budget_yuan) DESC NULLS LAST, e.unit LIMIT $limit
)
SELECT e.unit, e.year,
       sum(e.spent_yuan) / nullif(sum(e.budget_yuan), 0) AS rate,
       count(*) AS n
FROM evaluations e SEMI JOIN top_units t ON t.unit = e.unit
WHERE {filters(e)} AND e.budget_yuan > 0 AND e.spent_yuan IS NOT NULL AND e.year IS NOT NULL
GROUP BY e.unit, e.year
ORDER BY e.unit, e.year
