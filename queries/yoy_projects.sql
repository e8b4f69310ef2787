-- Projects of the filter evaluated in two or more years for the same unit (year-over-year
-- comparison candidates): unit, project (the newest name), n_years, years (text), the newest
-- evaluation's eval_id; most years first, at most $limit rows. Project names are compared as
-- in eval_history.sql (no whitespace, year or trailing 项目). Groups are found with a count
-- alone; names and ids are gathered only for the groups that qualify (at 1M evaluations almost
-- every group has one evaluation). Parameters: filters, $limit.
WITH keyed AS MATERIALIZED (
    SELECT e.eval_id, e.unit, e.year, e.project,
           regexp_replace(e.project, '(19|20)[0-9]{2}年度?|\s+|项目$', '', 'g') AS project_key
    FROM evaluations e
    WHERE {filters(e)} AND e.unit IS NOT NULL AND e.project IS NOT NULL AND e.year IS NOT NULL
), multi AS (
    SELECT unit, project_key FROM keyed GROUP BY unit, project_key HAVING count(DISTINCT year) >= 2
)
SELECT k.unit, arg_max(k.project, (k.year, k.eval_id)) AS project, count(DISTINCT k.year) AS n_years,
       string_agg(DISTINCT k.year::VARCHAR, '、' ORDER BY k.year::VARCHAR) AS years,
       arg_max(k.eval_id, (k.year, k.eval_id)) AS newest_eval_id
FROM keyed k
SEMI JOIN multi m ON m.unit = k.unit AND m.project_key = k.project_key
GROUP BY k.unit, k.project_key
ORDER BY n_years DESC, k.unit, project
LIMIT $limit
