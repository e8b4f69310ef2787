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

``rollup_evals`` holds, per filter key, the counts and sums of ``evaluations`` that the KPI cards,
the sidebar's options, the unit × year heat map and the unit ranking need; every sum comes with
the count of values it adds up, so a query can return NULL where plain SQL's ``sum`` would (no
value at all). "pair" means budget_yuan > 0 and spent_yuan present (the weighted execution rate).
``rollup_grades`` counts evaluations per grade (stated, else derived from the score).
"""
from __future__ import annotations

import duckdb

ROLLUPS_VERSION = "3"  # 2: rollup_evals, rollup_grades; 3: rollup_findings n_manual, n_weak, n_other_auto

# ``rollup_findings.n_weak`` counts the automatically classified problems outside 'other' whose
# match_score is below this line (data/taxonomy.yaml ``strong``'s default); problem_counts reads it
# when the taxonomy's line is this one and counts the detail rows otherwise.
WEAK_BELOW = 3.0
# Tables whose columns changed since an earlier ROLLUPS_VERSION: recreated when a database migrates.
_RESHAPED = ("rollup_findings",)

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
CREATE TABLE IF NOT EXISTS rollup_grades (
    region VARCHAR NOT NULL, unit VARCHAR NOT NULL, year INTEGER NOT NULL,
    scope VARCHAR NOT NULL, source_kind VARCHAR NOT NULL, grade VARCHAR NOT NULL, stated BOOLEAN NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (region, unit, year, scope, source_kind, grade, stated)
);
"""

_KEYS = ("coalesce(e.region, '') AS region, coalesce(e.unit, '') AS unit, coalesce(e.year, 0) AS year, "
         "coalesce(e.scope, '') AS scope, coalesce(e.source_kind, '') AS source_kind")
# Each statement below is kept in two forms: for every document (rebuild), and for the documents
# listed in $docs (the batch an ingest or delete transaction writes). Separate texts rather than
# "$docs IS NULL OR …", so the planner sees a plain semi-join on the batch's ids.
_DOC_FILTER = "{docs}"
_ALL_DOCS = "TRUE"
_LISTED_DOCS = "e.doc_id IN (SELECT unnest($docs))"

_UPSERT_TEMPLATES = (
    f"""INSERT INTO rollup_findings
    SELECT {_KEYS}, coalesce(f.category, 'other') AS category,
           $sign * count(*), $sign * count(DISTINCT f.eval_id),
           $sign * count(*) FILTER (WHERE f.category_source = 'manual'),
           $sign * count(*) FILTER (WHERE coalesce(f.category, 'other') <> 'other' AND f.match_score < {WEAK_BELOW}
                                    AND coalesce(f.category_source, 'auto') <> 'manual'),
           $sign * count(*) FILTER (WHERE coalesce(f.category, 'other') = 'other'
                                    AND coalesce(f.category_source, 'auto') <> 'manual')
    FROM findings f JOIN evaluations e ON e.eval_id = f.eval_id
    WHERE f.kind = 'problem' AND {_DOC_FILTER}
    GROUP BY ALL
    ON CONFLICT DO UPDATE SET n_findings = n_findings + EXCLUDED.n_findings,
                              n_evals = n_evals + EXCLUDED.n_evals,
                              n_manual = n_manual + EXCLUDED.n_manual, n_weak = n_weak + EXCLUDED.n_weak,
                              n_other_auto = n_other_auto + EXCLUDED.n_other_auto""",
    f"""INSERT INTO rollup_indicators
    SELECT {_KEYS}, coalesce(i.level1, '') AS level1, coalesce(i.level2, '') AS level2,
           $sign * count(*), $sign * count(*) FILTER (WHERE i.score < i.weight),
           $sign * sum(i.weight), $sign * sum(i.score)
    FROM indicators i JOIN evaluations e ON e.eval_id = i.eval_id
    WHERE i.weight IS NOT NULL AND i.score IS NOT NULL AND {_DOC_FILTER}
    GROUP BY ALL
    ON CONFLICT DO UPDATE SET n_indicators = n_indicators + EXCLUDED.n_indicators,
                              n_deducted = n_deducted + EXCLUDED.n_deducted,
                              weight_sum = weight_sum + EXCLUDED.weight_sum,
                              score_sum = score_sum + EXCLUDED.score_sum""",
    f"""INSERT INTO rollup_progress
    SELECT {_KEYS}, p.month, p.source, $sign * count(*), $sign * sum(p.cumulative_rate)
    FROM spending_progress p JOIN evaluations e ON e.eval_id = p.eval_id
    WHERE {_DOC_FILTER}
    GROUP BY ALL
    ON CONFLICT DO UPDATE SET n = n + EXCLUDED.n, rate_sum = rate_sum + EXCLUDED.rate_sum""",
    f"""INSERT INTO rollup_checks
    SELECT {_KEYS}, c.severity, c.rule, $sign * count(*)
    FROM checks c JOIN evaluations e ON e.eval_id = c.eval_id
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
    FROM evaluations e
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
    f"""INSERT INTO rollup_grades
    SELECT {_KEYS}, coalesce(e.grade, e.grade_from_score) AS grade, e.grade IS NOT NULL AS stated, $sign * count(*)
    FROM evaluations e
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
    FROM spending_progress p JOIN evaluations e ON e.eval_id = p.eval_id
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
FROM agg a JOIN evaluations e ON e.eval_id = a.eval_id
"""

_UPSERTS = {scope: tuple(q.replace(_DOC_FILTER, where) for q in _UPSERT_TEMPLATES)
            for scope, where in (("all", _ALL_DOCS), ("listed", _LISTED_DOCS))}
_EVAL_PROGRESS_SQL = {"all": _EVAL_PROGRESS.replace(_DOC_FILTER, _ALL_DOCS),
                      "listed": _EVAL_PROGRESS.replace(_DOC_FILTER, _LISTED_DOCS)}

TABLES = ("rollup_findings", "rollup_indicators", "rollup_progress", "rollup_checks", "eval_progress",
          "rollup_evals", "rollup_grades")


def ensure(con: duckdb.DuckDBPyConnection) -> None:
    """Create the rollup tables; fill them from the detail tables the first time."""
    con.execute("CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR)")
    row = con.execute("SELECT value FROM meta WHERE key = 'rollups_version'").fetchone()
    stale = row is None or row[0] != ROLLUPS_VERSION
    if stale:
        for table in _RESHAPED:
            con.execute(f"DROP TABLE IF EXISTS {table}")
    con.execute(DDL)
    if stale:
        rebuild(con)
        con.execute("INSERT OR REPLACE INTO meta VALUES ('rollups_version', ?)", [ROLLUPS_VERSION])


def rebuild(con: duckdb.DuckDBPyConnection) -> None:
    """Recompute every rollup from the detail tables (migration, bench, repair)."""
    for table in TABLES:
        con.execute(f"DELETE FROM {table}")
    _apply(con, None, 1)


def apply_documents(con: duckdb.DuckDBPyConnection, doc_ids: list[str], sign: int) -> None:
    """Add (+1, after inserting) or remove (-1, before deleting) the contribution of the documents
    `doc_ids`: one pass over a batch, however many documents it holds."""
    if sign not in (1, -1):
        raise ValueError("sign must be +1 or -1")
    if doc_ids:
        _apply(con, list(doc_ids), sign)


def apply_findings(con: duckdb.DuckDBPyConnection, doc_id: str | None, sign: int) -> None:
    """Only ``rollup_findings``: remove (-1) a document's problems before their categories change
    and add (+1) them back afterwards, in the same transaction. ``doc_id`` None: every document."""
    if sign not in (1, -1):
        raise ValueError("sign must be +1 or -1")
    scope, params = ("all", {"sign": sign}) if doc_id is None else ("listed", {"docs": [doc_id], "sign": sign})
    con.execute(next(q for q in _UPSERTS[scope] if "INSERT INTO rollup_findings" in q), params)


def rebuild_findings(con: duckdb.DuckDBPyConnection) -> None:
    """Recompute ``rollup_findings`` from the detail tables (after reclassifying every problem)."""
    con.execute("DELETE FROM rollup_findings")
    apply_findings(con, None, 1)


def _apply(con: duckdb.DuckDBPyConnection, doc_ids: list[str] | None, sign: int) -> None:
    """`doc_ids` None: every document."""
    scope, params = ("all", {}) if doc_ids is None else ("listed", {"docs": doc_ids})
    for sql in _UPSERTS[scope]:
        con.execute(sql, {**params, "sign": sign})
    if sign > 0:
        con.execute(_EVAL_PROGRESS_SQL[scope], params)
    elif doc_ids is None:
        con.execute("DELETE FROM eval_progress")
    else:
        con.execute("DELETE FROM eval_progress WHERE doc_id IN (SELECT unnest($docs))", params)


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
