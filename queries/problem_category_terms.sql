-- The phrases that decided the category most often, per category and year (for the hover of the
-- 问题类别 × 年度 heat map): at most 3 per cell, "phrase（n）" one per line (rollup_terms).
-- Parameters: filters.
WITH t AS (
    SELECT r.category, r.year, r.term, sum(r.n) AS n
    FROM rollup_terms r
    WHERE {filters(r)}
    GROUP BY r.category, r.year, r.term
    HAVING sum(r.n) > 0
), k AS (
    SELECT *, row_number() OVER (PARTITION BY category, year ORDER BY n DESC, term) AS k FROM t
)
SELECT category, year, string_agg(term || '（' || n || '）', chr(10) ORDER BY k) AS terms
FROM k
WHERE k <= 3
GROUP BY category, year
