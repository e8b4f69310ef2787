-- Problems the taxonomy places in 'other' or matches only weakly (match_score below $strong),
-- for the candidate themes; managers' corrections are left out (their category is settled).
-- At most $limit rows, newest years first. Parameters: filters, $strong, $limit.
-- cut (only at $strong = 3.0, the line of rollup_findings.n_weak): the (year, unit) group at which
-- these problems, counted in rollup_findings (n_other_auto + n_weak) in the order of the result
-- (year DESC, unit, NULL year and unit last), reach $limit; only the evaluations up to that group
-- are read. No cut (another line, fewer rows) or a cut at an unknown year or unit reads more.
WITH g AS (
    SELECT r.year, r.unit, sum(r.n_other_auto + r.n_weak) AS n
    FROM rollup_findings r
    WHERE {filters(r)} AND $strong = 3.0
    GROUP BY r.year, r.unit
    HAVING sum(r.n_other_auto + r.n_weak) > 0
), {include(_newest_cut)}, ev AS (
    SELECT e.eval_id, e.unit, e.year, e.project
    FROM evaluations e
    LEFT JOIN cut ON true
    WHERE {filters(e)}
      AND (cut.cy IS NULL OR cut.cy = 0 OR e.year > cut.cy
           OR (e.year = cut.cy AND (cut.cu = '' OR e.unit <= cut.cu)))
), k AS (
    -- the rows to show, chosen without reading the texts (then fetched by rowid)
    SELECT ev.eval_id, ev.unit, ev.year, ev.project, f.seq, f.rowid AS rid
    FROM findings f
    JOIN ev ON ev.eval_id = f.eval_id
    WHERE f.kind = 'problem' AND coalesce(f.category_source, 'auto') <> 'manual'
      AND (coalesce(f.category, 'other') = 'other' OR f.match_score < $strong)
    ORDER BY ev.year DESC, ev.unit, f.seq, ev.eval_id
    LIMIT $limit
)
SELECT k.eval_id, k.unit, k.year, k.project, k.seq, f.text, coalesce(f.category, 'other') AS category,
       f.match_score, f.matched_terms
FROM k
JOIN (SELECT rowid AS rid, * FROM findings WHERE rowid IN (SELECT rid FROM k)) f ON f.rid = k.rid
ORDER BY k.year DESC, k.unit, k.seq, k.eval_id
