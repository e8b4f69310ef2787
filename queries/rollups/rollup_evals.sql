-- Maintains rollup_evals: per filter key the counts and sums of evaluations that the KPI cards, the
-- sidebar's options, the unit × year heat map and the unit ranking need; every sum comes with the
-- count of values it adds up. "pair": budget_yuan > 0 and spent_yuan present (weighted execution rate).
-- {docs} is TRUE (rebuild, staged batch) or e.doc_id IN (SELECT unnest($docs)) (the documents listed);
-- {evaluations}, {findings}, … name the tables, or for a batch being inserted the views of its staged rows
-- (perfeval.store.rollups.STAGED).
-- $sign: +1 adds the documents' contribution (after their rows are inserted), -1 removes it (before they are deleted).
-- Parameters: $sign.
INSERT INTO rollup_evals
SELECT coalesce(e.region, '') AS region, coalesce(e.unit, '') AS unit, coalesce(e.year, 0) AS year,
       coalesce(e.scope, '') AS scope, coalesce(e.source_kind, '') AS source_kind, $sign * count(*),
       $sign * count(e.budget_yuan), $sign * coalesce(sum(e.budget_yuan), 0),
       $sign * count(e.spent_yuan), $sign * coalesce(sum(e.spent_yuan), 0),
       $sign * count(*) FILTER (WHERE e.budget_yuan > 0 AND e.spent_yuan IS NOT NULL),
       $sign * coalesce(sum(e.budget_yuan) FILTER (WHERE e.budget_yuan > 0 AND e.spent_yuan IS NOT NULL), 0),
       $sign * coalesce(sum(e.spent_yuan) FILTER (WHERE e.budget_yuan > 0 AND e.spent_yuan IS NOT NULL), 0),
       $sign * count(e.execution_rate), $sign * coalesce(sum(e.execution_rate), 0),
       $sign * count(e.budget_yuan) FILTER (WHERE e.execution_rate IS NOT NULL),
       $sign * coalesce(sum(e.budget_yuan) FILTER (WHERE e.execution_rate IS NOT NULL), 0),
       $sign * count(e.score), $sign * coalesce(sum(e.score), 0)
FROM {evaluations} e
WHERE {docs}
GROUP BY ALL
ON CONFLICT DO UPDATE SET n = n + EXCLUDED.n,
    n_budget = n_budget + EXCLUDED.n_budget, budget_sum = budget_sum + EXCLUDED.budget_sum,
    n_spent = n_spent + EXCLUDED.n_spent, spent_sum = spent_sum + EXCLUDED.spent_sum,
    n_pair = n_pair + EXCLUDED.n_pair, pair_budget_sum = pair_budget_sum + EXCLUDED.pair_budget_sum,
    pair_spent_sum = pair_spent_sum + EXCLUDED.pair_spent_sum,
    n_rate = n_rate + EXCLUDED.n_rate, rate_sum = rate_sum + EXCLUDED.rate_sum,
    n_rated_budget = n_rated_budget + EXCLUDED.n_rated_budget,
    rated_budget_sum = rated_budget_sum + EXCLUDED.rated_budget_sum,
    n_score = n_score + EXCLUDED.n_score, score_sum = score_sum + EXCLUDED.score_sum
