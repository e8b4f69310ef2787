-- Briefing pack / exports: cumulative spending progress by month (stated in the report, from
-- dated payments or from a monthly sheet) of the filtered evaluations, with 序时进度 by month
-- (month / 12) and the source lines; at most $limit rows. Parameters: filters, $limit.
SELECT e.eval_id, e.unit, e.year, e.project, p.month, p.source, p.cumulative_rate,
       p.month / 12.0 AS time_progress, p.cumulative_rate - p.month / 12.0 AS gap,
       d.file_name, p.line_start, p.line_end
FROM evaluations e
JOIN spending_progress p ON p.eval_id = e.eval_id
LEFT JOIN documents d ON d.doc_id = e.doc_id
WHERE {filters(e)}
ORDER BY e.unit NULLS LAST, e.year NULLS LAST, e.project NULLS LAST, e.eval_id, p.source, p.month
LIMIT $limit
