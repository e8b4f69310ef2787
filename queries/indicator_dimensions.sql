-- Indicator points by 一级指标 (level1): points available (weight), points earned, share of the
-- maximum, from rollup_indicators. Parameters: filters.
SELECT r.level1, sum(r.n_indicators) AS n_indicators, sum(r.weight_sum) AS weight_sum,
       sum(r.score_sum) AS score_sum, sum(r.score_sum) / nullif(sum(r.weight_sum), 0) AS share
FROM rollup_indicators r
WHERE {filters(r)}
GROUP BY r.level1
HAVING sum(r.n_indicators) > 0
ORDER BY weight_sum DESC
