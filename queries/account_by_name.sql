-- One local account by name, with its password hash (perfeval.app.auth sign-in only; never shown).
-- Parameters: $name.
SELECT a.name, a.password_hash, a.role, a.regions, a.units, a.password_changed_at
FROM accounts a
WHERE a.name = $name
