"""`python -m perfeval bench` end to end on a small synthetic database: every page is measured,
both its queries and its full rerun (AppTest), filtered and unfiltered."""
from __future__ import annotations

import re

from perfeval.bench import dashboard as bench

from conftest import run_cli
from test_browser_dashboard import free_port


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


def test_bench_sessions_reports_the_app_process_memory(tmp_path):
    """`bench --sessions N` starts the dashboard, opens every page in N real Chromium sessions and
    reports the app process's resident memory before and at its peak."""
    db = tmp_path / "synthetic.duckdb"
    port = str(free_port())
    res = run_cli("bench", "--evaluations", "3000", "--db", str(db), "--sessions", "2", "--port", port, timeout=600)
    assert res.returncode == 0, res.stderr
    views, memory = res.stdout.splitlines()[-2:]
    m = re.fullmatch(r"sessions=2 page_views=(\d+) view_p50_ms=\d+ view_p95_ms=\d+", views)
    assert m and int(m.group(1)) == 2 * len(bench.PAGE_PATHS) * 2, views
    m = re.fullmatch(r"app_start_rss_mib=(\d+) app_peak_rss_mib=(\d+)", memory)
    assert m and 0 < int(m.group(1)) < int(m.group(2)), memory
