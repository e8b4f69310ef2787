-- The problem statements behind one cell: filtered evaluations narrowed by $category, $year and
-- $unit (each NULL = any), with their source document and lines, the classifier's explanation
-- (matched_terms, categories_secondary, match_score) and whether a manager set the category
-- (category_source = 'manual'); at most $limit rows.
-- Parameters: filters, $category, $year, $unit, $limit.
-- cut: the (year, unit) group at which the problems counted in rollup_findings, in the order of
-- the result (year DESC, unit, NULL year and unit last), reach $limit; only the evaluations up to
-- that group can be among the first $limit rows, so only their findings are read. NULL (fewer
-- problems than $limit) or a cut at an unknown year or unit reads more, never less.
WITH g AS (
    SELECT r.year, r.unit, sum(r.n_findings) AS n
    FROM rollup_findings r
    WHERE {filters(r)} AND ($year IS NULL OR r.year = $year) AND ($unit IS NULL OR r.unit = $unit)
      AND ($category IS NULL OR r.category = $category)
    GROUP BY r.year, r.unit
    HAVING sum(r.n_findings) > 0
), {include(_newest_cut)}, ev AS (
    SELECT e.eval_id, e.doc_id, e.unit, e.year, e.project
    FROM evaluations e
    LEFT JOIN cut ON true
    WHERE {filters(e)} AND ($year IS NULL OR e.year = $year) AND ($unit IS NULL OR e.unit = $unit)
      AND (cut.cy IS NULL OR cut.cy = 0 OR e.year > cut.cy
           OR (e.year = cut.cy AND (cut.cu = '' OR e.unit <= cut.cu)))
), k AS (
    -- the rows to show, chosen without reading the texts (then fetched by rowid)
    SELECT ev.eval_id, ev.doc_id, ev.unit, ev.year, ev.project, f.seq, f.rowid AS rid
    FROM findings f
    JOIN ev ON ev.eval_id = f.eval_id
    WHERE f.kind = 'problem' AND ($category IS NULL OR coalesce(f.category, 'other') = $category)
    ORDER BY ev.year DESC, ev.unit, ev.project, ev.eval_id, f.seq
    LIMIT $limit
)
SELECT k.eval_id, k.unit, k.year, k.project, coalesce(f.category, 'other') AS category, f.kind, f.seq,
       f.text, f.matched_terms, f.categories_secondary, f.match_score,
       coalesce(f.category_source, 'auto') AS category_source, d.file_name, f.line_start, f.line_end
FROM k
JOIN (SELECT rowid AS rid, * FROM findings WHERE rowid IN (SELECT rid FROM k)) f ON f.rid = k.rid
JOIN documents d ON d.doc_id = k.doc_id
ORDER BY k.year DESC, k.unit, k.project, k.eval_id, k.seq
