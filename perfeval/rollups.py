"""Rollup tables the dashboard reads instead of joining the large detail tables.

Maintained inside the ingest transaction (perfeval.store):

* ``ensure(con)``: create the tables; when they are new (or were never filled) build them from
  the detail tables once, so an existing database migrates itself.
* ``apply_documents(con, doc_ids, +1)`` after a batch of documents' rows are inserted, and
  ``apply_documents(con, doc_ids, -1)`` before they are deleted.

Group keys never hold NULL (they are primary keys): a missing region/unit/scope/kind becomes '',
a missing year 0, a missing category 'other'. Counters are signed sums; a key whose counters
fall to zero stays as a zero row (queries filter ``n > 0``), which keeps a delete-then-reinsert
inside one transaction free of key conflicts.

``eval_progress`` is one row per evaluation with spending-progress points (what the progress
alerts need: lag behind the linear 序时进度 and the back-loaded flag), with the filter columns
copied so the dashboard never joins it with ``evaluations``.

``eval_projects`` is one row per evaluation that names its unit and project, with the project
name's identity (``context.project_key``: no region prefix, no year such as 2021年/2021年度, no
whitespace or punctuation differences, no trailing 项目): the
year-over-year comparison finds the same project in other years without running a regular
expression over every evaluation on each page view.

``rollup_score_bins`` counts scores per filter key and 1-point bin (``least(floor(score), 99)``,
the histogram's bins), with their sum: what the score histogram reads.

``rollup_evals`` holds, per filter key, the counts and sums of ``evaluations`` that the KPI cards,
the sidebar's options, the unit × year heat map and the unit ranking need; every sum comes with
the count of values it adds up, so a query can return NULL where plain SQL's ``sum`` would (no
value at all). "pair" means budget_yuan > 0 and spent_yuan present (the weighted execution rate).
``rollup_grades`` counts evaluations per grade (stated, else derived from the score).

The 问题归类 page's statement rollups (``apply_findings`` maintains them with ``rollup_findings``,
since a correction or reclassify changes problem categories):

* ``problem_statements``: one row per problem statement with its evaluation's filter columns,
  project and document copied (the statement lists read it without joining findings and
  evaluations; ``rebuild`` writes it newest year first, so a newest-first read touches few row
  groups, and later ingests append), and ``weak``: classified automatically into ``other`` or
  below ``WEAK_BELOW``; those carry their key terms (perfeval.themes, jieba) and best-guess
  category, computed once here, so the candidate themes do not segment text on a page run.
* ``advice_topics``: one row per suggestion or rectification and problem category it addresses —
  it classifies to the category (``by_category``), or shares two or more key terms with the
  problems of that category of the same document, unit and year (``shared_terms``). Stored, so a
  delete subtracts exactly what the ingest added even after the taxonomy file changed.
* ``rollup_unit_years``: problems per unit, year and category — ``rollup_findings`` without
  region, scope and source kind, a quarter of its rows and one per unit × category × year:
  屡次出现 (queries/_repeat_pairs.sql) reads it when none of those three filters is set.
* ``rollup_terms``: per filter key and category, how often each phrase decided a problem's
  category (``findings.matched_terms``): the hover of the category × year heat map.
* ``rollup_advice``: per filter key, the number of suggestions and rectifications (category
  ``''``) and per category how many of them address it: the recurrence check (屡次出现, did the
  earlier year's advice address the category?) in SQL without reading findings.
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

import duckdb

from perfeval import themes
from perfeval.context import project_key

ROLLUPS_VERSION = "11"  # 2: rollup_evals, rollup_grades; 3: rollup_findings n_manual, n_weak, n_other_auto;
#                        4: weak_problems, advice_topics, rollup_advice;
#                        5: problem_statements (replaces weak_problems), rollup_unit_years;
#                        6: rollup_unit_years without region; 7: rollup_terms; 8: eval_projects;
#                        9: rollup_score_bins; 10: rollup_indicators by normalized level names;
#                        11: eval_projects keyed by context.project_key

# ``rollup_findings.n_weak`` counts the automatically classified problems outside 'other' whose
# match_score is below this line (data/taxonomy.yaml ``strong``'s default); problem_counts reads it
# when the taxonomy's line is this one and counts the detail rows otherwise.
WEAK_BELOW = 3.0
# Tables whose columns changed since an earlier ROLLUPS_VERSION: recreated when a database migrates.
_RESHAPED = ("rollup_findings", "rollup_unit_years")
# Tables of an earlier ROLLUPS_VERSION that no longer exist: dropped when a database migrates.
_RETIRED = ("weak_problems",)

DDL = """
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
"""

_KEYS = ("coalesce(e.region, '') AS region, coalesce(e.unit, '') AS unit, coalesce(e.year, 0) AS year, "
         "coalesce(e.scope, '') AS scope, coalesce(e.source_kind, '') AS source_kind")
# Each statement below is kept in three forms: for every document (rebuild); for the documents
# listed in $docs (a delete, or a batch whose rows changed after they were inserted); and for the
# batch an ingest transaction just inserted, read from the rows it staged (``STAGED``). Separate
# texts rather than "$docs IS NULL OR …", so the planner sees a plain semi-join on the batch's ids.
_DOC_FILTER = "{docs}"
_ALL_DOCS = "TRUE"
_LISTED_DOCS = "e.doc_id IN (SELECT unnest($docs))"
# The views (perfeval.store registers them) holding exactly the rows of the batch being inserted,
# with their tables' column types: the batch's rollups read these instead of finding the batch's
# rows among all the rows of the tables (a scan of each table per statement).
STAGED = {table: f"_staged_{table}" for table in ("evaluations", "findings", "indicators", "spending_progress",
                                                   "checks")}
SCOPES = ("all", "listed", "staged")

_UPSERT_TEMPLATES = (
    # per evaluation first, then per key: n_evals counts the groups (cheaper than count(DISTINCT))
    f"""INSERT INTO rollup_findings
    SELECT region, unit, year, scope, source_kind, category,
           sum(n), $sign * count(*), sum(n_manual), sum(n_weak), sum(n_other_auto)
    FROM (
        SELECT {_KEYS}, coalesce(f.category, 'other') AS category, f.eval_id,
               $sign * count(*) AS n,
               $sign * count(*) FILTER (WHERE f.category_source = 'manual') AS n_manual,
               $sign * count(*) FILTER (WHERE coalesce(f.category, 'other') <> 'other' AND f.match_score < {WEAK_BELOW}
                                        AND coalesce(f.category_source, 'auto') <> 'manual') AS n_weak,
               $sign * count(*) FILTER (WHERE coalesce(f.category, 'other') = 'other'
                                        AND coalesce(f.category_source, 'auto') <> 'manual') AS n_other_auto
        FROM {{findings}} f JOIN {{evaluations}} e ON e.eval_id = f.eval_id
        WHERE f.kind = 'problem' AND {_DOC_FILTER}
        GROUP BY ALL
    )
    GROUP BY ALL
    ON CONFLICT DO UPDATE SET n_findings = n_findings + EXCLUDED.n_findings,
                              n_evals = n_evals + EXCLUDED.n_evals,
                              n_manual = n_manual + EXCLUDED.n_manual, n_weak = n_weak + EXCLUDED.n_weak,
                              n_other_auto = n_other_auto + EXCLUDED.n_other_auto""",
    f"""INSERT INTO rollup_indicators
    SELECT {_KEYS}, coalesce(i.level1, '') AS level1, coalesce(i.level2, '') AS level2,
           $sign * count(*), $sign * count(*) FILTER (WHERE i.score < i.weight),
           $sign * sum(i.weight), $sign * sum(i.score)
    FROM {{indicators}} i JOIN {{evaluations}} e ON e.eval_id = i.eval_id
    WHERE i.weight IS NOT NULL AND i.score IS NOT NULL AND {_DOC_FILTER}
    GROUP BY ALL
    ON CONFLICT DO UPDATE SET n_indicators = n_indicators + EXCLUDED.n_indicators,
                              n_deducted = n_deducted + EXCLUDED.n_deducted,
                              weight_sum = weight_sum + EXCLUDED.weight_sum,
                              score_sum = score_sum + EXCLUDED.score_sum""",
    f"""INSERT INTO rollup_progress
    SELECT {_KEYS}, p.month, p.source, $sign * count(*), $sign * sum(p.cumulative_rate)
    FROM {{spending_progress}} p JOIN {{evaluations}} e ON e.eval_id = p.eval_id
    WHERE {_DOC_FILTER}
    GROUP BY ALL
    ON CONFLICT DO UPDATE SET n = n + EXCLUDED.n, rate_sum = rate_sum + EXCLUDED.rate_sum""",
    f"""INSERT INTO rollup_checks
    SELECT {_KEYS}, c.severity, c.rule, $sign * count(*)
    FROM {{checks}} c JOIN {{evaluations}} e ON e.eval_id = c.eval_id
    WHERE {_DOC_FILTER}
    GROUP BY ALL
    ON CONFLICT DO UPDATE SET n = n + EXCLUDED.n""",
    f"""INSERT INTO rollup_evals
    SELECT {_KEYS}, $sign * count(*),
           $sign * count(e.budget_yuan), $sign * coalesce(sum(e.budget_yuan), 0),
           $sign * count(e.spent_yuan), $sign * coalesce(sum(e.spent_yuan), 0),
           $sign * count(*) FILTER (WHERE e.budget_yuan > 0 AND e.spent_yuan IS NOT NULL),
           $sign * coalesce(sum(e.budget_yuan) FILTER (WHERE e.budget_yuan > 0 AND e.spent_yuan IS NOT NULL), 0),
           $sign * coalesce(sum(e.spent_yuan) FILTER (WHERE e.budget_yuan > 0 AND e.spent_yuan IS NOT NULL), 0),
           $sign * count(e.execution_rate), $sign * coalesce(sum(e.execution_rate), 0),
           $sign * count(e.budget_yuan) FILTER (WHERE e.execution_rate IS NOT NULL),
           $sign * coalesce(sum(e.budget_yuan) FILTER (WHERE e.execution_rate IS NOT NULL), 0),
           $sign * count(e.score), $sign * coalesce(sum(e.score), 0)
    FROM {{evaluations}} e
    WHERE {_DOC_FILTER}
    GROUP BY ALL
    ON CONFLICT DO UPDATE SET n = n + EXCLUDED.n,
        n_budget = n_budget + EXCLUDED.n_budget, budget_sum = budget_sum + EXCLUDED.budget_sum,
        n_spent = n_spent + EXCLUDED.n_spent, spent_sum = spent_sum + EXCLUDED.spent_sum,
        n_pair = n_pair + EXCLUDED.n_pair, pair_budget_sum = pair_budget_sum + EXCLUDED.pair_budget_sum,
        pair_spent_sum = pair_spent_sum + EXCLUDED.pair_spent_sum,
        n_rate = n_rate + EXCLUDED.n_rate, rate_sum = rate_sum + EXCLUDED.rate_sum,
        n_rated_budget = n_rated_budget + EXCLUDED.n_rated_budget,
        rated_budget_sum = rated_budget_sum + EXCLUDED.rated_budget_sum,
        n_score = n_score + EXCLUDED.n_score, score_sum = score_sum + EXCLUDED.score_sum""",
    f"""INSERT INTO rollup_score_bins
    SELECT {_KEYS}, least(floor(e.score), 99)::INTEGER AS bin, $sign * count(*), $sign * sum(e.score)
    FROM {{evaluations}} e
    WHERE e.score IS NOT NULL AND {_DOC_FILTER}
    GROUP BY ALL
    ON CONFLICT DO UPDATE SET n = n + EXCLUDED.n, score_sum = score_sum + EXCLUDED.score_sum""",
    f"""INSERT INTO rollup_grades
    SELECT {_KEYS}, coalesce(e.grade, e.grade_from_score) AS grade, e.grade IS NOT NULL AS stated, $sign * count(*)
    FROM {{evaluations}} e
    WHERE coalesce(e.grade, e.grade_from_score) IS NOT NULL AND {_DOC_FILTER}
    GROUP BY ALL
    ON CONFLICT DO UPDATE SET n = n + EXCLUDED.n""",
)

# One point per (evaluation, month): a stated figure beats a monthly sheet beats disbursements.
_EVAL_PROGRESS = f"""
INSERT INTO eval_progress
WITH p AS (
    SELECT p.eval_id, p.month,
           arg_min(p.cumulative_rate, CASE p.source WHEN 'stated' THEN 1 WHEN 'monthly_sheet' THEN 2 ELSE 3 END) AS rate
    FROM {{spending_progress}} p JOIN {{evaluations}} e ON e.eval_id = p.eval_id
    WHERE {_DOC_FILTER}
    GROUP BY p.eval_id, p.month
), agg AS (
    SELECT eval_id, count(*) AS n_points,
           arg_max(rate, month) FILTER (WHERE month <= 6) AS rate_m6,
           arg_max(rate, month) FILTER (WHERE month <= 9) AS rate_m9,
           arg_max(rate, month) AS rate_final,
           max((month / 12.0 - rate) * 100) AS max_lag_pp,
           arg_max(month, month / 12.0 - rate) AS lag_month
    FROM p GROUP BY eval_id
)
SELECT e.eval_id, e.doc_id, e.region, e.unit, e.year, e.scope, e.source_kind, e.project, e.budget_yuan,
       a.n_points, a.rate_m6, a.rate_m9, a.rate_final, a.max_lag_pp, a.lag_month,
       coalesce(a.rate_m6 < 0.30, false) OR coalesce(a.rate_m9 < 0.60, false) AS back_loaded
FROM agg a JOIN {{evaluations}} e ON e.eval_id = a.eval_id
"""



def _by_scope(sql: str) -> dict[str, str]:
    """The statement for each of SCOPES."""
    def form(filter_sql: str, tables: dict[str, str]) -> str:
        out = sql.replace(_DOC_FILTER, filter_sql)
        for table, name in tables.items():
            out = out.replace("{" + table + "}", name)
        return out
    plain = {table: table for table in STAGED}
    return {"all": form(_ALL_DOCS, plain), "listed": form(_LISTED_DOCS, plain), "staged": form(_ALL_DOCS, STAGED)}


_UPSERTS = {scope: tuple(_by_scope(q)[scope] for q in _UPSERT_TEMPLATES) for scope in SCOPES}
# eval_projects' rows without their key: _insert_eval_projects adds context.project_key, the same
# identity that merges a document's mentions of a project, so the two cannot disagree.
_EVAL_PROJECT_ROWS = f"""
SELECT e.eval_id, e.doc_id, e.region, e.unit, e.year, e.scope, e.source_kind, e.project
FROM {{evaluations}} e
WHERE e.unit IS NOT NULL AND e.project IS NOT NULL AND {_DOC_FILTER}
"""
_EVAL_PROJECT_ROWS_SQL = _by_scope(_EVAL_PROJECT_ROWS)
_EVAL_PROGRESS_SQL = _by_scope(_EVAL_PROGRESS)

# The problem-statement rollups read the document's findings once (one join with evaluations, the
# costly part at scale) into the temporary table _stmt (alias s: the evaluation's columns and the
# finding's, category and source already defaulted) and build every table from it.
_STMT = f"""
CREATE OR REPLACE TEMP TABLE _stmt AS
SELECT f.eval_id, f.kind, f.seq, f.text, coalesce(f.category, 'other') AS category, f.categories_secondary,
       f.matched_terms, f.match_score, coalesce(f.category_source, 'auto') AS category_source, f.line_start,
       f.line_end, e.doc_id, e.region, e.unit, e.year, e.scope, e.source_kind, e.project,
       f.kind = 'problem' AND coalesce(f.category_source, 'auto') <> 'manual'
           AND (coalesce(f.category, 'other') = 'other' OR coalesce(f.match_score < {WEAK_BELOW}, false)) AS weak
FROM {{findings}} f JOIN {{evaluations}} e ON e.eval_id = f.eval_id
WHERE {_DOC_FILTER}
"""
_STMT_SQL = _by_scope(_STMT)
_S_KEYS = _KEYS.replace("e.", "s.")
# newest year first, then by region (its filter) and unit: the order of the statement lists
# (queries/findings_statements.sql), the region filter also skipping row groups
_PROBLEM_STATEMENTS = """
INSERT INTO problem_statements
SELECT s.eval_id, s.doc_id, s.seq, s.region, s.unit, s.year, s.scope, s.source_kind, s.project, s.text,
       s.category, s.categories_secondary, s.matched_terms, s.match_score, s.category_source, s.line_start,
       s.line_end, s.weak, t.key_terms::VARCHAR, t.hint::VARCHAR
FROM _stmt s
LEFT JOIN _weak_terms t ON t.eval_id::VARCHAR = s.eval_id AND t.seq::INTEGER = s.seq
WHERE s.kind = 'problem'
ORDER BY s.year DESC NULLS LAST, s.region, s.unit, s.project, s.eval_id, s.seq
"""
_SIGNED = (
    """INSERT INTO rollup_unit_years
    SELECT coalesce(s.unit, ''), coalesce(s.year, 0), s.category, $sign * count(*)
    FROM _stmt s WHERE s.kind = 'problem'
    GROUP BY ALL
    ON CONFLICT DO UPDATE SET n_findings = n_findings + EXCLUDED.n_findings""",
    f"""INSERT INTO rollup_terms
    SELECT {_S_KEYS}, s.category, trim(u.term) AS term, $sign * count(*)
    FROM _stmt s, unnest(string_split(s.matched_terms, '、')) AS u(term)
    WHERE s.kind = 'problem' AND s.matched_terms IS NOT NULL AND trim(u.term) <> ''
    GROUP BY ALL
    ON CONFLICT DO UPDATE SET n = n + EXCLUDED.n""",
    # the suggestions and rectifications (category ''), and per category how many address it
    f"""INSERT INTO rollup_advice
    SELECT {_S_KEYS}, '' AS category, $sign * count(*), 0, 0
    FROM _stmt s WHERE s.kind IN ('suggestion', 'rectification')
    GROUP BY ALL
    UNION ALL
    SELECT {_S_KEYS}, a.category, $sign * count(*), $sign * count(*) FILTER (WHERE a.by_category),
           $sign * count(*) FILTER (WHERE a.shared_terms IS NOT NULL)
    FROM advice_topics a JOIN _stmt s ON s.eval_id = a.eval_id AND s.kind = a.kind AND s.seq = a.seq
    GROUP BY ALL
    ON CONFLICT DO UPDATE SET n = n + EXCLUDED.n, n_by_category = n_by_category + EXCLUDED.n_by_category,
                              n_by_terms = n_by_terms + EXCLUDED.n_by_terms""",
)

TABLES = ("rollup_findings", "rollup_indicators", "rollup_progress", "rollup_checks", "eval_progress",
          "eval_projects", "rollup_evals", "rollup_grades", "rollup_score_bins", "rollup_unit_years", "rollup_terms",
          "problem_statements", "advice_topics", "rollup_advice")
# The tables apply_findings maintains (problem categories changed).
FINDINGS_TABLES = ("rollup_findings", "rollup_unit_years", "rollup_terms", "problem_statements", "advice_topics",
                   "rollup_advice")


def ensure(con: duckdb.DuckDBPyConnection) -> None:
    """Create the rollup tables; fill them from the detail tables the first time."""
    con.execute("CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR)")
    row = con.execute("SELECT value FROM meta WHERE key = 'rollups_version'").fetchone()
    stale = row is None or row[0] != ROLLUPS_VERSION
    if stale:
        for table in _RESHAPED + _RETIRED:
            con.execute(f"DROP TABLE IF EXISTS {table}")
    con.execute(DDL)
    if stale:
        rebuild(con)
        con.execute("INSERT OR REPLACE INTO meta VALUES ('rollups_version', ?)", [ROLLUPS_VERSION])


def rebuild(con: duckdb.DuckDBPyConnection) -> None:
    """Recompute every rollup from the detail tables (migration, bench, repair)."""
    for table in TABLES:
        con.execute(f"DELETE FROM {table}")
    _apply(con, None, 1, "all")


def apply_documents(con: duckdb.DuckDBPyConnection, doc_ids: list[str], sign: int, staged: bool = False) -> None:
    """Add (+1, after inserting) or remove (-1, before deleting) the contribution of the documents
    `doc_ids`: one pass over a batch, however many documents it holds. ``staged``: the batch's rows
    are also registered as the ``STAGED`` views, exactly as inserted (+1 only)."""
    if sign not in (1, -1):
        raise ValueError("sign must be +1 or -1")
    if staged and sign < 0:
        raise ValueError("staged rows are added, not removed")
    if not doc_ids:
        return
    if staged:
        with _planned_for_small_inputs(con):
            _apply(con, list(doc_ids), sign, "staged")
    else:
        _apply(con, list(doc_ids), sign, "listed")


# Optimizer passes that pay off on large inputs only. A batch's staged rows are a few hundred, and
# planning its ~15 statements with these cost more than running them (~5 ms of a ~85 ms batch);
# the other passes stay on. Passes this DuckDB does not know are left alone.
_LARGE_INPUT_OPTIMIZERS = ("join_order", "statistics_propagation")


_known_optimizers: set[str] | None = None  # this DuckDB's optimizer passes (read once per process)


@contextmanager
def _planned_for_small_inputs(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    global _known_optimizers
    if _known_optimizers is None:
        _known_optimizers = {name for (name,) in con.execute("SELECT name FROM duckdb_optimizers()").fetchall()}
    known = _known_optimizers
    previous = con.execute("SELECT current_setting('disabled_optimizers')").fetchone()[0]
    off = ",".join([name for name in (previous or "").split(",") if name]
                   + [name for name in _LARGE_INPUT_OPTIMIZERS if name in known])
    con.execute(f"SET disabled_optimizers = '{off}'")  # names from the code and DuckDB, not user input
    try:
        yield
    finally:  # SET works in a failed transaction too; its rollback would restore it as well
        con.execute(f"SET disabled_optimizers = '{previous}'")




def apply_findings(con: duckdb.DuckDBPyConnection, doc_id: str | None, sign: int, taxonomy=None) -> None:
    """Only the problem-statement rollups (``FINDINGS_TABLES``): remove (-1) a document's problems
    before their categories change and add (+1) them back afterwards, in the same transaction.
    ``doc_id`` None: every document. ``taxonomy``: what classifies the advice (default
    data/taxonomy.yaml; ``perfeval reclassify --taxonomy`` passes its own)."""
    if sign not in (1, -1):
        raise ValueError("sign must be +1 or -1")
    scope, params = ("all", {"sign": sign}) if doc_id is None else ("listed", {"docs": [doc_id], "sign": sign})
    con.execute(next(q for q in _UPSERTS[scope] if "INSERT INTO rollup_findings" in q), params)
    _apply_statements(con, None if doc_id is None else [doc_id], sign, taxonomy)


def rebuild_findings(con: duckdb.DuckDBPyConnection, taxonomy=None) -> None:
    """Recompute the problem-statement rollups from the detail tables (after reclassifying every problem)."""
    for table in FINDINGS_TABLES:
        con.execute(f"DELETE FROM {table}")
    apply_findings(con, None, 1, taxonomy)


def _apply(con: duckdb.DuckDBPyConnection, doc_ids: list[str] | None, sign: int, scope: str) -> None:
    """`doc_ids` None (scope "all"): every document."""
    params = {"docs": doc_ids} if scope == "listed" else {}
    for sql in _UPSERTS[scope]:
        con.execute(sql, {**params, "sign": sign})
    if sign > 0:
        con.execute(_EVAL_PROGRESS_SQL[scope], params)
        _insert_eval_projects(con, scope, params)
    else:
        for table in ("eval_progress", "eval_projects"):
            where = "" if doc_ids is None else " WHERE doc_id IN (SELECT unnest($docs))"
            con.execute(f"DELETE FROM {table}{where}", params)
    _apply_statements(con, doc_ids, sign, scope=scope)


def _apply_statements(con: duckdb.DuckDBPyConnection, doc_ids: list[str] | None, sign: int, taxonomy=None,
                      scope: str | None = None) -> None:
    """rollup_unit_years, rollup_terms, problem_statements, advice_topics and rollup_advice for the
    documents ``doc_ids`` (None: all). +1 computes the rows from the texts (key terms,
    classification); -1 subtracts what the stored rows say and deletes them. ``scope``: as
    ``_apply``'s (default "all" or "listed" by ``doc_ids``)."""
    scope = scope or ("all" if doc_ids is None else "listed")
    params = {"docs": doc_ids} if scope == "listed" else {}
    con.execute(_STMT_SQL[scope], params)
    try:
        if sign > 0:
            con.register("_weak_terms", _weak_terms(con, taxonomy))
            try:
                con.execute(_PROBLEM_STATEMENTS)
            finally:
                con.unregister("_weak_terms")
            _insert_frame(con, "advice_topics", _advice_topic_rows(con, taxonomy))
        for sql in _SIGNED:
            con.execute(sql, {"sign": sign})
        if sign < 0:
            where = "" if doc_ids is None else " WHERE doc_id IN (SELECT unnest($docs))"
            con.execute("DELETE FROM problem_statements" + where, params)
            con.execute("DELETE FROM advice_topics" + where, params)
    finally:
        con.execute("DROP TABLE IF EXISTS _stmt")


def _insert_eval_projects(con: duckdb.DuckDBPyConnection, scope: str, params: dict) -> None:
    df = con.execute(_EVAL_PROJECT_ROWS_SQL[scope], params).df()
    df["project_key"] = [project_key(name) for name in df["project"]]
    _insert_frame(con, "eval_projects", df)


def _insert_frame(con: duckdb.DuckDBPyConnection, table: str, df) -> None:
    if df is None or df.empty:
        return
    con.register("_rollup_rows", df)
    try:
        con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM _rollup_rows")
    finally:
        con.unregister("_rollup_rows")


def _weak_terms(con: duckdb.DuckDBPyConnection, taxonomy=None):
    """eval_id, seq, key_terms ('、'-separated), hint of the weak problems in _stmt."""
    import pandas as pd

    rows = con.execute("SELECT eval_id, seq, text FROM _stmt WHERE weak").fetchall()
    terms, hints = themes.terms_and_hints([text for _, _, text in rows], taxonomy)
    return pd.DataFrame({"eval_id": pd.Series([r[0] for r in rows], dtype="object"),
                         "seq": pd.Series([r[1] for r in rows], dtype="int64"),
                         "key_terms": pd.Series(["、".join(t) or None for t in terms], dtype="object"),
                         "hint": pd.Series(hints, dtype="object")})


def _advice_topic_rows(con: duckdb.DuckDBPyConnection, taxonomy=None):
    """advice_topics rows of the suggestions and rectifications in _stmt: compared with the
    problems of the same document, unit and year."""
    import pandas as pd

    advice = con.execute("""
        SELECT eval_id, doc_id, kind, seq, text, coalesce(unit, ''), coalesce(year, 0)
        FROM _stmt WHERE kind IN ('suggestion', 'rectification')""").fetchall()
    if not advice:
        return None
    problems: dict[tuple, dict[str, list[str]]] = {}
    for doc, unit, year, category, text in con.execute("""
            SELECT s.doc_id, coalesce(s.unit, ''), coalesce(s.year, 0), s.category, s.text
            FROM _stmt s
            SEMI JOIN (SELECT DISTINCT doc_id, unit, year FROM _stmt WHERE kind IN ('suggestion', 'rectification')) a
                ON a.doc_id = s.doc_id AND a.unit IS NOT DISTINCT FROM s.unit AND a.year IS NOT DISTINCT FROM s.year
            WHERE s.kind = 'problem'""").fetchall():
        problems.setdefault((doc, unit, year), {}).setdefault(category, []).append(text)
    topics = themes.AdviceTopics(taxonomy)
    rows = []
    for eval_id, doc, kind, seq, text, unit, year in advice:
        for category, by_category, shared in topics.addressed(text, problems.get((doc, unit, year), {})):
            rows.append((eval_id, doc, kind, seq, category, by_category, "、".join(shared) or None))
    return pd.DataFrame(rows, columns=["eval_id", "doc_id", "kind", "seq", "category", "by_category", "shared_terms"])


def baseline(kind: str, year: int | None = None) -> list[float]:
    """序时进度: the cumulative share of the year's budget expected at the end of months 1..12.

    ``month``: m/12; ``day``: days elapsed at month end / days in the year;
    ``checkpoints``: 6月 50%, 9月 75%, 11月 100%, linear in between (from 0 at the start of the year).
    """
    if kind == "month":
        return [m / 12 for m in range(1, 13)]
    if kind == "day":
        import calendar
        y = year or 2021
        days = [calendar.monthrange(y, m)[1] for m in range(1, 13)]
        total = sum(days)
        out, acc = [], 0
        for d in days:
            acc += d
            out.append(acc / total)
        return out
    if kind == "checkpoints":
        points = [(0, 0.0), (6, 0.5), (9, 0.75), (11, 1.0), (12, 1.0)]
        out = []
        for m in range(1, 13):
            for (m0, r0), (m1, r1) in zip(points, points[1:]):
                if m0 <= m <= m1:
                    out.append(r0 + (r1 - r0) * (m - m0) / (m1 - m0))
                    break
        return out
    raise ValueError(f"unknown baseline {kind!r}")
