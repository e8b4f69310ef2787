-- Fills problem_statements from _stmt and the registered frame _weak_terms (key terms and leaning
-- category of weak problems): newest year first, then region (its filter skips row groups) and unit,
-- the order of the statement lists (queries/findings_statements.sql). Parameters: none.
INSERT INTO problem_statements
SELECT s.eval_id, s.doc_id, s.seq, s.region, s.unit, s.year, s.scope, s.source_kind, s.project, s.text,
       s.category, s.categories_secondary, s.matched_terms, s.match_score, s.category_source, s.line_start,
       s.line_end, s.weak, t.key_terms::VARCHAR, t.hint::VARCHAR
FROM _stmt s
LEFT JOIN _weak_terms t ON t.eval_id::VARCHAR = s.eval_id AND t.seq::INTEGER = s.seq
WHERE s.kind = 'problem'
ORDER BY s.year DESC NULLS LAST, s.region, s.unit, s.project, s.eval_id, s.seq
