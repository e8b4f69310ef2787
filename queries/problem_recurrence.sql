-- 屡次出现 with the recurrence check: the unit × category pairs whose problems appear in two or
-- more years (rollup_findings, at most $limit pairs, most years first; n_pairs = all such pairs),
-- and for each earlier year (every year of the pair but the last) whether that year's suggestions
-- and rectifications of the unit addressed the category (rollup_advice; which statement addresses
-- which category is decided at ingest, perfeval.classify.themes.AdviceTopics): 已针对 (at least one did),
-- 未针对 (there were some, none did), 无建议记录 (none recorded).
-- Returns unit, category, n_years, years, n_findings, n_pairs, last_year, status (over the
-- earlier years: 已针对 / 部分针对 / 未针对 / 无建议记录), detail (per earlier year, in Chinese).
-- Parameters: filters, $limit.
WITH {include(_repeat_pairs)}, adv AS (
    SELECT a.unit, a.year, a.category, sum(a.n) AS n, sum(a.n_by_category) AS n_by_category,
           sum(a.n_by_terms) AS n_by_terms
    FROM rollup_advice a
    WHERE {filters(a)} AND a.year > 0 AND a.unit IN (SELECT unit FROM pairs)
    GROUP BY a.unit, a.year, a.category
), py AS (
    SELECT p.unit, p.category, p.n_years, p.n_findings, p.n_pairs, uy.year,
           max(uy.year) OVER (PARTITION BY p.unit, p.category) AS last_year,
           coalesce(t.n, 0) AS n_advice, coalesce(c.n, 0) AS n_addressing,
           coalesce(c.n_by_category, 0) AS n_by_category, coalesce(c.n_by_terms, 0) AS n_by_terms
    FROM pairs p
    JOIN uy ON uy.unit = p.unit AND uy.category = p.category
    LEFT JOIN adv t ON t.unit = p.unit AND t.year = uy.year AND t.category = ''
    LEFT JOIN adv c ON c.unit = p.unit AND c.year = uy.year AND c.category = p.category
), ys AS (
    SELECT *,
           CASE WHEN n_addressing > 0 THEN '已针对' WHEN n_advice = 0 THEN '无建议记录' ELSE '未针对' END AS year_status,
           CASE WHEN n_addressing > 0 THEN
                    concat_ws('，', CASE WHEN n_by_category > 0 THEN n_by_category || ' 条建议或整改归入同类' END,
                              CASE WHEN n_by_terms > 0 THEN n_by_terms || ' 条与当年同类问题有两个以上共同关键词' END)
                WHEN n_advice = 0 THEN '当年未记录建议或整改措施'
                ELSE '当年的 ' || n_advice || ' 条建议和整改未涉及此类问题' END AS basis
    FROM py
)
SELECT unit, category, n_years, string_agg(year::VARCHAR, '、' ORDER BY year) AS years, n_findings, n_pairs,
       last_year,
       CASE WHEN count(*) FILTER (WHERE year < last_year AND year_status = '已针对') = n_years - 1 THEN '已针对'
            WHEN count(*) FILTER (WHERE year < last_year AND year_status = '已针对') > 0 THEN '部分针对'
            WHEN count(*) FILTER (WHERE year < last_year AND year_status = '无建议记录') = n_years - 1 THEN '无建议记录'
            ELSE '未针对' END AS status,
       string_agg(year || '年' || year_status || '（' || basis || '）', '；' ORDER BY year) FILTER (WHERE year < last_year)
           AS detail
FROM ys
GROUP BY unit, category, n_years, n_findings, n_pairs, last_year
ORDER BY n_years DESC, n_findings DESC, unit, category
