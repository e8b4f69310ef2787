"""The seed reports through the public CLI: exact records, idempotence, atomicity, concurrency."""
from __future__ import annotations

import json
import pathlib
import re
import subprocess
import sys
import time

import duckdb

from conftest import FIXTURES, ROOT, SAMPLES, run_cli

TABLES = ("documents", "evaluations", "indicators", "spending_progress", "disbursements",
          "budget_lines", "findings", "checks", "field_sources")


def counts(db: pathlib.Path) -> dict[str, int]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}
    finally:
        con.close()


def test_scorer_reproduces_truth_exactly(tmp_path):
    out = tmp_path / "score.json"
    result = subprocess.run(
        [sys.executable, "tests/extract_score.py", "--truth", str(FIXTURES / "seeds.json"),
         "--docs-root", str(SAMPLES), "--json-out", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=600)
    score = json.loads(out.read_text(encoding="utf-8"))
    assert score["fields"] == 1.0, result.stdout
    assert (score["evals_found"], score["evals_n"], score["extra"]) == (19, 19, 0), result.stdout
    assert score["problems"] == 1.0 and score["categories"] == 1.0, result.stdout
    assert score["conflicts"] == 1.0 and score["conflicts_n"] == 4, result.stdout
    assert result.returncode == 0


def test_reingest_changes_nothing(tmp_path):
    db = tmp_path / "x.duckdb"
    first = run_cli("ingest", str(SAMPLES), "--db", str(db))
    assert first.returncode == 0, first.stderr
    before = counts(db)
    second = run_cli("ingest", str(SAMPLES), "--db", str(db))
    assert second.returncode == 0
    assert second.stdout.count("skipped") == 4
    assert not any(line.startswith("loaded") for line in second.stdout.splitlines())
    assert counts(db) == before


def test_same_content_twice_in_one_run_loads_once(tmp_path):
    """Both copies land in the same write batch: the second is skipped, not a key conflict."""
    db = tmp_path / "x.duckdb"
    data = (SAMPLES / "003_b783e8b1adbe72fd.txt").read_bytes()
    first, second = tmp_path / "a.txt", tmp_path / "b.txt"
    first.write_bytes(data)
    second.write_bytes(data)
    result = run_cli("ingest", str(first), str(second), "--db", str(db))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0].startswith(f"loaded {first}: 3 evaluations")
    assert result.stdout.splitlines()[1].startswith(f"skipped {second}: already loaded")
    assert counts(db)["documents"] == 1 and counts(db)["evaluations"] == 3


def test_failing_file_leaves_database_as_it_was(tmp_path):
    db = tmp_path / "x.duckdb"
    assert run_cli("ingest", str(SAMPLES / "003_b783e8b1adbe72fd.txt"), "--db", str(db)).returncode == 0
    before = counts(db)
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    unrelated = tmp_path / "recipe.txt"
    unrelated.write_text("红烧肉的做法：五花肉切块，焯水后加冰糖炒色，再加酱油和水炖一小时。\n", encoding="utf-8")
    binary = tmp_path / "noise.txt"
    binary.write_bytes(bytes(range(256)) * 40)
    result = run_cli("ingest", str(empty), str(unrelated), str(binary), "--db", str(db))
    assert result.returncode == 1
    assert f"ERROR {empty}: empty file" in result.stderr
    assert f"ERROR {unrelated}: no recognisable evaluation" in result.stderr
    assert f"ERROR {binary}:" in result.stderr
    assert counts(db) == before


def test_other_files_still_load_when_one_fails(tmp_path):
    db = tmp_path / "x.duckdb"
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x00\x01\x02")
    result = run_cli("ingest", str(bad), str(SAMPLES / "000_8a4f40a4445f8170.txt"), "--db", str(db))
    assert result.returncode == 1
    assert "loaded" in result.stdout and "ERROR" in result.stderr
    assert counts(db)["evaluations"] == 1


def test_lines_follow_the_files_order(tmp_path):
    """Files are written in batches, but a failing file's ERROR still comes between its neighbours."""
    import os
    bad = tmp_path / "b_bad.txt"
    bad.write_bytes(b"\x00\x01\x02")
    first, last = tmp_path / "a.txt", tmp_path / "c.txt"
    first.write_bytes((SAMPLES / "000_8a4f40a4445f8170.txt").read_bytes())
    last.write_bytes((SAMPLES / "003_b783e8b1adbe72fd.txt").read_bytes())
    result = subprocess.run([sys.executable, "-m", "perfeval", "ingest", str(tmp_path), "--db", str(tmp_path / "x.duckdb")],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=300,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"})
    assert result.returncode == 1
    assert [line.split(":")[0] for line in result.stdout.splitlines()] == \
        [f"loaded {first}", f"ERROR {bad}", f"loaded {last}"]


def test_eval_ids_are_stable_across_databases(tmp_path, sample_db):
    other = tmp_path / "other.duckdb"
    assert run_cli("ingest", str(SAMPLES), "--db", str(other)).returncode == 0
    ids = []
    for db in (sample_db, other):
        con = duckdb.connect(str(db), read_only=True)
        ids.append(sorted(r[0] for r in con.execute("SELECT eval_id FROM evaluations").fetchall()))
        con.close()
    assert ids[0] == ids[1] and len(set(ids[0])) == 19


def test_second_process_reads_while_another_reads(sample_db):
    con = duckdb.connect(str(sample_db), read_only=True)
    try:
        code = ("import duckdb,sys; c=duckdb.connect(sys.argv[1], read_only=True); "
                "print(c.execute('select count(*) from evaluations').fetchone()[0])")
        out = subprocess.run([sys.executable, "-c", code, str(sample_db)], capture_output=True, text=True, timeout=60)
        assert out.stdout.strip() == "19", out.stderr
        assert con.execute("SELECT count(*) FROM evaluations").fetchone()[0] == 19
    finally:
        con.close()


def test_ingest_waits_for_a_reader_then_writes(tmp_path):
    db = tmp_path / "x.duckdb"
    assert run_cli("ingest", str(SAMPLES / "000_8a4f40a4445f8170.txt"), "--db", str(db)).returncode == 0
    hold = ("import duckdb,sys,time; c=duckdb.connect(sys.argv[1], read_only=True); "
            "print('open', flush=True); time.sleep(2); c.close()")
    reader = subprocess.Popen([sys.executable, "-c", hold, str(db)], stdout=subprocess.PIPE, text=True)
    assert reader.stdout.readline().strip() == "open"
    started = time.monotonic()
    result = run_cli("ingest", str(SAMPLES / "003_b783e8b1adbe72fd.txt"), "--db", str(db))
    reader.wait(timeout=30)
    assert result.returncode == 0, result.stderr
    assert time.monotonic() - started >= 1.0  # it waited for the reader instead of failing
    assert counts(db)["evaluations"] == 4


def test_every_field_has_a_traceable_source(sample_db):
    con = duckdb.connect(str(sample_db), read_only=True)
    try:
        evals = con.execute("SELECT * FROM evaluations").df()
        sources = con.execute("SELECT eval_id, field, line_start, line_end, snippet FROM field_sources").df()
        docs = dict(con.execute("SELECT doc_id, file_name FROM documents").fetchall())
    finally:
        con.close()
    by_key = {(r.eval_id, r.field): r for r in sources.itertuples()}
    for ev in evals.itertuples():
        lines = (SAMPLES / docs[ev.doc_id]).read_text(encoding="utf-8").split("\n")
        for field in ("unit", "year", "project", "budget_yuan", "spent_yuan", "execution_rate", "score", "grade"):
            value = getattr(ev, field)
            if value is None or value != value:
                continue
            src = by_key.get((ev.eval_id, field))
            assert src is not None, (ev.project, field)
            assert 1 <= src.line_start <= src.line_end <= len(lines)
            assert src.snippet
            if field == "score":
                assert re.search(re.escape(f"{value:g}"), src.snippet), (ev.project, value, src.snippet)


def test_key_records(sample_db):
    con = duckdb.connect(str(sample_db), read_only=True)
    try:
        low = con.execute("SELECT project, execution_rate FROM evaluations ORDER BY execution_rate LIMIT 1").fetchone()
        dept = con.execute("SELECT score, execution_rate, execution_rate_stated FROM evaluations "
                           "WHERE scope = 'department' AND year = 2021").fetchone()
        audit = con.execute("SELECT budget_yuan, spent_yuan FROM evaluations WHERE project LIKE '%内部审计%'").fetchone()
        rules = {r[0] for r in con.execute("SELECT DISTINCT rule FROM checks").fetchall()}
        lines = con.execute("SELECT name, budget_yuan, spent_yuan, execution_rate FROM budget_lines ORDER BY seq").fetchall()
        progress = con.execute("SELECT month, cumulative_rate FROM spending_progress sp JOIN evaluations e USING (eval_id) "
                               "WHERE e.year = 2019 ORDER BY month").fetchall()
    finally:
        con.close()
    assert low == ("城指中心监管数据无线采集设备更新运行维护项目（体制）经费", 0.3416)
    assert dept == (93.21, 0.933, True)
    assert audit == (50000.0, 50000.0)
    assert {"dimensions_vs_total", "two_totals", "money_unit", "value_conflict"} <= rules
    assert len(lines) == 4 and lines[2] == ("503-机关资本性支出(一)设备购置", 300000.0, 38500.0, 0.1283)
    assert progress == [(3, 0.231), (6, 0.455), (11, 1.0)]


def test_cli_help_lists_subcommands():
    result = run_cli("--help")
    assert result.returncode == 0 and "ingest" in result.stdout


def test_oversized_file_is_refused_before_reading(tmp_path):
    db = tmp_path / "x.duckdb"
    big = tmp_path / "huge.txt"
    with big.open("wb") as f:  # sparse: 60 MB on paper, nothing on disk
        f.truncate(60 * 1024 * 1024)
    result = run_cli("ingest", str(big), "--db", str(db))
    assert result.returncode == 1
    assert f"ERROR {big}: file is larger than 50 MB" in result.stderr
    assert not db.exists()  # nothing was written, not even an empty database
