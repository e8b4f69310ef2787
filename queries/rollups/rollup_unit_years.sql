-- Maintains rollup_unit_years from _stmt: problems per unit, year and category (屡次出现's pairs when no
-- region, scope or kind filter is set).
-- $sign: +1 adds the documents' contribution (after their rows are inserted), -1 removes it (before they are deleted).
-- Parameters: $sign.
INSERT INTO rollup_unit_years
SELECT coalesce(s.unit, ''), coalesce(s.year, 0), s.category, $sign * count(*)
FROM _stmt s WHERE s.kind = 'problem'
GROUP BY ALL
ON CONFLICT DO UPDATE SET n_findings = n_findings + EXCLUDED.n_findings
