-- Unit × year weighted execution rate for the $limit units with the largest filtered budget
-- (budget of the evaluations that have an execution rate), from rollup_evals.
-- Parameters: filters, $limit.
WITH top_units AS (
    SELECT r.unit FROM rollup_evals r
    WHERE {filters(r)} AND r.unit <> '' AND r.n_rate > 0
    GROUP BY r.unit
    ORDER BY CASE WHEN sum(r.n_rated_budget) > 0 THEN sum(r.rated_budget_sum) END DESC NULLS LAST, r.unit
    LIMIT $limit
)
SELECT r.unit, r.year,
       sum(r.pair_spent_sum) / nullif(sum(r.pair_budget_sum), 0) AS rate,
       sum(r.n_pair)::BIGINT AS n
FROM rollup_evals r SEMI JOIN top_units t ON t.unit = r.unit
WHERE {filters(r)} AND r.n_pair > 0 AND r.year <> 0
GROUP BY r.unit, r.year
ORDER BY r.unit, r.year
