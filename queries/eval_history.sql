-- Year-over-year comparison: every evaluation of the same unit and project as $eval_id (itself
-- included), oldest first, with its problem count. Projects are compared by
-- eval_projects.project_key (perfeval.ingest.context.project_key: the name without its region prefix, a
-- year such as 2021年/2021年度, whitespace, punctuation differences or a trailing 项目), so "2021年度聘用人员工资及管理费用项目" and "聘用人员工资及管理费用" are one project.
-- The few matching ids are found first (hist); evaluations, findings and documents are then
-- read by semi-joins on them, never hashed whole. Parameters: $eval_id.
WITH me AS (
    SELECT unit, project_key FROM eval_projects WHERE eval_id = $eval_id
), hist AS MATERIALIZED (
    SELECT p.eval_id, p.doc_id FROM eval_projects p JOIN me ON p.unit = me.unit AND p.project_key = me.project_key
), problems AS (
    SELECT f.eval_id, count(*) AS n_problems
    FROM findings f SEMI JOIN hist h ON h.eval_id = f.eval_id
    WHERE f.kind = 'problem'
    GROUP BY f.eval_id
), docs AS (
    SELECT d.doc_id, d.file_name FROM documents d SEMI JOIN hist h ON h.doc_id = d.doc_id
)
SELECT e.eval_id, e.unit, e.year, e.project, e.scope, e.source_kind, e.budget_yuan, e.spent_yuan,
       e.execution_rate, e.score, coalesce(e.grade, e.grade_from_score) AS grade, docs.file_name,
       coalesce(problems.n_problems, 0) AS n_problems
FROM evaluations e
SEMI JOIN hist h ON h.eval_id = e.eval_id
LEFT JOIN problems ON problems.eval_id = e.eval_id
LEFT JOIN docs ON docs.doc_id = e.doc_id
ORDER BY e.year NULLS LAST, e.eval_id
