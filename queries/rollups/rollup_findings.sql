-- Maintains rollup_findings: problem statements per filter key and category, with the evaluations
-- they come from (n_evals, per evaluation first, then per key: cheaper than count(DISTINCT)), manual
-- corrections, weak matches (match_score below $weak_below, auto only) and automatic 'other's.
-- {docs} is TRUE (rebuild, staged batch) or e.doc_id IN (SELECT unnest($docs)) (the documents listed);
-- {evaluations}, {findings}, … name the tables, or for a batch being inserted the views of its staged rows
-- (perfeval.store.rollups.STAGED).
-- $sign: +1 adds the documents' contribution (after their rows are inserted), -1 removes it (before they are deleted).
-- Parameters: $sign, $weak_below.
INSERT INTO rollup_findings
SELECT region, unit, year, scope, source_kind, category,
       sum(n), $sign * count(*), sum(n_manual), sum(n_weak), sum(n_other_auto)
FROM (
    SELECT coalesce(e.region, '') AS region, coalesce(e.unit, '') AS unit, coalesce(e.year, 0) AS year,
       coalesce(e.scope, '') AS scope, coalesce(e.source_kind, '') AS source_kind, coalesce(f.category, 'other') AS category, f.eval_id,
           $sign * count(*) AS n,
           $sign * count(*) FILTER (WHERE f.category_source = 'manual') AS n_manual,
           $sign * count(*) FILTER (WHERE coalesce(f.category, 'other') <> 'other' AND f.match_score < $weak_below
                                    AND coalesce(f.category_source, 'auto') <> 'manual') AS n_weak,
           $sign * count(*) FILTER (WHERE coalesce(f.category, 'other') = 'other'
                                    AND coalesce(f.category_source, 'auto') <> 'manual') AS n_other_auto
    FROM {findings} f JOIN {evaluations} e ON e.eval_id = f.eval_id
    WHERE f.kind = 'problem' AND {docs}
    GROUP BY ALL
)
GROUP BY ALL
ON CONFLICT DO UPDATE SET n_findings = n_findings + EXCLUDED.n_findings,
                          n_evals = n_evals + EXCLUDED.n_evals,
                          n_manual = n_manual + EXCLUDED.n_manual, n_weak = n_weak + EXCLUDED.n_weak,
                          n_other_auto = n_other_auto + EXCLUDED.n_other_auto
