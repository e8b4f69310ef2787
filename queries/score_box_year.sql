-- Score distribution by year (box-plot statistics computed in DuckDB). The quartiles are exact
-- quantile_cont values (position (n − 1)·q, linear between neighbours) read from a count per
-- distinct score, which is cheaper than sorting every score of a year. Parameters: filters.
WITH c AS (
    SELECT e.year, e.score, count(*) AS n
    FROM evaluations e
    WHERE {filters(e)} AND e.score IS NOT NULL AND e.year IS NOT NULL
    GROUP BY e.year, e.score
), w AS (  -- upto: how many scores of the year are <= this one
    SELECT year, score, sum(n) OVER (PARTITION BY year ORDER BY score ROWS UNBOUNDED PRECEDING) AS upto
    FROM c
), g AS (
    SELECT year, sum(n)::BIGINT AS n, min(score) AS min, max(score) AS max, sum(score * n) / sum(n) AS mean
    FROM c GROUP BY year
), q AS (
    SELECT g.year, k.i, (g.n - 1) * k.q AS h FROM g, (VALUES (1, 0.25), (2, 0.5), (3, 0.75)) k(i, q)
), v AS (  -- the scores at positions floor(h) and ceil(h) (0-based) and the interpolated quantile
    SELECT q.year, q.i,
           min(w.score) + (any_value(q.h) - floor(any_value(q.h)))
             * (min(w.score) FILTER (WHERE w.upto > ceil(q.h)) - min(w.score)) AS value
    FROM q JOIN w ON w.year = q.year AND w.upto > floor(q.h)
    GROUP BY q.year, q.i
)
SELECT g.year, g.n, g.min,
       max(v.value) FILTER (WHERE v.i = 1) AS q1,
       max(v.value) FILTER (WHERE v.i = 2) AS median,
       max(v.value) FILTER (WHERE v.i = 3) AS q3,
       g.max, g.mean
FROM g JOIN v USING (year)
GROUP BY g.year, g.n, g.min, g.max, g.mean
ORDER BY g.year
