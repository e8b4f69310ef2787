-- Filtered evaluations with spending progress (eval_progress), back-loaded first, then by
-- largest lag; at most $limit rows. Parameters: filters, $limit.
SELECT p.eval_id, p.unit, p.year, p.project, p.scope, p.budget_yuan, p.n_points, p.rate_m6, p.rate_m9,
       p.rate_final, p.max_lag_pp, p.lag_month, p.back_loaded
FROM eval_progress p
WHERE {filters(p)}
ORDER BY p.back_loaded DESC, p.max_lag_pp DESC, p.eval_id
LIMIT $limit
