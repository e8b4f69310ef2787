-- Which of the evaluations $eval_ids an account limited to $allowed_regions / $allowed_units (NULL =
-- any) may see (scoped access: links and eval parameters). Parameters: $eval_ids VARCHAR[],
-- $allowed_regions, $allowed_units.
SELECT e.eval_id
FROM evaluations e
WHERE list_contains($eval_ids, e.eval_id)
  AND ($allowed_regions IS NULL OR list_contains($allowed_regions, e.region))
  AND ($allowed_units IS NULL OR list_contains($allowed_units, e.unit))
