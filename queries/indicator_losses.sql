-- Deduction analysis: points lost (weight − score) by 一级/二级指标, most lost first, with how many
-- indicators were deducted. Parameters: filters, $limit.
SELECT r.level1, r.level2, sum(r.n_indicators) AS n_indicators, sum(r.n_deducted) AS n_deducted,
       sum(r.weight_sum) AS weight_sum, sum(r.weight_sum - r.score_sum) AS points_lost,
       sum(r.weight_sum - r.score_sum) / nullif(sum(r.weight_sum), 0) AS loss_share
FROM rollup_indicators r
WHERE {filters(r)}
GROUP BY r.level1, r.level2
HAVING sum(r.n_indicators) > 0
ORDER BY points_lost DESC, r.level1, r.level2
LIMIT $limit
