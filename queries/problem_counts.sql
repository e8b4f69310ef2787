-- How the filtered problems were classified: total, 'other', weak matches (score below $strong,
-- not corrected), and managers' corrections (rollup_findings). rollup_findings.n_weak counts
-- below 3.0 (perfeval.store.rollups.WEAK_BELOW, the taxonomy's default line); with another $strong the
-- weak matches are counted on the detail tables. Parameters: filters, $strong.
WITH r AS (
    SELECT coalesce(sum(r.n_findings), 0)::BIGINT AS n,
           coalesce(sum(r.n_findings) FILTER (WHERE r.category = 'other'), 0)::BIGINT AS n_other,
           coalesce(sum(r.n_weak), 0)::BIGINT AS n_weak,
           coalesce(sum(r.n_manual), 0)::BIGINT AS n_manual
    FROM rollup_findings r
    WHERE {filters(r)}
), w AS (
    SELECT count(*) AS n_weak
    FROM findings f
    JOIN evaluations e ON e.eval_id = f.eval_id
    WHERE $strong <> 3.0 AND {filters(e)} AND f.kind = 'problem'
      AND coalesce(f.category, 'other') <> 'other' AND f.match_score < $strong
      AND coalesce(f.category_source, 'auto') <> 'manual'
)
SELECT r.n, r.n_other, CASE WHEN $strong = 3.0 THEN r.n_weak ELSE w.n_weak END AS n_weak, r.n_manual
FROM r, w
