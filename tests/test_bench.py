"""`python -m perfeval bench` end to end on a small synthetic database: every page is measured,
both its queries and its full rerun (AppTest), filtered and unfiltered."""
from __future__ import annotations

import re

from perfeval.bench import dashboard as bench

from conftest import run_cli


def test_bench_reports_queries_and_reruns_for_every_page(tmp_path):
    db = tmp_path / "synthetic.duckdb"
    res = run_cli("bench", "--evaluations", "3000", "--db", str(db), "--repeat", "2", "--rerun-repeat", "1")
    assert res.returncode == 0, res.stderr
    lines = res.stdout.splitlines()
    for page in bench.PAGES:
        for suffix in ("", "_unfiltered"):
            assert any(re.fullmatch(rf"{page}{suffix} p50_ms=[\d.]+ p95_ms=[\d.]+", x) for x in lines), (page, lines)
            assert any(re.fullmatch(rf"{page}{suffix} rerun_p50_ms=\d+ rerun_p95_ms=\d+", x) for x in lines), page
    assert re.fullmatch(r"max_p95_ms=[\d.]+", lines[len(bench.PAGES) * 2])
    assert re.fullmatch(r"max_rerun_p95_ms=\d+", lines[-1])
    assert "Warning" not in res.stderr and "No runtime" not in res.stderr
