-- Projects of the filter evaluated in two or more years for the same unit (year-over-year
-- comparison candidates): unit, project (the newest name), n_years, years (text), the newest
-- evaluation's eval_id; most years first, at most $limit rows. Projects are compared by
-- eval_projects.project_key (see eval_history.sql).
-- multi: the groups spanning two or more years, found cheaply (a hash of unit and key, min/max of
-- the year) because at 1M evaluations almost every group has one evaluation; names and ids are
-- gathered only for those groups, and the exact count of years is checked again there (a hash
-- collision can only let a group through, never lose one). $q: text the project name contains
-- (NULL = any). Parameters: filters, $q, $limit.
WITH keyed AS MATERIALIZED (
    SELECT p.eval_id, p.unit, p.year, p.project, p.project_key
    FROM eval_projects p
    WHERE {filters(p)} AND p.year IS NOT NULL AND ($q IS NULL OR contains(p.project, $q))
), multi AS (
    SELECT hash(unit, project_key) AS g FROM keyed GROUP BY g HAVING min(year) <> max(year)
)
SELECT k.unit, arg_max(k.project, (k.year, k.eval_id)) AS project, count(DISTINCT k.year) AS n_years,
       string_agg(DISTINCT k.year::VARCHAR, '、' ORDER BY k.year::VARCHAR) AS years,
       arg_max(k.eval_id, (k.year, k.eval_id)) AS newest_eval_id
FROM keyed k
SEMI JOIN multi m ON m.g = hash(k.unit, k.project_key)
GROUP BY k.unit, k.project_key
HAVING count(DISTINCT k.year) >= 2
ORDER BY n_years DESC, k.unit, project
LIMIT $limit
