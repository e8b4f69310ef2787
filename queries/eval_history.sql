-- Year-over-year comparison: every evaluation of the same unit and project as $eval_id (itself
-- included), oldest first, with its problem count. Project names are compared without
-- whitespace, a year (2021年 / 2021年度) or a trailing 项目, so "2021年度聘用人员工资及管理费用项目"
-- and "聘用人员工资及管理费用" are one project. Parameters: $eval_id.
WITH me AS (
    SELECT unit, regexp_replace(project, '(19|20)[0-9]{2}年度?|\s+|项目$', '', 'g') AS project_key
    FROM evaluations WHERE eval_id = $eval_id AND unit IS NOT NULL AND project IS NOT NULL
)
SELECT e.eval_id, e.unit, e.year, e.project, e.scope, e.source_kind, e.budget_yuan, e.spent_yuan,
       e.execution_rate, e.score, coalesce(e.grade, e.grade_from_score) AS grade, d.file_name,
       (SELECT count(*) FROM findings f WHERE f.eval_id = e.eval_id AND f.kind = 'problem') AS n_problems
FROM evaluations e
JOIN me ON e.unit = me.unit
LEFT JOIN documents d ON d.doc_id = e.doc_id
-- the name comparison after the join on unit: the regular expression then runs on one unit's
-- evaluations, not on every row of the table
WHERE regexp_replace(e.project, '(19|20)[0-9]{2}年度?|\s+|项目$', '', 'g') = me.project_key
ORDER BY e.year NULLS LAST, e.eval_id
