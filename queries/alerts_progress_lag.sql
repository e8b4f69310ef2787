-- The $limit filtered evaluations furthest behind the linear 序时进度 (month/12) at any stated
-- month, from eval_progress. Parameters: filters, $limit.
SELECT p.eval_id, p.unit, p.year, p.project, p.scope, p.max_lag_pp, p.lag_month, p.rate_m6, p.rate_final, p.back_loaded
FROM eval_progress p
WHERE {filters(p)} AND p.max_lag_pp > 0
ORDER BY p.max_lag_pp DESC, p.eval_id
LIMIT $limit
