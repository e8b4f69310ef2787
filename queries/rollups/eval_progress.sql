-- Fills eval_progress: one row per evaluation with spending-progress points, for the progress alerts
-- (lag behind the linear 序时进度, back-loaded: under 30% at June or 60% at September). One point per
-- (evaluation, month): a stated figure beats a monthly sheet beats disbursements. Added rows only
-- (a delete removes the documents' rows).
-- {docs} is TRUE (rebuild, staged batch) or e.doc_id IN (SELECT unnest($docs)) (the documents listed);
-- {evaluations}, {findings}, … name the tables, or for a batch being inserted the views of its staged rows
-- (perfeval.store.rollups.STAGED).
INSERT INTO eval_progress
WITH p AS (
    SELECT p.eval_id, p.month,
           arg_min(p.cumulative_rate, CASE p.source WHEN 'stated' THEN 1 WHEN 'monthly_sheet' THEN 2 ELSE 3 END) AS rate
    FROM {spending_progress} p JOIN {evaluations} e ON e.eval_id = p.eval_id
    WHERE {docs}
    GROUP BY p.eval_id, p.month
), agg AS (
    SELECT eval_id, count(*) AS n_points,
           arg_max(rate, month) FILTER (WHERE month <= 6) AS rate_m6,
           arg_max(rate, month) FILTER (WHERE month <= 9) AS rate_m9,
           arg_max(rate, month) AS rate_final,
           max((month / 12.0 - rate) * 100) AS max_lag_pp,
           arg_max(month, month / 12.0 - rate) AS lag_month
    FROM p GROUP BY eval_id
)
SELECT e.eval_id, e.doc_id, e.region, e.unit, e.year, e.scope, e.source_kind, e.project, e.budget_yuan,
       a.n_points, a.rate_m6, a.rate_m9, a.rate_final, a.max_lag_pp, a.lag_month,
       coalesce(a.rate_m6 < 0.30, false) OR coalesce(a.rate_m9 < 0.60, false) AS back_loaded
FROM agg a JOIN {evaluations} e ON e.eval_id = a.eval_id
