-- The rollup tables (created if missing by perfeval.store.rollups.ensure): what the dashboard reads instead of
-- joining the detail tables. Group keys are never NULL ('' or 0). Parameters: none.
CREATE TABLE IF NOT EXISTS rollup_findings (
    region VARCHAR NOT NULL, unit VARCHAR NOT NULL, year INTEGER NOT NULL,
    scope VARCHAR NOT NULL, source_kind VARCHAR NOT NULL, category VARCHAR NOT NULL,
    n_findings BIGINT NOT NULL, n_evals BIGINT NOT NULL, n_manual BIGINT NOT NULL, n_weak BIGINT NOT NULL,
    n_other_auto BIGINT NOT NULL,
    PRIMARY KEY (region, unit, year, scope, source_kind, category)
);
CREATE TABLE IF NOT EXISTS rollup_indicators (
    region VARCHAR NOT NULL, unit VARCHAR NOT NULL, year INTEGER NOT NULL,
    scope VARCHAR NOT NULL, source_kind VARCHAR NOT NULL, level1 VARCHAR NOT NULL, level2 VARCHAR NOT NULL,
    n_indicators BIGINT NOT NULL, n_deducted BIGINT NOT NULL, weight_sum DOUBLE NOT NULL, score_sum DOUBLE NOT NULL,
    PRIMARY KEY (region, unit, year, scope, source_kind, level1, level2)
);
CREATE TABLE IF NOT EXISTS rollup_progress (
    region VARCHAR NOT NULL, unit VARCHAR NOT NULL, year INTEGER NOT NULL,
    scope VARCHAR NOT NULL, source_kind VARCHAR NOT NULL, month INTEGER NOT NULL, source VARCHAR NOT NULL,
    n BIGINT NOT NULL, rate_sum DOUBLE NOT NULL,
    PRIMARY KEY (region, unit, year, scope, source_kind, month, source)
);
CREATE TABLE IF NOT EXISTS rollup_checks (
    region VARCHAR NOT NULL, unit VARCHAR NOT NULL, year INTEGER NOT NULL,
    scope VARCHAR NOT NULL, source_kind VARCHAR NOT NULL, severity VARCHAR NOT NULL, rule VARCHAR NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (region, unit, year, scope, source_kind, severity, rule)
);
CREATE TABLE IF NOT EXISTS eval_progress (
    eval_id VARCHAR NOT NULL, doc_id VARCHAR NOT NULL,
    region VARCHAR, unit VARCHAR, year INTEGER, scope VARCHAR, source_kind VARCHAR, project VARCHAR,
    budget_yuan DOUBLE, n_points INTEGER, rate_m6 DOUBLE, rate_m9 DOUBLE, rate_final DOUBLE,
    max_lag_pp DOUBLE, lag_month INTEGER, back_loaded BOOLEAN
);
CREATE TABLE IF NOT EXISTS eval_projects (
    eval_id VARCHAR NOT NULL, doc_id VARCHAR NOT NULL,
    region VARCHAR, unit VARCHAR NOT NULL, year INTEGER, scope VARCHAR, source_kind VARCHAR,
    project VARCHAR NOT NULL, project_key VARCHAR NOT NULL
);
CREATE TABLE IF NOT EXISTS rollup_evals (
    region VARCHAR NOT NULL, unit VARCHAR NOT NULL, year INTEGER NOT NULL,
    scope VARCHAR NOT NULL, source_kind VARCHAR NOT NULL,
    n BIGINT NOT NULL,
    n_budget BIGINT NOT NULL, budget_sum DOUBLE NOT NULL,
    n_spent BIGINT NOT NULL, spent_sum DOUBLE NOT NULL,
    n_pair BIGINT NOT NULL, pair_budget_sum DOUBLE NOT NULL, pair_spent_sum DOUBLE NOT NULL,
    n_rate BIGINT NOT NULL, rate_sum DOUBLE NOT NULL,
    n_rated_budget BIGINT NOT NULL, rated_budget_sum DOUBLE NOT NULL,
    n_score BIGINT NOT NULL, score_sum DOUBLE NOT NULL,
    PRIMARY KEY (region, unit, year, scope, source_kind)
);
CREATE TABLE IF NOT EXISTS problem_statements (
    eval_id VARCHAR NOT NULL, doc_id VARCHAR NOT NULL, seq INTEGER NOT NULL,
    region VARCHAR, unit VARCHAR, year INTEGER, scope VARCHAR, source_kind VARCHAR, project VARCHAR,
    text VARCHAR NOT NULL, category VARCHAR NOT NULL, categories_secondary VARCHAR, matched_terms VARCHAR,
    match_score DOUBLE, category_source VARCHAR NOT NULL, line_start INTEGER, line_end INTEGER,
    weak BOOLEAN NOT NULL, key_terms VARCHAR, hint VARCHAR
);
CREATE TABLE IF NOT EXISTS advice_topics (
    eval_id VARCHAR NOT NULL, doc_id VARCHAR NOT NULL, kind VARCHAR NOT NULL, seq INTEGER NOT NULL,
    category VARCHAR NOT NULL, by_category BOOLEAN NOT NULL, shared_terms VARCHAR
);
CREATE TABLE IF NOT EXISTS rollup_unit_years (
    unit VARCHAR NOT NULL, year INTEGER NOT NULL, category VARCHAR NOT NULL,
    n_findings BIGINT NOT NULL,
    PRIMARY KEY (unit, year, category)
);
CREATE TABLE IF NOT EXISTS rollup_terms (
    region VARCHAR NOT NULL, unit VARCHAR NOT NULL, year INTEGER NOT NULL,
    scope VARCHAR NOT NULL, source_kind VARCHAR NOT NULL, category VARCHAR NOT NULL, term VARCHAR NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (region, unit, year, scope, source_kind, category, term)
);
CREATE TABLE IF NOT EXISTS rollup_advice (
    region VARCHAR NOT NULL, unit VARCHAR NOT NULL, year INTEGER NOT NULL,
    scope VARCHAR NOT NULL, source_kind VARCHAR NOT NULL, category VARCHAR NOT NULL,
    n BIGINT NOT NULL, n_by_category BIGINT NOT NULL, n_by_terms BIGINT NOT NULL,
    PRIMARY KEY (region, unit, year, scope, source_kind, category)
);
CREATE TABLE IF NOT EXISTS rollup_score_bins (
    region VARCHAR NOT NULL, unit VARCHAR NOT NULL, year INTEGER NOT NULL,
    scope VARCHAR NOT NULL, source_kind VARCHAR NOT NULL, bin INTEGER NOT NULL,
    n BIGINT NOT NULL, score_sum DOUBLE NOT NULL,
    PRIMARY KEY (region, unit, year, scope, source_kind, bin)
);
CREATE TABLE IF NOT EXISTS rollup_grades (
    region VARCHAR NOT NULL, unit VARCHAR NOT NULL, year INTEGER NOT NULL,
    scope VARCHAR NOT NULL, source_kind VARCHAR NOT NULL, grade VARCHAR NOT NULL, stated BOOLEAN NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (region, unit, year, scope, source_kind, grade, stated)
);
