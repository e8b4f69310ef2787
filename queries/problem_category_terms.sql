-- The phrases that decided the category most often, per category and year (for the hover of the
-- 问题类别 × 年度 heat map): at most 3 per cell, "phrase（n）" one per line.
-- Parameters: filters.
WITH t AS (
    SELECT coalesce(f.category, 'other') AS category, e.year, trim(term) AS term, count(*) AS n
    FROM findings f
    JOIN evaluations e ON e.eval_id = f.eval_id,
         unnest(string_split(f.matched_terms, '、')) AS u(term)
    WHERE {filters(e)} AND f.kind = 'problem' AND f.matched_terms IS NOT NULL AND trim(term) <> ''
    GROUP BY ALL
), r AS (
    SELECT *, row_number() OVER (PARTITION BY category, year ORDER BY n DESC, term) AS k FROM t
)
SELECT category, coalesce(year, 0) AS year, string_agg(term || '（' || n || '）', chr(10) ORDER BY k) AS terms
FROM r
WHERE k <= 3
GROUP BY category, coalesce(year, 0)
