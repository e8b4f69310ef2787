-- 屡次出现, ranked by problem category: which problem keeps coming back. For each category found
-- for the same unit in two or more years: n_units (units where it recurs), n_years and years (the
-- years those recurrences span), n_findings (the problem statements behind them), max_years (the
-- most years at one unit) and n_all (the category's statements in the whole filter, every unit).
-- rank: 1 = most recurrent, by units, then years, then statements, then n_all; ties (equal in
-- all four) share a rank. Parameters: filters, $limit (pairs considered; pass the number of
-- unit × category pairs or more for an exact ranking).
WITH {include(_repeat_pairs)}, everywhere AS (
    SELECT category, sum(n)::BIGINT AS n_all FROM uy GROUP BY category
), per_category AS (
    SELECT p.category, count(DISTINCT p.unit) AS n_units, count(DISTINCT uy.year) AS n_years,
           string_agg(DISTINCT uy.year::VARCHAR, '、' ORDER BY uy.year::VARCHAR) AS years,
           sum(uy.n)::BIGINT AS n_findings, max(p.n_years) AS max_years
    FROM pairs p JOIN uy ON uy.unit = p.unit AND uy.category = p.category
    GROUP BY p.category
)
SELECT rank() OVER (ORDER BY c.n_units DESC, c.n_years DESC, c.n_findings DESC, e.n_all DESC) AS rank,
       c.category, c.n_units, c.n_years, c.years, c.n_findings, c.max_years, e.n_all
FROM per_category c JOIN everywhere e ON e.category = c.category
ORDER BY rank, c.category
