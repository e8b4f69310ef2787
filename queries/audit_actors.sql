-- Who and which actions appear in the audit trail (the filters of the 管理 page). Parameters: none.
SELECT DISTINCT a.actor, a.action FROM audit_log a ORDER BY a.actor, a.action
