-- Units ranked by weighted execution rate, with the gap in percentage points to the weighted
-- rate of the whole filter (evaluations with budget > 0 and spending), from rollup_evals.
-- Parameters: filters.
WITH u AS (
    SELECT r.unit, sum(r.n_pair)::BIGINT AS n, sum(r.pair_budget_sum) AS budget_yuan,
           sum(r.pair_spent_sum) AS spent_yuan
    FROM rollup_evals r
    WHERE {filters(r)} AND r.n_pair > 0 AND r.unit <> ''
    GROUP BY r.unit
), t AS (SELECT sum(spent_yuan) / nullif(sum(budget_yuan), 0) AS avg_rate FROM u)
SELECT u.unit, u.n, u.budget_yuan, u.spent_yuan, u.spent_yuan / u.budget_yuan AS rate,
       t.avg_rate, (u.spent_yuan / u.budget_yuan - t.avg_rate) * 100 AS gap_pp
FROM u, t
ORDER BY rate, u.unit
