-- Briefing pack / exports: performance indicators of the filtered evaluations with the
-- evaluation they belong to and their source lines (level names normalized, as stated beside
-- them); at most $limit rows.
-- Parameters: filters, $limit.
SELECT e.eval_id, e.unit, e.year, e.project, i.seq, i.level1, i.level2, i.level1_stated, i.level2_stated, i.name, i.target, i.actual,
       i.weight, i.score, i.weight - i.score AS points_lost, i.note, d.file_name, i.line_start, i.line_end
FROM evaluations e
JOIN indicators i ON i.eval_id = e.eval_id
LEFT JOIN documents d ON d.doc_id = e.doc_id
WHERE {filters(e)}
ORDER BY e.unit NULLS LAST, e.year NULLS LAST, e.project NULLS LAST, e.eval_id, i.seq
LIMIT $limit
