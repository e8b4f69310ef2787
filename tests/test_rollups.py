"""The dashboard's rollups are exact: every rollup-based query equals the same figure computed
with plain SQL over the detail tables, and the rollups maintained document by document (ingest,
delete, ingest again) equal the rollups rebuilt from scratch."""
from __future__ import annotations

import math
import pathlib
import shutil
import subprocess
import sys

import duckdb
import pandas as pd
import pytest

from perfeval.app import dbread
from perfeval.store import rollups
from perfeval.store import writer as store

from conftest_app import ROOT, SAMPLES, ingest

GENERAL = ROOT / "tests" / "fixtures" / "general"

# The plain-SQL definitions the rollup queries replace (as they were before the rollups).
PLAIN = {
    "filter_options": """
        SELECT region, unit, scope, source_kind, min(year) AS year_min, max(year) AS year_max, count(*) AS n
        FROM evaluations GROUP BY ALL ORDER BY region, unit, scope, source_kind""",
    "overview_kpis": """
        SELECT count(*) AS n_evals, count(DISTINCT e.unit) AS n_units, count(DISTINCT e.year) AS n_years,
               min(e.year) AS year_min, max(e.year) AS year_max,
               sum(e.budget_yuan) AS budget_yuan, sum(e.spent_yuan) AS spent_yuan,
               sum(e.spent_yuan) FILTER (WHERE e.budget_yuan > 0) AS spent_matched_yuan,
               count(e.budget_yuan) AS n_with_budget,
               sum(e.spent_yuan) FILTER (WHERE e.budget_yuan > 0 AND e.spent_yuan IS NOT NULL)
                 / nullif(sum(e.budget_yuan) FILTER (WHERE e.budget_yuan > 0 AND e.spent_yuan IS NOT NULL), 0)
                 AS weighted_rate,
               count(e.execution_rate) AS n_with_rate, avg(e.score) AS mean_score, count(e.score) AS n_with_score
        FROM evaluations e WHERE {filters(e)}""",
    "grade_mix": """
        SELECT coalesce(e.grade, e.grade_from_score) AS grade, e.grade IS NOT NULL AS stated, count(*) AS n
        FROM evaluations e WHERE {filters(e)} AND coalesce(e.grade, e.grade_from_score) IS NOT NULL
        GROUP BY ALL ORDER BY grade, stated""",
    "grade_mix_year": """
        SELECT e.year, coalesce(e.grade, e.grade_from_score) AS grade, count(*) AS n
        FROM evaluations e
        WHERE {filters(e)} AND e.year IS NOT NULL AND coalesce(e.grade, e.grade_from_score) IS NOT NULL
        GROUP BY ALL ORDER BY e.year, grade""",
    "exec_heatmap": """
        WITH top_units AS (
            SELECT e.unit FROM evaluations e
            WHERE {filters(e)} AND e.unit IS NOT NULL AND e.execution_rate IS NOT NULL
            GROUP BY e.unit ORDER BY sum(e.budget_yuan) DESC NULLS LAST, e.unit LIMIT $limit)
        SELECT e.unit, e.year, sum(e.spent_yuan) / nullif(sum(e.budget_yuan), 0) AS rate, count(*) AS n
        FROM evaluations e SEMI JOIN top_units t ON t.unit = e.unit
        WHERE {filters(e)} AND e.budget_yuan > 0 AND e.spent_yuan IS NOT NULL AND e.year IS NOT NULL
        GROUP BY e.unit, e.year ORDER BY e.unit, e.year""",
    "exec_unit_ranking": """
        WITH u AS (
            SELECT e.unit, count(*) AS n, sum(e.budget_yuan) AS budget_yuan, sum(e.spent_yuan) AS spent_yuan
            FROM evaluations e
            WHERE {filters(e)} AND e.budget_yuan > 0 AND e.spent_yuan IS NOT NULL AND e.unit IS NOT NULL
            GROUP BY e.unit
        ), t AS (SELECT sum(spent_yuan) / nullif(sum(budget_yuan), 0) AS avg_rate FROM u)
        SELECT u.unit, u.n, u.budget_yuan, u.spent_yuan, u.spent_yuan / u.budget_yuan AS rate,
               t.avg_rate, (u.spent_yuan / u.budget_yuan - t.avg_rate) * 100 AS gap_pp
        FROM u, t ORDER BY rate, u.unit""",
    "score_hist": """
        SELECT least(floor(e.score), 99)::INTEGER AS bin, count(*) AS n
        FROM evaluations e WHERE {filters(e)} AND e.score IS NOT NULL
        GROUP BY bin ORDER BY bin""",
    "score_box_year": """
        SELECT e.year, count(*) AS n, min(e.score) AS min, quantile_cont(e.score, 0.25) AS q1,
               median(e.score) AS median, quantile_cont(e.score, 0.75) AS q3, max(e.score) AS max,
               avg(e.score) AS mean
        FROM evaluations e WHERE {filters(e)} AND e.score IS NOT NULL AND e.year IS NOT NULL
        GROUP BY e.year ORDER BY e.year""",
    "score_box_unit": """
        SELECT e.unit, count(*) AS n, min(e.score) AS min, quantile_cont(e.score, 0.25) AS q1,
               median(e.score) AS median, quantile_cont(e.score, 0.75) AS q3, max(e.score) AS max,
               avg(e.score) AS mean
        FROM evaluations e WHERE {filters(e)} AND e.score IS NOT NULL AND e.unit IS NOT NULL
        GROUP BY e.unit ORDER BY n DESC, e.unit LIMIT $limit""",
}
EXTRA = {"exec_heatmap": {"limit": 25}, "score_box_unit": {"limit": 30}}
SORT = {"grade_mix": ["grade", "stated"], "grade_mix_year": ["year", "grade"]}


def expand(sql: str) -> tuple[str, set[str]]:
    import re
    pred = dbread._strip_comments((dbread.QUERY_DIR / "_filters.sql").read_text(encoding="utf-8"))
    sql = dbread._FILTER_RE.sub(lambda m: "(" + re.sub(r"\bx\.", m.group(1) + ".", pred) + ")", sql)
    return sql, set(dbread._PARAM_RE.findall(sql))


def filter_sets(con) -> list[dbread.Filters]:
    region, unit = con.execute("SELECT region, unit FROM evaluations WHERE region IS NOT NULL "
                               "GROUP BY ALL ORDER BY count(*) DESC, region, unit LIMIT 1").fetchone()
    years = sorted(r[0] for r in con.execute("SELECT DISTINCT year FROM evaluations WHERE year IS NOT NULL").fetchall())
    return [dbread.Filters(), dbread.Filters(regions=(region,)), dbread.Filters(units=(unit,)),
            dbread.Filters(year_from=years[0], year_to=years[len(years) // 2]), dbread.Filters(scope="project"),
            dbread.Filters(scope="department"), dbread.Filters(kinds=("self_assessment", "results_disclosure")),
            dbread.Filters(regions=("没有这个地区",)), dbread.Filters(year_to=years[-1]),
            dbread.Filters(year_from=years[0])]


def assert_queries_match_plain_sql(db: pathlib.Path) -> int:
    con = duckdb.connect(str(db), read_only=True)
    checked = 0
    try:
        for f in filter_sets(con):
            for name, plain in PLAIN.items():
                params = dict(f.params(), **EXTRA.get(name, {}))
                sql, used = dbread.load_sql(name)
                got = con.execute(sql, {k: v for k, v in params.items() if k in used}).df()
                psql, pused = expand(plain)
                want = con.execute(psql, {k: v for k, v in params.items() if k in pused}).df()
                if name in SORT:
                    got = got.sort_values(SORT[name]).reset_index(drop=True)
                    want = want.sort_values(SORT[name]).reset_index(drop=True)
                pd.testing.assert_frame_equal(got, want, check_dtype=False, rtol=1e-9, atol=1e-9,
                                              obj=f"{name} with {f}")
                checked += 1
    finally:
        con.close()
    return checked


# The page 问题归类's queries that read rollup_findings (or use it to read fewer findings), as plain
# SQL over the detail tables.
PLAIN_PROBLEMS = {
    "problem_counts": """
        SELECT count(*) AS n,
               count(*) FILTER (WHERE coalesce(f.category, 'other') = 'other') AS n_other,
               count(*) FILTER (WHERE coalesce(f.category, 'other') <> 'other' AND f.match_score < $strong
                                AND coalesce(f.category_source, 'auto') <> 'manual') AS n_weak,
               count(*) FILTER (WHERE f.category_source = 'manual') AS n_manual
        FROM findings f JOIN evaluations e ON e.eval_id = f.eval_id
        WHERE {filters(e)} AND f.kind = 'problem'""",
    "findings_statements": """
        WITH ev AS (
            SELECT e.eval_id, e.doc_id, e.unit, e.year, e.project FROM evaluations e
            WHERE {filters(e)} AND ($year IS NULL OR e.year = $year) AND ($unit IS NULL OR e.unit = $unit))
        SELECT ev.eval_id, ev.unit, ev.year, ev.project, coalesce(f.category, 'other') AS category, f.kind, f.seq,
               f.text, f.matched_terms, f.categories_secondary, f.match_score,
               coalesce(f.category_source, 'auto') AS category_source, d.file_name, f.line_start, f.line_end
        FROM findings f JOIN ev ON ev.eval_id = f.eval_id JOIN documents d ON d.doc_id = ev.doc_id
        WHERE f.kind = 'problem' AND ($category IS NULL OR coalesce(f.category, 'other') = $category)
        ORDER BY ev.year DESC, ev.unit, ev.project, ev.eval_id, f.seq
        LIMIT $limit""",
    "problem_weak": """
        SELECT e.eval_id, e.unit, e.year, e.project, f.seq, f.text, coalesce(f.category, 'other') AS category,
               f.match_score, f.matched_terms
        FROM findings f JOIN evaluations e ON e.eval_id = f.eval_id
        WHERE {filters(e)} AND f.kind = 'problem' AND coalesce(f.category_source, 'auto') <> 'manual'
          AND (coalesce(f.category, 'other') = 'other' OR f.match_score < $strong)
        ORDER BY e.year DESC, e.unit, f.seq, e.eval_id
        LIMIT $limit""",
    "problem_category_terms": """
        WITH t AS (
            SELECT coalesce(f.category, 'other') AS category, e.year, trim(term) AS term, count(*) AS n
            FROM findings f
            JOIN evaluations e ON e.eval_id = f.eval_id,
                 unnest(string_split(f.matched_terms, '、')) AS u(term)
            WHERE {filters(e)} AND f.kind = 'problem' AND f.matched_terms IS NOT NULL AND trim(term) <> ''
            GROUP BY ALL
        ), r AS (
            SELECT *, row_number() OVER (PARTITION BY category, year ORDER BY n DESC, term) AS k FROM t
        )
        SELECT category, coalesce(year, 0) AS year, string_agg(term || '（' || n || '）', chr(10) ORDER BY k) AS terms
        FROM r WHERE k <= 3 GROUP BY category, coalesce(year, 0)""",
    # the pairs and, per year, the advice and how much of it addresses the category: from the
    # detail tables (advice_topics is per statement); the status is decided in Python (recurrence_rows)
    "problem_recurrence": """
        WITH uy AS (
            SELECT e.unit, coalesce(f.category, 'other') AS category, e.year, count(*) AS n
            FROM findings f JOIN evaluations e ON e.eval_id = f.eval_id
            WHERE {filters(e)} AND f.kind = 'problem' AND e.year > 0 AND e.unit <> ''
            GROUP BY ALL
        ), all_pairs AS (
            SELECT unit, category, count(*) AS n_years, sum(n) AS n_findings FROM uy
            GROUP BY unit, category HAVING count(*) >= 2
        ), pairs AS (
            SELECT *, (SELECT count(*) FROM all_pairs) AS n_pairs FROM all_pairs
            ORDER BY n_years DESC, n_findings DESC, unit, category LIMIT $limit
        ), adv AS (
            SELECT e.unit, e.year, count(*) AS n_advice
            FROM findings f JOIN evaluations e ON e.eval_id = f.eval_id
            WHERE {filters(e)} AND f.kind IN ('suggestion', 'rectification') GROUP BY ALL
        ), addr AS (
            SELECT e.unit, e.year, a.category, count(*) AS n_addressing
            FROM advice_topics a JOIN evaluations e ON e.eval_id = a.eval_id
            WHERE {filters(e)} GROUP BY ALL
        )
        SELECT p.unit, p.category, p.n_years, p.n_findings, p.n_pairs, uy.year,
               coalesce(adv.n_advice, 0) AS n_advice, coalesce(addr.n_addressing, 0) AS n_addressing
        FROM pairs p JOIN uy ON uy.unit = p.unit AND uy.category = p.category
        LEFT JOIN adv ON adv.unit = p.unit AND adv.year = uy.year
        LEFT JOIN addr ON addr.unit = p.unit AND addr.year = uy.year AND addr.category = p.category""",
}


def problem_params(con) -> list[dict]:
    """problem_counts at the rollup's line and another; statements with small limits (the cut falls
    inside the data), a category, a year, a unit; recurrence with few and many pairs."""
    cat, year, unit = con.execute("""
        SELECT coalesce(f.category, 'other'), e.year, e.unit FROM findings f JOIN evaluations e USING (eval_id)
        WHERE f.kind = 'problem' AND e.year IS NOT NULL AND e.unit IS NOT NULL
        GROUP BY ALL ORDER BY count(*) DESC, 1, 2, 3 LIMIT 1""").fetchone()
    out = [("problem_counts", {"strong": 3.0}), ("problem_counts", {"strong": 2.0}),
           ("problem_counts", {"strong": 100.0})]
    for limit in (1, 3, 10, 40, 200):
        out.append(("findings_statements", {"category": None, "year": None, "unit": None, "limit": limit}))
    for c, y, u in ((cat, None, None), (None, year, None), (None, None, unit), (cat, year, None), (cat, year, unit)):
        out.append(("findings_statements", {"category": c, "year": y, "unit": u, "limit": 5}))
    out += [("problem_weak", {"strong": st, "limit": lim}) for st in (3.0, 2.2) for lim in (1, 4, 30, 2000)]
    out += [("problem_recurrence", {"limit": 2}), ("problem_recurrence", {"limit": 50}), ("problem_category_terms", {})]
    return out


def assert_problem_queries_match_plain_sql(db: pathlib.Path) -> int:
    con = duckdb.connect(str(db), read_only=True)
    checked = 0
    try:
        for f in filter_sets(con):
            for name, extra in problem_params(con):
                params = dict(f.params(), **extra)
                sql, used = dbread.load_sql(name)
                got = con.execute(sql, {k: v for k, v in params.items() if k in used}).df()
                psql, pused = expand(PLAIN_PROBLEMS[name])
                want = con.execute(psql, {k: v for k, v in params.items() if k in pused}).df()
                if name == "problem_recurrence":
                    want = recurrence_rows(want)
                    got = got.assign(detail_years=got["detail"].map(
                        lambda d: "；".join(part.split("（")[0] for part in d.split("；"))))[want.columns]
                elif name == "problem_category_terms":  # one row per cell, in no particular order
                    got = got.sort_values(["category", "year"], ignore_index=True)
                    want = want.sort_values(["category", "year"], ignore_index=True)
                elif name == "problem_weak":  # the key terms: assert_statement_rollups_match_detail
                    got = got.drop(columns=["key_terms", "hint"])
                pd.testing.assert_frame_equal(got, want, check_dtype=False, obj=f"{name} {extra} with {f}")
                checked += 1
    finally:
        con.close()
    return checked


def recurrence_rows(per_year: pd.DataFrame) -> pd.DataFrame:
    """The recurrence table from per (pair, year) advice counts, decided in Python."""
    out = []
    for (unit, category), part in per_year.groupby(["unit", "category"], sort=False):
        part = part.sort_values("year")
        earlier = part.iloc[:-1]
        status = ["已针对" if r.n_addressing > 0 else "无建议记录" if r.n_advice == 0 else "未针对"
                  for r in earlier.itertuples()]
        overall = ("已针对" if set(status) == {"已针对"} else "部分针对" if "已针对" in status
                   else "无建议记录" if set(status) == {"无建议记录"} else "未针对")
        first = part.iloc[0]
        out.append({"unit": unit, "category": category, "n_years": first["n_years"],
                    "years": "、".join(str(y) for y in part["year"]), "n_findings": first["n_findings"],
                    "n_pairs": first["n_pairs"], "last_year": part["year"].max(), "status": overall,
                    "detail_years": "；".join(f"{y}年{s}" for y, s in zip(earlier["year"], status))})
    cols = ["unit", "category", "n_years", "years", "n_findings", "n_pairs", "last_year", "status", "detail_years"]
    df = pd.DataFrame(out, columns=cols)
    return df.sort_values(["n_years", "n_findings", "unit", "category"], ascending=[False, False, True, True],
                          ignore_index=True)


DETAIL_KEYS = {"eval_progress": ["eval_id"], "eval_projects": ["eval_id"], "problem_statements": ["eval_id", "seq"],
               "advice_topics": ["eval_id", "kind", "seq", "category"]}


def assert_statement_rollups_match_detail(db: pathlib.Path) -> None:
    """problem_statements holds each weak problem's key terms and hint as perfeval.classify.themes computes them;
    rollup_advice adds up findings (every suggestion and rectification) and advice_topics."""
    from perfeval.classify import themes
    con = duckdb.connect(str(db), read_only=True)
    try:
        weak = con.execute("SELECT text, key_terms, hint FROM problem_statements WHERE weak").fetchall()
        terms, hints = themes.terms_and_hints([t for t, _, _ in weak])
        assert [(k, h) for _, k, h in weak] == [("、".join(t) or None, h) for t, h in zip(terms, hints)]
        assert len(weak) == con.execute(f"""
            SELECT count(*) FROM findings WHERE kind = 'problem' AND coalesce(category_source, 'auto') <> 'manual'
              AND (coalesce(category, 'other') = 'other' OR match_score < {rollups.WEAK_BELOW})""").fetchone()[0]
        got = con.execute("""SELECT region, unit, year, scope, source_kind, category, n, n_by_category, n_by_terms
                             FROM rollup_advice WHERE n <> 0 ORDER BY ALL""").fetchall()
        want = con.execute("""
            SELECT coalesce(e.region, ''), coalesce(e.unit, ''), coalesce(e.year, 0), coalesce(e.scope, ''),
                   coalesce(e.source_kind, ''), '', count(*), 0, 0
            FROM findings f JOIN evaluations e ON e.eval_id = f.eval_id
            WHERE f.kind IN ('suggestion', 'rectification') GROUP BY ALL
            UNION ALL
            SELECT coalesce(e.region, ''), coalesce(e.unit, ''), coalesce(e.year, 0), coalesce(e.scope, ''),
                   coalesce(e.source_kind, ''), a.category, count(*), count(*) FILTER (WHERE a.by_category),
                   count(*) FILTER (WHERE a.shared_terms IS NOT NULL)
            FROM advice_topics a JOIN evaluations e ON e.eval_id = a.eval_id GROUP BY ALL
            ORDER BY ALL""").fetchall()
        assert got == want
        # every advice row names a statement that exists and says why it addresses the category
        assert con.execute("""SELECT count(*) FROM advice_topics a ANTI JOIN findings f
                              ON f.eval_id = a.eval_id AND f.kind = a.kind AND f.seq = a.seq""").fetchone() == (0,)
        assert con.execute("SELECT count(*) FROM advice_topics WHERE NOT by_category AND shared_terms IS NULL"
                           ).fetchone() == (0,)
    finally:
        con.close()


def rollup_rows(con, table: str) -> dict[tuple, tuple]:
    """Rows of a rollup table keyed by their key columns, without rows whose counters are all 0."""
    cols = [r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()]
    rows = con.execute(f"SELECT * FROM {table}").fetchall()
    if table in DETAIL_KEYS:  # one row per statement or evaluation: every column counts
        key = [cols.index(c) for c in DETAIL_KEYS[table]]
        return {tuple(r[i] for i in key): tuple(r) for r in rows}
    keys = [c for c in cols if c in ("region", "unit", "year", "scope", "source_kind", "category", "level1",
                                      "level2", "month", "source", "severity", "rule", "grade", "stated", "term", "bin")]
    counters = [c for c in cols if c.startswith("n")]
    out = {}
    for r in rows:
        d = dict(zip(cols, r))
        if all(d[c] == 0 for c in counters):
            continue
        out[tuple(d[k] for k in keys)] = tuple(d[c] for c in cols if c not in keys)
    return out


def assert_maintained_equals_rebuilt(db: pathlib.Path, tmp: pathlib.Path) -> None:
    copy = tmp / "rebuilt.duckdb"
    shutil.copy(db, copy)
    con = duckdb.connect(str(copy))
    try:
        rollups.rebuild(con)
        rebuilt = {t: rollup_rows(con, t) for t in rollups.TABLES}
    finally:
        con.close()
    con = duckdb.connect(str(db), read_only=True)
    try:
        maintained = {t: rollup_rows(con, t) for t in rollups.TABLES}
    finally:
        con.close()
    for table in rollups.TABLES:
        got, want = maintained[table], rebuilt[table]
        assert got.keys() == want.keys(), table
        for key in want:
            for a, b in zip(got[key], want[key]):
                if isinstance(b, float) and isinstance(a, float):
                    assert math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-6), (table, key, a, b)
                else:
                    assert a == b, (table, key, a, b)


def assert_rollups_exact(db: pathlib.Path, tmp: pathlib.Path) -> None:
    """Every check of the rollups after a change: maintained = rebuilt, and the pages' queries and
    the statement rollups equal plain SQL over the detail tables."""
    assert_maintained_equals_rebuilt(db, tmp)
    assert assert_queries_match_plain_sql(db) == len(PLAIN) * 10
    assert assert_problem_queries_match_plain_sql(db) > 0
    assert_statement_rollups_match_detail(db)


@pytest.fixture(scope="module")
def corpus_db(tmp_path_factory) -> pathlib.Path:
    db = tmp_path_factory.mktemp("rollups") / "corpus.duckdb"
    res = ingest(db, SAMPLES, GENERAL)
    assert res.returncode == 0, res.stderr
    return db


def test_rollup_queries_equal_plain_sql(corpus_db):
    assert assert_queries_match_plain_sql(corpus_db) == len(PLAIN) * 10


def test_problem_queries_equal_plain_sql(corpus_db):
    con = duckdb.connect(str(corpus_db), read_only=True)
    try:
        assert con.execute("SELECT sum(n_manual), sum(n_weak) FROM rollup_findings").fetchone() == \
            con.execute(f"""SELECT count(*) FILTER (WHERE category_source = 'manual'),
                                   count(*) FILTER (WHERE coalesce(category, 'other') <> 'other'
                                                    AND match_score < {rollups.WEAK_BELOW}
                                                    AND coalesce(category_source, 'auto') <> 'manual')
                            FROM findings WHERE kind = 'problem'""").fetchone()
        n = len(problem_params(con))
    finally:
        con.close()
    assert assert_problem_queries_match_plain_sql(corpus_db) == n * 10
    assert_statement_rollups_match_detail(corpus_db)


def test_weak_and_manual_counts(corpus_db, tmp_path):
    """Weak matches and corrections (few in the corpus): counted like plain SQL, kept right by a delete."""
    db = tmp_path / "weak.duckdb"
    shutil.copy(corpus_db, db)
    con = duckdb.connect(str(db))
    try:
        con.execute("""UPDATE findings SET match_score = CASE WHEN seq % 3 = 0 THEN 2.5 WHEN seq % 3 = 1 THEN 2.0
                                                              ELSE match_score END,
                                           category_source = CASE WHEN seq % 4 = 0 THEN 'manual' ELSE category_source END,
                                           category = CASE WHEN seq % 5 = 2 THEN 'other' ELSE category END
                       WHERE kind = 'problem'""")
        rollups.rebuild(con)
        assert con.execute("SELECT sum(n_weak) > 0 AND sum(n_manual) > 0 AND sum(n_other_auto) > 0 "
                           "FROM rollup_findings").fetchone()[0]
    finally:
        con.close()
    assert assert_problem_queries_match_plain_sql(db) > 0
    with store.writer(str(db)) as con:
        for (doc_id,) in con.execute("SELECT doc_id FROM documents ORDER BY file_name").fetchall()[::2]:
            store.delete_document(con, doc_id)
    assert_maintained_equals_rebuilt(db, tmp_path)
    assert assert_problem_queries_match_plain_sql(db) > 0
    assert_statement_rollups_match_detail(db)


def test_rollups_maintained_by_ingest_equal_rebuild(corpus_db, tmp_path):
    con = duckdb.connect(str(corpus_db), read_only=True)
    try:
        assert con.execute("SELECT sum(n) FROM rollup_evals").fetchone()[0] == \
            con.execute("SELECT count(*) FROM evaluations").fetchone()[0]
    finally:
        con.close()
    assert_maintained_equals_rebuilt(corpus_db, tmp_path)


def test_rollups_after_delete_and_reingest(corpus_db, tmp_path):
    db = tmp_path / "work.duckdb"
    shutil.copy(corpus_db, db)
    with store.writer(str(db)) as con:
        docs = con.execute("SELECT doc_id, file_name FROM documents ORDER BY file_name").fetchall()
        for doc_id, _ in docs[::3]:
            store.delete_document(con, doc_id)
    assert_rollups_exact(db, tmp_path)
    again = [p for p in sorted(list(SAMPLES.glob("*")) + list(GENERAL.glob("*")))
             if p.name in {name for _, name in docs[::3]}]
    assert again
    res = ingest(db, *again)
    assert res.returncode == 0, res.stderr
    assert_rollups_exact(db, tmp_path)


def assert_migrates_on_next_write(db: pathlib.Path) -> None:
    """The dashboard refuses the database (guidance to run an ingest) until a write migrates it."""
    assert dbread.status(str(db)) == "uninitialised"
    dbread.lease.close()
    with store.writer(str(db)):
        pass
    assert dbread.status(str(db)) == "ok"
    dbread.lease.close()


def test_old_database_migrates_its_rollups(corpus_db, tmp_path):
    """A database written before rollup_evals existed gets the new rollups on the next write."""
    db = tmp_path / "old.duckdb"
    shutil.copy(corpus_db, db)
    con = duckdb.connect(str(db))
    try:
        con.execute("DROP TABLE rollup_evals")
        con.execute("DROP TABLE rollup_grades")
        # rollup_findings as version 1 and 2 had it: no n_manual, n_weak
        con.execute("CREATE TABLE old_findings AS SELECT * EXCLUDE (n_manual, n_weak) FROM rollup_findings")
        con.execute("DROP TABLE rollup_findings")
        con.execute("ALTER TABLE old_findings RENAME TO rollup_findings")
        con.execute("UPDATE meta SET value = '1' WHERE key = 'rollups_version'")
    finally:
        con.close()
    assert_migrates_on_next_write(db)
    assert_maintained_equals_rebuilt(db, tmp_path)
    assert assert_problem_queries_match_plain_sql(db) > 0


def test_missing_keys_match_plain_sql(corpus_db, tmp_path):
    """Evaluations without region, unit, year or scope (NULL) are counted as plain SQL counts them,
    though the rollups key them as '' and 0."""
    db = tmp_path / "nulls.duckdb"
    shutil.copy(corpus_db, db)
    con = duckdb.connect(str(db))
    try:
        ids = [r[0] for r in con.execute("SELECT eval_id FROM evaluations ORDER BY eval_id").fetchall()]
        for i, eval_id in enumerate(ids[::4]):
            column = ("year", "unit", "region", "scope")[i % 4]
            con.execute(f"UPDATE evaluations SET {column} = NULL WHERE eval_id = ?", [eval_id])
        rollups.rebuild(con)
    finally:
        con.close()
    assert assert_queries_match_plain_sql(db) == len(PLAIN) * 10
    assert assert_problem_queries_match_plain_sql(db) > 0


def _parsed_corpus() -> list:
    from perfeval.pipeline import parse_file
    return [parse_file(p) for p in sorted(SAMPLES.glob("*.txt")) + sorted(GENERAL.glob("*.txt"))]


def _write_in_batches(db: pathlib.Path, parsed: list, monkeypatch, max_docs: int = 100) -> tuple[list, list[int]]:
    """Store `parsed` through the ingest's BatchWriter; (outcomes in order, sizes of the transactions tried)."""
    from perfeval.pipeline import BatchWriter
    tried: list[int] = []
    save_documents = store.save_documents

    def counting(con, documents, actor=None):
        tried.append(len(documents))
        return save_documents(con, documents, actor)

    monkeypatch.setattr(store, "save_documents", counting)
    outcomes: list = []
    with store.WriteSession(str(db)) as session:
        writer = BatchWriter(session, lambda _key, _parsed, outcome: outcomes.append(outcome),
                             max_docs=max_docs, max_seconds=3600)
        for p in parsed:
            writer.add(p.file_name, p)
        writer.flush()
    return outcomes, tried


def test_rollups_after_batches_of_documents(tmp_path, monkeypatch):
    """Several documents per transaction, one rollup pass each, and a duplicate inside a batch."""
    parsed = _parsed_corpus()
    assert len(parsed) >= 8
    db = tmp_path / "batched.duckdb"
    first = parsed[: len(parsed) // 2]
    outcomes, tried = _write_in_batches(db, first + [first[0]], monkeypatch)
    assert outcomes == [True] * len(first) + [False]  # the same content twice in one batch: loaded once
    assert tried == [len(first)]
    outcomes, tried = _write_in_batches(db, parsed, monkeypatch, max_docs=3)
    assert outcomes == [False] * len(first) + [True] * (len(parsed) - len(first))
    assert all(n <= 3 for n in tried) and len(tried) >= 2
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM documents").fetchone()[0] == len(parsed)
        assert con.execute("SELECT count(*) FROM evaluations").fetchone()[0] == sum(len(p.evaluations) for p in parsed)
    finally:
        con.close()
    assert_rollups_exact(db, tmp_path)


def test_batch_rollups_read_the_staged_rows_unless_the_rows_changed(tmp_path, monkeypatch):
    """A batch's rollups read the rows as staged for the insert; they read the tables instead when
    a manager's corrections changed the rows after the insert, or when a value went in through the
    database's own cast (Arrow would not take it as the column's type). Exact either way."""
    from perfeval.classify.taxonomy import finding_key
    passes = []
    apply_documents = rollups.apply_documents

    def recording(con, doc_ids, sign, staged=False):
        passes.append(staged)
        return apply_documents(con, doc_ids, sign, staged=staged)

    monkeypatch.setattr(rollups, "apply_documents", recording)
    parsed = _parsed_corpus()
    db = tmp_path / "staged.duckdb"
    outcomes, _ = _write_in_batches(db, parsed[:4], monkeypatch)
    assert outcomes == [True] * 4 and passes == [True]

    # a value the extractors never produce as text: the database casts it, the rollups read the tables
    odd = parsed[4]
    reading = odd.evaluations[0].candidate.best("budget_yuan")
    assert isinstance(reading.value, float)
    budget = reading.value
    reading.value = repr(budget)
    outcomes, _ = _write_in_batches(db, [odd], monkeypatch)
    assert outcomes == [True] and passes[-1] is False
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.execute("SELECT budget_yuan FROM evaluations WHERE eval_id = ?",
                           [odd.evaluations[0].eval_id]).fetchone()[0] == budget
    finally:
        con.close()

    # a document a manager corrected before it was deleted: loaded again with the correction
    corrected = next(p for p in parsed[5:] if any(f.kind == "problem" for ev in p.evaluations
                                                  for f in ev.candidate.findings))
    problem = next(f for ev in corrected.evaluations for f in ev.candidate.findings if f.kind == "problem")
    new_category = "satisfaction" if problem.category != "satisfaction" else "execution"
    with store.writer(str(db)) as con:
        con.execute("INSERT INTO finding_corrections VALUES (?, ?, ?, ?, now(), NULL, NULL)",
                    [corrected.sha256, finding_key(problem.text), new_category, problem.category])
    outcomes, _ = _write_in_batches(db, [corrected], monkeypatch)
    assert outcomes == [True] and passes[-1] is False
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.execute("""SELECT count(*) FROM findings f JOIN evaluations e USING (eval_id)
                              WHERE e.doc_id = ? AND f.category = ? AND f.category_source = 'manual'""",
                           [corrected.doc_id, new_category]).fetchone()[0] >= 1
    finally:
        con.close()
    assert_rollups_exact(db, tmp_path)


def test_a_failing_document_leaves_its_batch_to_load(tmp_path, monkeypatch):
    """A document whose rows cannot be written (here: one evaluation twice, a primary-key conflict)
    fails its batch; the batch is retried document by document, and only that document is missing."""
    import copy
    parsed = _parsed_corpus()[:6]
    broken = copy.copy(parsed[2])
    broken.evaluations = broken.evaluations + broken.evaluations[:1]
    batch = parsed[:2] + [broken] + parsed[3:]
    db = tmp_path / "failing.duckdb"
    outcomes, tried = _write_in_batches(db, batch, monkeypatch)
    assert [o is True for o in outcomes] == [True, True, False, True, True, True]
    assert isinstance(outcomes[2], duckdb.ConstraintException)
    assert tried == [6, 1, 1, 1, 1, 1, 1]  # the batch, then each document alone
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM documents WHERE sha256 = ?", [broken.sha256]).fetchone()[0] == 0
        for table in ("evaluations", "field_sources"):
            assert con.execute(f"SELECT count(*) FROM {table} WHERE doc_id = ?", [broken.doc_id]).fetchone()[0] == 0
        assert con.execute("SELECT count(*) FROM evaluations").fetchone()[0] == \
            sum(len(p.evaluations) for i, p in enumerate(parsed) if i != 2)
    finally:
        con.close()
    assert_rollups_exact(db, tmp_path)


def test_a_database_that_cannot_be_opened_fails_its_batch_once(tmp_path, monkeypatch):
    """Opening waits for the lock; when it still fails, the batch's documents fail together rather
    than each waiting again on its own. Another process really holds the file."""
    db = tmp_path / "locked.duckdb"
    with store.writer(str(db)):
        pass
    holder = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('held', flush=True); "
                               "time.sleep(60)", str(db)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        monkeypatch.setattr(store, "LOCK_WAIT_SECONDS", 0.3)
        attempts = []
        open_for_writing = store._open_for_writing

        def counting(path):
            attempts.append(path)
            return open_for_writing(path)

        monkeypatch.setattr(store, "_open_for_writing", counting)
        outcomes, tried = _write_in_batches(db, _parsed_corpus()[:4], monkeypatch)
    finally:
        holder.kill()
        holder.wait()
    assert len(outcomes) == 4 and all(isinstance(o, duckdb.IOException) for o in outcomes)
    assert all("lock" in str(o).lower() for o in outcomes)
    assert tried == [] and len(attempts) == 1
    with store.writer(str(db)) as con:  # the failed attempt left this process able to write
        assert con.execute("SELECT count(*) FROM documents").fetchone()[0] == 0


def test_write_session_skips_the_schema_only_when_it_is_current(tmp_path):
    """ensure_schema runs the DDL when schema.sql's fingerprint or the rollups version differ from
    what the database recorded, and only then."""
    from perfeval.store import writer as store
    db = str(tmp_path / "s.duckdb")
    with store.writer(db) as con:
        con.execute("DROP TABLE budget_lines")
    with store.writer(db) as con:  # versions current: the missing table is not recreated
        assert not con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'budget_lines'").fetchone()[0]
        con.execute("UPDATE meta SET value = 'older' WHERE key = 'schema_version'")
    with store.writer(db) as con:  # another schema recorded: the DDL runs again
        assert con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'budget_lines'").fetchone()[0] == 1


def test_every_rollup_table_is_compared_by_its_whole_key(corpus_db):
    """rollup_rows must see each table's rows one by one: a table whose key columns it does not
    know would collapse rows (or, without counters, compare none) and prove nothing."""
    con = duckdb.connect(str(corpus_db), read_only=True)
    try:
        for table in rollups.TABLES:
            cols = [r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()]
            counters = [c for c in cols if c.startswith("n")]
            if table in DETAIL_KEYS:
                rows = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            else:
                assert counters, table
                rows = con.execute(f"SELECT count(*) FROM {table} WHERE NOT ({' AND '.join(f'{c} = 0' for c in counters)})"
                                   ).fetchone()[0]
            assert len(rollup_rows(con, table)) == rows, table
    finally:
        con.close()


def test_database_of_the_previous_rollups_version_reads_as_uninitialised(corpus_db, tmp_path):
    """A database one rollup table short (written by the previous version) must not reach the pages,
    whose queries would fail on it: the dashboard shows the run-an-ingest guidance, and that
    ingest migrates it."""
    db = tmp_path / "previous.duckdb"
    shutil.copy(corpus_db, db)
    con = duckdb.connect(str(db))
    try:
        con.execute("DROP TABLE rollup_score_bins")
        con.execute("UPDATE meta SET value = ? WHERE key = 'rollups_version'", [str(int(rollups.ROLLUPS_VERSION) - 1)])
    finally:
        con.close()
    assert_migrates_on_next_write(db)
    assert not dbread.run(str(db), "score_hist", dbread.Filters().params()).empty


def test_writes_run_on_one_thread_and_whole_database_work_on_every_core(tmp_path):
    """Batches are written on the write instance's single thread; a migration or reclassify asks
    for every core the process may use and gives them back, even when the work fails."""
    import os
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    with store.writer(str(tmp_path / "t.duckdb")) as con:
        def threads():
            return con.execute("SELECT current_setting('threads')").fetchone()[0]
        assert threads() == 1
        with store.every_core(con):
            assert threads() == cores
        with pytest.raises(duckdb.CatalogException):
            with store.every_core(con):
                con.execute("SELECT * FROM no_such_table")
        assert threads() == 1
