-- Evaluations of the filter whose project, unit or id contains $q (NULL = any), for the
-- 评价明细 picker; at most $limit rows. Parameters: filters, $q, $limit.
SELECT e.eval_id, e.unit, e.year, e.project, e.scope, e.execution_rate, e.score
FROM evaluations e
WHERE {filters(e)}
  AND ($q IS NULL OR contains(e.project, $q) OR contains(e.unit, $q) OR e.eval_id = $q)
ORDER BY e.year DESC NULLS LAST, e.unit, e.project, e.eval_id
LIMIT $limit
