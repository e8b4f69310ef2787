-- How the filtered problems were classified: total, 'other', weak matches (score below $strong,
-- not corrected), and managers' corrections. Parameters: filters, $strong.
SELECT count(*) AS n,
       count(*) FILTER (WHERE coalesce(f.category, 'other') = 'other') AS n_other,
       count(*) FILTER (WHERE coalesce(f.category, 'other') <> 'other' AND f.match_score < $strong
                        AND coalesce(f.category_source, 'auto') <> 'manual') AS n_weak,
       count(*) FILTER (WHERE f.category_source = 'manual') AS n_manual
FROM findings f
JOIN evaluations e ON e.eval_id = f.eval_id
WHERE {filters(e)} AND f.kind = 'problem'
