"""Problem categories in the database: `perfeval reclassify`, managers' corrections (through
reclassify, delete + re-ingest), rollup_findings kept consistent, migration of older databases,
and the write lock taken like an ingest."""
from __future__ import annotations

import hashlib
import pathlib
import shutil
import subprocess
import sys
import tempfile
import time

import duckdb
import pytest

from perfeval.classify import taxonomy as clf
from perfeval.store import problems, rollups
from perfeval.store import writer as store

from conftest import ROOT, SAMPLES, run_cli

SAMPLE = SAMPLES / "003_b783e8b1adbe72fd.txt"  # 上海 2018 and 北京丰台 2021 reports


@pytest.fixture
def db(tmp_path, sample_db):
    path = tmp_path / "p.duckdb"
    shutil.copy(sample_db, path)
    return path


def q(db, sql, *params):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()


def rollup_matches_detail(db) -> None:
    """rollup_findings equals the same aggregate computed from the detail tables, and every
    problem-statement rollup (problem_statements, advice_topics, rollup_advice) equals its rebuild."""
    statement_rollups_equal_rebuilt(db)
    got = q(db, """SELECT region, unit, year, scope, source_kind, category, n_findings, n_evals
                   FROM rollup_findings WHERE n_findings <> 0 OR n_evals <> 0 ORDER BY ALL""")
    want = q(db, """SELECT coalesce(e.region, ''), coalesce(e.unit, ''), coalesce(e.year, 0), coalesce(e.scope, ''),
                           coalesce(e.source_kind, ''), coalesce(f.category, 'other'), count(*), count(DISTINCT f.eval_id)
                    FROM findings f JOIN evaluations e ON e.eval_id = f.eval_id WHERE f.kind = 'problem'
                    GROUP BY ALL ORDER BY ALL""")
    assert got == want


ROLLUP_KEYS = {"rollup_findings": 6, "rollup_unit_years": 3, "rollup_terms": 7, "rollup_advice": 6}  # key columns, then counters


def statement_rollups_equal_rebuilt(db) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        copy = pathlib.Path(tmp) / "rebuilt.duckdb"
        shutil.copy(db, copy)
        con = duckdb.connect(str(copy))
        try:
            rollups.rebuild_findings(con)
            want = {t: sorted(con.execute(f"SELECT * FROM {t}").fetchall(), key=repr) for t in rollups.FINDINGS_TABLES}
        finally:
            con.close()
    con = duckdb.connect(str(db), read_only=True)
    try:
        for t in rollups.FINDINGS_TABLES:
            got = sorted(con.execute(f"SELECT * FROM {t}").fetchall(), key=repr)
            if t in ROLLUP_KEYS:  # counters fallen to zero stay as zero rows
                k = ROLLUP_KEYS[t]
                got = [r for r in got if any(r[k:])]
                want[t] = [r for r in want[t] if any(r[k:])]
            assert want[t] or t == "advice_topics", t  # the samples have rows in every other table
            assert got == want[t], t
    finally:
        con.close()


def a_problem(db, where: str = "TRUE"):
    return q(db, f"""SELECT f.eval_id, f.seq, f.text, f.category FROM findings f JOIN evaluations e USING (eval_id)
                     WHERE f.kind = 'problem' AND {where} ORDER BY e.year, f.eval_id, f.seq LIMIT 1""")[0]


def test_ingest_stores_explanation_key_score_and_source(sample_db):
    rows = q(sample_db, "SELECT text, category, matched_terms, finding_key, match_score, category_source FROM findings "
                        "WHERE kind = 'problem'")
    assert rows and all(r[3] == clf.finding_key(r[0]) for r in rows)
    for text, cat, terms, _key, score, source in rows:
        assert source == "auto" and score >= clf.load_taxonomy().min_score and cat != "other"
        assert all(t in clf.normalize_text(text) for t in terms.split("、")), (text, terms)


def test_reclassify_applies_an_edited_taxonomy_in_one_transaction(db, tmp_path):
    edited = tmp_path / "taxonomy.yaml"
    text = clf.TAXONOMY_FILE.read_text(encoding="utf-8")
    # a manager decides that budget control by the finance bureau is an execution matter
    edited.write_text(text.replace("    signals:\n      执行率", "    signals:\n      一般性支出.{0,4}控制: 9\n      执行率", 1),
                      encoding="utf-8")
    target = "未完成2019年项目目标任务是基于市财政对一般性支出的控制。"
    assert q(db, "SELECT category FROM findings WHERE text = ?", target) == [("budget_planning",)]
    res = run_cli("reclassify", "--db", str(db), "--taxonomy", str(edited))
    assert res.returncode == 0, res.stderr
    assert "1 changed category" in res.stdout
    assert "moved budget_planning → execution: 1" in res.stdout
    assert "execution             预算执行与支出进度" in res.stdout
    assert q(db, "SELECT category, category_source FROM findings WHERE text = ?", target) == [("execution", "auto")]
    rollup_matches_detail(db)
    # back with the bundled taxonomy
    res = run_cli("reclassify", "--db", str(db))
    assert res.returncode == 0 and "1 changed category" in res.stdout
    rollup_matches_detail(db)


def test_dry_run_writes_nothing(db):
    before = q(db, "SELECT * FROM findings ORDER BY ALL")
    res = run_cli("reclassify", "--db", str(db), "--dry-run")
    assert res.returncode == 0 and "dry run: nothing written" in res.stdout
    assert q(db, "SELECT * FROM findings ORDER BY ALL") == before


def test_reclassify_refuses_a_broken_taxonomy(db, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(clf.TAXONOMY_FILE.read_text(encoding="utf-8").replace("未签先付|", "未签先付(|", 1), encoding="utf-8")
    res = run_cli("reclassify", "--db", str(db), "--taxonomy", str(bad))
    assert res.returncode == 1 and "不是有效的正则表达式" in res.stderr


def test_correction_survives_reclassify_and_reingest(db, tmp_path):
    eval_id, seq, text, cat = a_problem(db, "e.unit = '上海市机关事务管理局'")
    assert cat != "coordination"
    n = problems.correct(str(db), eval_id, "problem", seq, "coordination", "经复核属于部门配合问题")
    assert n >= 1
    assert q(db, "SELECT category, category_source FROM findings WHERE eval_id = ? AND kind = 'problem' AND seq = ?",
             eval_id, seq) == [("coordination", "manual")]
    (sha, note, prev), = q(db, "SELECT sha256, note, previous_category FROM finding_corrections")
    assert note == "经复核属于部门配合问题" and prev == cat
    rollup_matches_detail(db)

    res = run_cli("reclassify", "--db", str(db))
    assert res.returncode == 0 and "1 kept a manual correction" in res.stdout
    assert q(db, "SELECT category FROM findings WHERE text = ? AND kind = 'problem'", text)[0] == ("coordination",)
    rollup_matches_detail(db)

    # delete the document, ingest the same file again: the correction is back
    doc_id = q(db, "SELECT doc_id FROM documents WHERE sha256 = ?", sha)[0][0]
    with store.writer(str(db)) as con:
        store.delete_document(con, doc_id)
    assert not q(db, "SELECT 1 FROM findings WHERE text = ?", text)
    rollup_matches_detail(db)
    assert q(db, "SELECT count(*) FROM finding_corrections") == [(1,)]
    src = next(p for p in SAMPLES.iterdir() if hashlib.sha256(p.read_bytes()).hexdigest() == sha)
    assert run_cli("ingest", str(src), "--db", str(db)).returncode == 0
    assert q(db, "SELECT category, category_source FROM findings WHERE text = ? AND kind = 'problem'", text)[0] \
        == ("coordination", "manual")
    rollup_matches_detail(db)

    # and back to the classifier
    eval_id2, seq2 = q(db, "SELECT eval_id, seq FROM findings WHERE text = ? AND kind = 'problem'", text)[0]
    assert problems.clear_correction(str(db), eval_id2, "problem", seq2)
    assert q(db, "SELECT category, category_source FROM findings WHERE text = ? AND kind = 'problem'", text)[0] \
        == (cat, "auto")
    assert q(db, "SELECT count(*) FROM finding_corrections") == [(0,)]
    rollup_matches_detail(db)


def test_correction_of_an_unknown_code_is_refused(db):
    eval_id, seq, _text, _cat = a_problem(db)
    with pytest.raises(ValueError):
        problems.correct(str(db), eval_id, "problem", seq, "no_such_code")


def test_older_database_migrates_and_reclassify_fills_the_new_columns(db):
    con = duckdb.connect(str(db))
    try:  # a database from before finding_key / match_score / category_source
        con.execute("CREATE TABLE f_old AS SELECT eval_id, kind, seq, text, category, categories_secondary, "
                    "matched_terms, line_start, line_end FROM findings")
        con.execute("DROP TABLE findings")
        con.execute("ALTER TABLE f_old RENAME TO findings")
        con.execute("DROP TABLE IF EXISTS finding_corrections")
        con.execute("DELETE FROM meta WHERE key = 'schema_version'")  # written before this schema
    finally:
        con.close()
    with store.writer(str(db)):
        pass  # ensure_schema adds what is missing
    cols = {r[0] for r in q(db, "DESCRIBE findings")}
    assert {"finding_key", "match_score", "category_source"} <= cols
    assert q(db, "SELECT count(*) FROM findings WHERE finding_key IS NOT NULL") == [(0,)]
    res = run_cli("reclassify", "--db", str(db))
    assert res.returncode == 0, res.stderr
    assert q(db, "SELECT count(*) FROM findings WHERE finding_key IS NULL OR "
                 "(kind = 'problem' AND (match_score IS NULL OR category_source IS NULL))") == [(0,)]
    rollup_matches_detail(db)


def test_reclassify_waits_for_the_write_lock_like_an_ingest(db):
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('held', flush=True); time.sleep(2); c.close()",
         str(db)], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    t0 = time.monotonic()
    res = run_cli("reclassify", "--db", str(db))
    waited = time.monotonic() - t0
    holder.wait(10)
    assert res.returncode == 0, res.stderr
    assert waited >= 1.0  # it waited for the other writer instead of failing
    rollup_matches_detail(db)


def test_rollup_helpers_only_touch_rollup_findings(db):
    con = duckdb.connect(str(db))
    try:
        other = con.execute("SELECT * FROM rollup_indicators ORDER BY ALL").fetchall()
        con.execute("BEGIN TRANSACTION")
        rollups.apply_findings(con, None, -1)
        assert con.execute("SELECT count(*) FROM rollup_findings WHERE n_findings <> 0").fetchone() == (0,)
        rollups.apply_findings(con, None, 1)
        con.execute("COMMIT")
        assert con.execute("SELECT * FROM rollup_indicators ORDER BY ALL").fetchall() == other
    finally:
        con.close()
    rollup_matches_detail(db)


def test_bench_classify_cli():
    res = run_cli("bench-classify", "--n", "2000", "--repeat", "1")
    assert res.returncode in (0, 1), res.stderr  # the verdict depends on the machine; the figure is printed
    last = res.stdout.strip().splitlines()[-1]
    assert last.startswith("best_s=") and "per_10000_s=" in last
    assert ROOT.joinpath("perfeval", "bench", "classify.py").exists()
