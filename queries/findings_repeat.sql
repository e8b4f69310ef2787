-- 屡次出现: problem categories found for the same unit in two or more years (rollup_findings).
-- Returns unit, category, n_years, years (text), n_findings, most years first; at most $limit
-- rows. Parameters: filters, $limit.
WITH {include(_repeat_pairs)}
SELECT p.unit, p.category, p.n_years, string_agg(uy.year::VARCHAR, '、' ORDER BY uy.year) AS years, p.n_findings
FROM pairs p JOIN uy ON uy.unit = p.unit AND uy.category = p.category
GROUP BY p.unit, p.category, p.n_years, p.n_findings
ORDER BY p.n_years DESC, p.n_findings DESC, p.unit, p.category
