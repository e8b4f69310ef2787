-- Score histogram of the filtered evaluations in 1-point bins (bin = floor(score), 100 in the
-- 99 bin). Parameters: filters.
SELECT least(floor(e.score), 99)::INTEGER AS bin, count(*) AS n
FROM evaluations e
WHERE {filters(e)} AND e.score IS NOT NULL
GROUP BY bin
ORDER BY bin
