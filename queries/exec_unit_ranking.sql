-- Units ranked by weighted execution rate, with the gap in percentage points to the weighted
-- rate of the whole filter. Parameters: filters.
WITH u AS (
    SELECT e.unit, count(*) AS n, sum(e.budget_yuan) AS budget_yuan, sum(e.spent_yuan) AS spent_yuan
    FROM evaluations e
    WHERE {filters(e)} AND e.budget_yuan > 0 AND e.spent_yuan IS NOT NULL AND e.unit IS NOT NULL
    GROUP BY e.unit
), t AS (SELECT sum(spent_yuan) / nullif(sum(budget_yuan), 0) AS avg_rate FROM u)
SELECT u.unit, u.n, u.budget_yuan, u.spent_yuan, u.spent_yuan / u.budget_yuan AS rate,
       t.avg_rate, (u.spent_yuan / u.budget_yuan - t.avg_rate) * 100 AS gap_pp
FROM u, t
ORDER BY rate, u.unit
