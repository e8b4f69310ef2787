-- The audit trail, newest first, narrowed by $actor and $action (NULL = any), a text $q found in
-- the file name, values or result (NULL = any) and the day range $day_from..$day_to (DATE, NULL
-- = open); at most $limit rows. Parameters: $actor, $action, $q, $day_from, $day_to, $limit.
SELECT a.happened_at, a.actor, a.role, a.via, a.action, a.file_name, a.sha256, a.finding_key,
       a.old_value, a.new_value, a.result
FROM audit_log a
WHERE ($actor IS NULL OR a.actor = $actor)
  AND ($action IS NULL OR a.action = $action)
  AND ($q IS NULL OR contains(coalesce(a.file_name, '') || ' ' || coalesce(a.old_value, '') || ' '
                              || coalesce(a.new_value, '') || ' ' || a.result || ' ' || coalesce(a.sha256, ''), $q))
  AND ($day_from IS NULL OR a.happened_at >= $day_from)
  AND ($day_to IS NULL OR a.happened_at < $day_to + INTERVAL 1 DAY)
ORDER BY a.happened_at DESC, a.action
LIMIT $limit
