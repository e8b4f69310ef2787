"""A kill in the middle of an ingest never leaves a half-loaded document."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import duckdb

from perfeval.pipeline import BATCH_MAX_DOCS, parse_bytes

from conftest import ROOT, SAMPLES


def test_killed_ingest_leaves_only_whole_documents(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    expected = {}
    seed = (SAMPLES / "002_701c19d1405d5246.txt").read_bytes()  # the largest sample: 14 evaluations
    # more documents than two write batches hold, however fast this machine parses
    n = 2 * BATCH_MAX_DOCS + 20
    for i in range(n):
        data = seed + b"\n" * (i + 1)  # same report, distinct content hash
        (folder / f"copy_{i:02d}.txt").write_bytes(data)
        expected[f"copy_{i:02d}.txt"] = len(parse_bytes(data, "x").evaluations)
    db = tmp_path / "x.duckdb"
    proc = subprocess.Popen([sys.executable, "-m", "perfeval", "ingest", str(folder), "--db", str(db)],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    loaded = 0
    deadline = time.monotonic() + 120
    while loaded < 5 and time.monotonic() < deadline:
        line = proc.stdout.readline()
        loaded += line.startswith("loaded")
    os.kill(proc.pid, signal.SIGKILL)  # mid-run: no chance to clean up
    proc.wait(timeout=30)
    assert loaded >= 5
    con = duckdb.connect(str(db), read_only=True)
    try:
        per_doc = dict(con.execute("SELECT d.file_name, count(e.eval_id) FROM documents d "
                                   "LEFT JOIN evaluations e USING (doc_id) GROUP BY 1").fetchall())
        orphans = con.execute("SELECT count(*) FROM evaluations WHERE doc_id NOT IN (SELECT doc_id FROM documents)").fetchone()[0]
        orphan_rows = con.execute("SELECT count(*) FROM indicators WHERE eval_id NOT IN (SELECT eval_id FROM evaluations)").fetchone()[0]
    finally:
        con.close()
    assert loaded <= len(per_doc) < n  # what was reported is there; the run did not finish
    assert all(per_doc[name] == expected[name] for name in per_doc)
    assert orphans == 0 and orphan_rows == 0
    rerun = subprocess.run([sys.executable, "-m", "perfeval", "ingest", str(folder), "--db", str(db)],
                           cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr  # the rest loads after the crash
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM documents").fetchone()[0] == n
    finally:
        con.close()
