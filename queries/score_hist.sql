-- Score histogram of the filtered evaluations in 1-point bins (bin = floor(score), 100 in the
-- 99 bin), from rollup_score_bins. Parameters: filters.
SELECT r.bin, sum(r.n) AS n
FROM rollup_score_bins r
WHERE {filters(r)}
GROUP BY r.bin
HAVING sum(r.n) > 0
ORDER BY r.bin
