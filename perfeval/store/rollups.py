"""Rollup tables the dashboard reads instead of joining the large detail tables.

Maintained inside the ingest transaction (perfeval.store.writer):

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
  below ``WEAK_BELOW``; those carry their key terms (perfeval.classify.themes, jieba) and best-guess
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

import re
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Iterator

import duckdb

from perfeval import REPO_ROOT
from perfeval.classify import themes
from perfeval.ingest.context import project_key

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

# Each statement below is kept in three forms: for every document (rebuild); for the documents
# listed in $docs (a delete, or a batch whose rows changed after they were inserted); and for the
# batch an ingest transaction just inserted, read from the rows it staged (``STAGED``). Separate
# texts rather than "$docs IS NULL OR …", so the planner sees a plain semi-join on the batch's ids.
_DOC_FILTER = "{docs}"
_ALL_DOCS = "TRUE"
_LISTED_DOCS = "e.doc_id IN (SELECT unnest($docs))"
# The views (perfeval.store.writer registers them) holding exactly the rows of the batch being inserted,
# with their tables' column types: the batch's rollups read these instead of finding the batch's
# rows among all the rows of the tables (a scan of each table per statement).
STAGED = {table: f"_staged_{table}" for table in ("evaluations", "findings", "indicators", "spending_progress",
                                                   "checks")}
SCOPES = ("all", "listed", "staged")

# The statements, one file each in queries/rollups/ (their headers say what they maintain).
UPSERTS = ("rollup_findings", "rollup_indicators", "rollup_progress", "rollup_checks", "rollup_evals",
           "rollup_score_bins", "rollup_grades")
SIGNED = ("rollup_unit_years", "rollup_terms", "rollup_advice")  # read _stmt
ROLLUP_SQL_DIR = REPO_ROOT / "queries" / "rollups"
_PARAM_RE = re.compile(r"\$([A-Za-z_]\w*)")


@dataclass(frozen=True)
class _Statement:
    sql: str
    params: frozenset[str]  # the $names it binds (DuckDB refuses values it does not use)

    def run(self, con: duckdb.DuckDBPyConnection, params: dict):
        return con.execute(self.sql, {k: v for k, v in params.items() if k in self.params})


def _statement(name: str, docs: str | None = None, tables: dict[str, str] | None = None) -> _Statement:
    sql = (ROLLUP_SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")
    body = "\n".join(line for line in sql.splitlines() if not line.lstrip().startswith("--"))
    if docs is not None:
        body = body.replace(_DOC_FILTER, docs)
        for table, view in (tables or {}).items():
            body = body.replace("{" + table + "}", view)
    return _Statement(body, frozenset(_PARAM_RE.findall(body)))


def _by_scope(name: str) -> dict[str, _Statement]:
    """The statement for each of SCOPES."""
    plain = {table: table for table in STAGED}
    return {"all": _statement(name, _ALL_DOCS, plain), "listed": _statement(name, _LISTED_DOCS, plain),
            "staged": _statement(name, _ALL_DOCS, STAGED)}


_SCOPED = {name: _by_scope(name) for name in UPSERTS + ("eval_progress", "eval_projects", "statements")}
_PROBLEM_STATEMENTS = _statement("problem_statements")
_SIGNED = tuple(_statement(name) for name in SIGNED)

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
    con.execute((ROLLUP_SQL_DIR / "tables.sql").read_text(encoding="utf-8"))
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
    _SCOPED["rollup_findings"][scope].run(con, {**params, "weak_below": WEAK_BELOW})
    _apply_statements(con, None if doc_id is None else [doc_id], sign, taxonomy)


def rebuild_findings(con: duckdb.DuckDBPyConnection, taxonomy=None) -> None:
    """Recompute the problem-statement rollups from the detail tables (after reclassifying every problem)."""
    for table in FINDINGS_TABLES:
        con.execute(f"DELETE FROM {table}")
    apply_findings(con, None, 1, taxonomy)


def _apply(con: duckdb.DuckDBPyConnection, doc_ids: list[str] | None, sign: int, scope: str) -> None:
    """`doc_ids` None (scope "all"): every document."""
    params = {"docs": doc_ids} if scope == "listed" else {}
    for name in UPSERTS:
        _SCOPED[name][scope].run(con, {**params, "sign": sign, "weak_below": WEAK_BELOW})
    if sign > 0:
        _SCOPED["eval_progress"][scope].run(con, params)
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
    _SCOPED["statements"][scope].run(con, {**params, "weak_below": WEAK_BELOW})
    try:
        if sign > 0:
            con.register("_weak_terms", _weak_terms(con, taxonomy))
            try:
                _PROBLEM_STATEMENTS.run(con, {})
            finally:
                con.unregister("_weak_terms")
            _insert_frame(con, "advice_topics", _advice_topic_rows(con, taxonomy))
        for statement in _SIGNED:
            statement.run(con, {"sign": sign})
        if sign < 0:
            where = "" if doc_ids is None else " WHERE doc_id IN (SELECT unnest($docs))"
            con.execute("DELETE FROM problem_statements" + where, params)
            con.execute("DELETE FROM advice_topics" + where, params)
    finally:
        con.execute("DROP TABLE IF EXISTS _stmt")


def _insert_eval_projects(con: duckdb.DuckDBPyConnection, scope: str, params: dict) -> None:
    df = _SCOPED["eval_projects"][scope].run(con, params).df()
    df["project_key"] = [project_key(name) for name in df["project"]]
    # newest year first (a rebuild; later ingests append): a year filter (the year-over-year candidates
    # of 会议简报) skips the row groups of other years. The unit and region names cannot do that: row
    # groups keep an 8-byte prefix of a string's bounds, and Chinese names share their first bytes.
    df = df.sort_values(["year", "region", "unit", "project_key"], ascending=[False, True, True, True],
                        na_position="last")
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
