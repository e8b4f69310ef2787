-- perfeval DuckDB schema. The tables and columns named in CONTRACT.md are a public interface;
-- the others (line ranges, explanations, rollups) are additions. Money in yuan, rates as fractions.

CREATE TABLE IF NOT EXISTS meta (
    key VARCHAR PRIMARY KEY,
    value VARCHAR
);

CREATE TABLE IF NOT EXISTS documents (
    doc_id VARCHAR PRIMARY KEY,
    file_name VARCHAR NOT NULL,          -- base name as given
    sha256 VARCHAR NOT NULL UNIQUE,
    file_format VARCHAR NOT NULL,        -- txt, docx, pdf, xlsx
    ingested_at TIMESTAMP NOT NULL,
    size_bytes BIGINT,
    line_count INTEGER,
    genres VARCHAR                       -- comma list of document genres found
);
-- The document's own title (its first title-like line), shown beside the file name; documents
-- stored before it existed keep NULL and are shown by file name.
ALTER TABLE documents ADD COLUMN IF NOT EXISTS title VARCHAR;

CREATE TABLE IF NOT EXISTS evaluations (
    eval_id VARCHAR PRIMARY KEY,
    doc_id VARCHAR NOT NULL,
    region VARCHAR,
    unit VARCHAR,
    department VARCHAR,
    year INTEGER,
    project VARCHAR,
    scope VARCHAR,                       -- project | department
    source_kind VARCHAR,                 -- self_assessment | evaluation_report | department_evaluation | results_disclosure | summary_mention
    budget_initial_yuan DOUBLE,
    budget_yuan DOUBLE,
    funds_received_yuan DOUBLE,
    spent_yuan DOUBLE,
    execution_rate DOUBLE,
    execution_rate_stated BOOLEAN,
    score DOUBLE,
    grade VARCHAR,                       -- 优 良 中 差 as stated, else NULL
    score_decision DOUBLE,
    score_process DOUBLE,
    score_performance DOUBLE,
    score_execution DOUBLE,              -- points for budget execution in a self-assessment form
    score_execution_max DOUBLE,
    grade_from_score VARCHAR,            -- band of 财预〔2020〕10号 derived from score
    line_start INTEGER,
    line_end INTEGER
);

CREATE TABLE IF NOT EXISTS indicators (
    eval_id VARCHAR NOT NULL,
    seq INTEGER NOT NULL,
    level1 VARCHAR,
    level2 VARCHAR,
    name VARCHAR,
    target VARCHAR,
    actual VARCHAR,
    weight DOUBLE,
    score DOUBLE,
    note VARCHAR,
    line_start INTEGER,
    line_end INTEGER
);
-- level1/level2 hold the normalized level names (perfeval.ingest.normalize.indicator_level: 产出,
-- 产出指标（50分） → 产出指标); the names as the table wrote them are kept for provenance. Rows
-- stored before these columns existed are normalized by store.ensure_schema.
ALTER TABLE indicators ADD COLUMN IF NOT EXISTS level1_stated VARCHAR;
ALTER TABLE indicators ADD COLUMN IF NOT EXISTS level2_stated VARCHAR;

CREATE TABLE IF NOT EXISTS spending_progress (
    eval_id VARCHAR NOT NULL,
    month INTEGER NOT NULL,
    cumulative_rate DOUBLE NOT NULL,
    source VARCHAR NOT NULL,             -- stated | disbursement | monthly_sheet
    line_start INTEGER,
    line_end INTEGER
);

CREATE TABLE IF NOT EXISTS disbursements (
    eval_id VARCHAR NOT NULL,
    seq INTEGER,
    paid_on DATE,
    amount_yuan DOUBLE,
    purpose VARCHAR,
    line_start INTEGER,
    line_end INTEGER
);

CREATE TABLE IF NOT EXISTS budget_lines (
    eval_id VARCHAR NOT NULL,
    seq INTEGER,
    name VARCHAR,
    budget_yuan DOUBLE,
    spent_yuan DOUBLE,
    execution_rate DOUBLE,
    line_start INTEGER,
    line_end INTEGER
);

CREATE TABLE IF NOT EXISTS findings (
    eval_id VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,               -- problem | suggestion | rectification
    seq INTEGER NOT NULL,
    text VARCHAR NOT NULL,
    category VARCHAR,                    -- taxonomy code (problems)
    categories_secondary VARCHAR,        -- comma list of further codes
    matched_terms VARCHAR,               -- the phrases that decided the category
    line_start INTEGER,
    line_end INTEGER,
    finding_key VARCHAR,                 -- stable key of the statement in its document (hash of its text)
    match_score DOUBLE,                  -- classifier score of the category (0 = other); below 3 = weak match
    category_source VARCHAR              -- auto (classifier) | manual (finding_corrections)
);
-- Databases created before these columns existed get them here; `perfeval reclassify` fills them.
ALTER TABLE findings ADD COLUMN IF NOT EXISTS finding_key VARCHAR;
ALTER TABLE findings ADD COLUMN IF NOT EXISTS match_score DOUBLE;
ALTER TABLE findings ADD COLUMN IF NOT EXISTS category_source VARCHAR;

-- Category corrections made by managers (问题归类 page). Keyed by the document's content hash and
-- the statement's key, so they survive `perfeval reclassify` and a delete + re-ingest of the same
-- file; never deleted with the document.
CREATE TABLE IF NOT EXISTS finding_corrections (
    sha256 VARCHAR NOT NULL,             -- documents.sha256 of the file the statement is in
    finding_key VARCHAR NOT NULL,        -- findings.finding_key
    category VARCHAR NOT NULL,           -- the taxonomy code chosen by the manager
    previous_category VARCHAR,           -- the automatic category at the time of the correction
    corrected_at TIMESTAMP NOT NULL,
    note VARCHAR,
    text_excerpt VARCHAR,                -- the statement's first characters, for reading this table alone
    PRIMARY KEY (sha256, finding_key)
);

CREATE TABLE IF NOT EXISTS checks (
    eval_id VARCHAR NOT NULL,
    rule VARCHAR NOT NULL,
    severity VARCHAR NOT NULL,           -- error | warning | info
    message VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS field_sources (
    eval_id VARCHAR NOT NULL,
    field VARCHAR NOT NULL,
    doc_id VARCHAR NOT NULL,
    line_start INTEGER,
    line_end INTEGER,
    snippet VARCHAR
);
-- The recognition confidence (0–1) of a value read by OCR from a scan or photo; NULL otherwise.
ALTER TABLE field_sources ADD COLUMN IF NOT EXISTS ocr_confidence DOUBLE;

-- Detail rows are read per evaluation (评价明细) and per document (delete, rollups).
CREATE INDEX IF NOT EXISTS evaluations_doc ON evaluations (doc_id);
CREATE INDEX IF NOT EXISTS indicators_eval ON indicators (eval_id);
CREATE INDEX IF NOT EXISTS findings_eval ON findings (eval_id);
CREATE INDEX IF NOT EXISTS checks_eval ON checks (eval_id);
CREATE INDEX IF NOT EXISTS field_sources_eval ON field_sources (eval_id);
CREATE INDEX IF NOT EXISTS progress_eval ON spending_progress (eval_id);

-- ---- Access control (perfeval.app.auth, perfeval.store.audit) -------------------------------------------
-- Local accounts (`python -m perfeval user add|list|remove|passwd`). Passwords only as argon2id
-- hashes; regions/units empty = every region/unit.
CREATE TABLE IF NOT EXISTS accounts (
    name VARCHAR PRIMARY KEY,
    password_hash VARCHAR NOT NULL,      -- argon2id (argon2-cffi), never the password itself
    role VARCHAR NOT NULL,               -- viewer | editor | admin
    regions VARCHAR[],                   -- scope: only these regions (empty/NULL = all)
    units VARCHAR[],                     -- scope: only these units (empty/NULL = all)
    created_at TIMESTAMP NOT NULL,
    password_changed_at TIMESTAMP NOT NULL  -- sessions started before it end
);

-- One row per data-changing action, written in the transaction of the change it records.
CREATE TABLE IF NOT EXISTS audit_log (
    happened_at TIMESTAMP NOT NULL,
    actor VARCHAR NOT NULL,              -- account name, OIDC e-mail/claim, or the OS user (CLI)
    role VARCHAR NOT NULL,
    via VARCHAR NOT NULL,                -- app | oidc | cli
    action VARCHAR NOT NULL,             -- upload ingest correct uncorrect delete restore purge reclassify user_* backup_restore
    sha256 VARCHAR,                      -- target document
    file_name VARCHAR,
    finding_key VARCHAR,                 -- target problem statement (corrections)
    old_value VARCHAR,
    new_value VARCHAR,
    result VARCHAR NOT NULL
);

-- 回收站: a deleted document and every row derived from it, kept until an admin empties it
-- (restore moves them back as they were, manager corrections included). Same columns as the
-- live tables (a column added to one of them is added here too); trash_documents adds who/when.
CREATE TABLE IF NOT EXISTS trash_documents AS
    SELECT *, NULL::TIMESTAMP AS deleted_at, NULL::VARCHAR AS deleted_by FROM documents LIMIT 0;
CREATE TABLE IF NOT EXISTS trash_evaluations AS SELECT * FROM evaluations LIMIT 0;
CREATE TABLE IF NOT EXISTS trash_indicators AS SELECT * FROM indicators LIMIT 0;
CREATE TABLE IF NOT EXISTS trash_spending_progress AS SELECT * FROM spending_progress LIMIT 0;
CREATE TABLE IF NOT EXISTS trash_disbursements AS SELECT * FROM disbursements LIMIT 0;
CREATE TABLE IF NOT EXISTS trash_budget_lines AS SELECT * FROM budget_lines LIMIT 0;
CREATE TABLE IF NOT EXISTS trash_findings AS SELECT * FROM findings LIMIT 0;
CREATE TABLE IF NOT EXISTS trash_checks AS SELECT * FROM checks LIMIT 0;
CREATE TABLE IF NOT EXISTS trash_field_sources AS SELECT * FROM field_sources LIMIT 0;
