-- Briefing pack / exports: the filtered evaluations with every field and the document each was
-- read from (file name and line range), by unit, year and project; at most $limit rows.
-- Parameters: filters, $limit.
SELECT e.eval_id, e.region, e.unit, e.department, e.year, e.project, e.scope, e.source_kind,
       e.budget_initial_yuan, e.budget_yuan, e.funds_received_yuan, e.spent_yuan, e.execution_rate,
       e.execution_rate_stated, e.score, e.grade, e.grade_from_score, e.score_decision, e.score_process,
       e.score_performance, e.score_execution, e.score_execution_max,
       d.file_name, e.line_start, e.line_end
FROM evaluations e
LEFT JOIN documents d ON d.doc_id = e.doc_id
WHERE {filters(e)}
ORDER BY e.unit NULLS LAST, e.year NULLS LAST, e.project NULLS LAST, e.eval_id
LIMIT $limit
