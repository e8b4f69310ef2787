-- Local accounts without their password hashes, by name (`perfeval user list`, 管理 page).
-- Parameters: none.
SELECT a.name, a.role, a.regions, a.units, a.created_at, a.password_changed_at
FROM accounts a
ORDER BY a.name
