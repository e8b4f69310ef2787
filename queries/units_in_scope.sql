-- Which of the units $units hold evaluations an account limited to $allowed_regions /
-- $allowed_units (NULL = any) may see. Parameters: $units VARCHAR[], $allowed_regions, $allowed_units.
SELECT DISTINCT r.unit
FROM rollup_evals r
WHERE list_contains($units, r.unit) AND r.n > 0
  AND ($allowed_regions IS NULL OR list_contains($allowed_regions, r.region))
  AND ($allowed_units IS NULL OR list_contains($allowed_units, r.unit))
