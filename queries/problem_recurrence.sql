-- 屡次出现 with the texts behind it: the unit × category pairs whose problems appear in two or
-- more years (rollup_findings, at most $limit pairs, most years first), each with the problem
-- statements of that category in those years and every suggestion and rectification of the same
-- unit in those years (perfeval.themes.recurrence decides whether the earlier years' advice
-- addressed the category); at most $per_year statements of each kind per pair and year.
-- Parameters: filters, $limit, $per_year.
WITH {include(_repeat_pairs)}, ev AS (
    SELECT e.eval_id, e.unit, e.year
    FROM evaluations e
    WHERE {filters(e)} AND e.year > 0 AND e.unit IN (SELECT unit FROM pairs)
), k AS (
    -- the rows to show, found without reading the texts (which are then fetched by rowid)
    SELECT p.unit, p.category, p.n_years, p.n_findings, ev.year, ev.eval_id, f.kind, f.seq, f.rowid AS rid
    FROM pairs p
    JOIN ev ON ev.unit = p.unit
    JOIN findings f ON f.eval_id = ev.eval_id
    WHERE (f.kind = 'problem' AND coalesce(f.category, 'other') = p.category)
       OR f.kind IN ('suggestion', 'rectification')
    QUALIFY row_number() OVER (PARTITION BY p.unit, p.category, ev.year, f.kind ORDER BY ev.eval_id, f.seq) <= $per_year
)
SELECT k.unit, k.category, k.n_years, k.n_findings, k.year, k.eval_id, k.kind, k.seq, t.text
FROM k
JOIN (SELECT rowid AS rid, text FROM findings WHERE rowid IN (SELECT rid FROM k)) t ON t.rid = k.rid
ORDER BY k.n_years DESC, k.n_findings DESC, k.unit, k.category, k.year,
         CASE k.kind WHEN 'problem' THEN 1 WHEN 'suggestion' THEN 2 ELSE 3 END, k.seq
