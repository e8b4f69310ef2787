"""The seeds rebuilt as real .docx files (merged cells, text split across runs) give the same
records as their text exports, through the public CLI."""
from __future__ import annotations

import duckdb

from perfeval.ingest.readers.text import read_text

from conftest import SAMPLES, run_cli
from test_readers_formats import docx_from_blocks

FIELDS = ("region", "unit", "department", "year", "project", "scope", "source_kind", "budget_initial_yuan",
          "budget_yuan", "spent_yuan", "execution_rate", "execution_rate_stated", "score", "grade",
          "score_decision", "score_process", "score_performance")


def records(db):
    con = duckdb.connect(str(db), read_only=True)
    try:
        evals = con.execute(f"SELECT {', '.join(FIELDS)} FROM evaluations ORDER BY project, year").fetchall()
        indicators = con.execute("SELECT e.project, i.seq, i.weight, i.score FROM indicators i "
                                 "JOIN evaluations e USING (eval_id) ORDER BY 1, 2").fetchall()
        findings = con.execute("SELECT e.project, f.kind, f.text, f.category FROM findings f "
                               "JOIN evaluations e USING (eval_id) ORDER BY 1, 2, 3").fetchall()
        checks = con.execute("SELECT e.project, c.rule FROM checks c JOIN evaluations e USING (eval_id) ORDER BY 1, 2").fetchall()
    finally:
        con.close()
    return evals, indicators, findings, checks


def test_seeds_as_docx_give_the_same_records(tmp_path, sample_db):
    folder = tmp_path / "docx"
    folder.mkdir()
    for seed in sorted(SAMPLES.glob("*.txt")):
        data, _ = docx_from_blocks(read_text(seed.read_bytes(), seed.name).blocks)
        (folder / (seed.stem + ".docx")).write_bytes(data)
    db = tmp_path / "docx.duckdb"
    result = run_cli("ingest", str(folder), "--db", str(db))
    assert result.returncode == 0, result.stderr
    got, want = records(db), records(sample_db)
    assert len(got[0]) == 19
    assert got == want
