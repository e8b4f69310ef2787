-- Indicators of one evaluation in document order: level names normalized, and levels_stated
-- ("一级／二级" as the table wrote them) where that differs. Parameters: $eval_id.
SELECT i.seq, i.level1, i.level2,
       CASE WHEN i.level1_stated IS DISTINCT FROM i.level1 AND i.level1_stated IS NOT NULL
              OR i.level2_stated IS DISTINCT FROM i.level2 AND i.level2_stated IS NOT NULL
            THEN concat_ws('／', coalesce(i.level1_stated, '—'), coalesce(i.level2_stated, '—')) END AS levels_stated,
       i.name, i.target, i.actual, i.weight, i.score,
       i.weight - i.score AS points_lost, i.note, i.line_start, i.line_end
FROM indicators i
WHERE i.eval_id = $eval_id
ORDER BY i.seq
