"""Dashboard benchmark: ``python -m perfeval bench --evaluations 1000000``.

Generates (once, reused afterwards) a clearly marked SYNTHETIC database with realistic
distributions — ~30 regions, ~800 units, 10 years, ≈15 indicators, 3 findings and 6 progress points
per evaluation — builds the rollups, then measures every page two ways (or, with ``--sessions N``,
the app process's peak memory while N browser sessions open every page):

* queries: the page's named queries plus the sidebar's (status, filter options, data status),
  run the way the app runs them on a rerun after a change of filters (perfeval.app.dbread: a freshly
  opened short-lived read-only connection shared by the rerun's queries, no cache of results but
  the per-data-version one of the sidebar's queries, filled by the warm-up). One line per page
  ``<page> p50_ms=… p95_ms=…`` with typical filters (one region, the last three years) and
  ``<page>_unfiltered …`` for the first view without filters; last ``max_p95_ms=…``.
* rerun: the whole page script (queries, pandas, plotly figures, tables) run with Streamlit's
  AppTest against the database, caches cleared before every run: ``<page> rerun_p50_ms=…
  rerun_p95_ms=…`` (and ``_unfiltered``); last ``max_rerun_p95_ms=…``. AppTest also decodes
  the page's output, so this slightly overstates the server-side time of a real rerun.
"""
from __future__ import annotations

import argparse
import os
import pathlib
import random
import statistics
import sys
import time

import duckdb

from perfeval import REPO_ROOT
from perfeval.app import dbread
from perfeval.store import rollups
from perfeval.store import writer as store

N_REGIONS = 30
N_UNITS = 800
YEARS = list(range(2015, 2025))
CATEGORIES = ["goal_setting", "budget_planning", "execution", "fund_management", "contract_procurement",
              "project_management", "oversight", "satisfaction", "coordination", "performance_capacity",
              "output_shortfall", "other"]
LEVELS = [("决策", "项目立项"), ("决策", "绩效目标"), ("决策", "资金投入"), ("过程", "资金管理"),
          ("过程", "组织实施"), ("产出", "产出数量"), ("产出", "产出质量"), ("产出", "产出时效"),
          ("产出", "产出成本"), ("效益", "社会效益"), ("效益", "经济效益"), ("效益", "可持续影响"),
          ("满意度", "服务对象满意度"), ("过程", "制度执行"), ("效益", "生态效益")]


# Evaluations are generated in chunks of this many, each with its detail rows, so a 10M database
# shows progress and no single statement has to hold hundreds of millions of rows in memory.
CHUNK = 1_000_000
# DuckDB's default memory limit is 80% of the machine's RAM, which the machine shares; generation
# spills to disk beyond this instead.
GENERATE_MEMORY_LIMIT = "6GB"


def generate(path: str, n: int, seed: int = 7, progress=None) -> None:
    """Write a synthetic database of n evaluations (everything marked SYNTHETIC).

    ``progress(message)`` is called after each chunk of evaluations and before the rollups."""
    progress = progress or (lambda message: None)
    if os.path.exists(path):
        os.remove(path)
    for extra in (path + ".wal",):
        if os.path.exists(extra):
            os.remove(extra)
    pathlib.Path(path).parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(path, config={"memory_limit": GENERATE_MEMORY_LIMIT})
    t0 = time.perf_counter()
    try:
        store.ensure_schema(con)
        con.execute(f"SELECT setseed({(seed % 1000) / 1000})")
        con.execute("CREATE TEMP TABLE lv AS SELECT * FROM (VALUES " +
                    ", ".join(f"({i}, '{a}', '{b}')" for i, (a, b) in enumerate(LEVELS)) + ") t(k, level1, level2)")
        # one synthetic document per unit and year
        con.execute("""
            INSERT INTO documents
            SELECT printf('syndoc%05d', d), printf('SYNTHETIC-%05d.txt', d), printf('synthetic-%05d', d), 'txt',
                   TIMESTAMP '2025-01-01 00:00:00', NULL, NULL, 'synthetic', NULL
            FROM range($nu * $ny) t(d)""", {"nu": N_UNITS, "ny": len(YEARS)})
        for lo in range(0, n, CHUNK):
            hi = min(n, lo + CHUNK)
            _generate_chunk(con, lo, hi)
            elapsed = time.perf_counter() - t0
            progress(f"{hi:,} of {n:,} evaluations with their detail rows, {elapsed:.0f} s"
                     + (f", about {elapsed / hi * (n - hi):.0f} s left before the rollups" if hi < n else ""))
        con.execute("INSERT OR REPLACE INTO meta VALUES ('synthetic', ?)", [str(n)])
        progress("building the rollups …")
        rollups.ensure(con)
        rollups.rebuild(con)
        con.execute("CHECKPOINT")
    finally:
        con.close()


def _generate_chunk(con: duckdb.DuckDBPyConnection, lo: int, hi: int) -> None:
    """Evaluations lo … hi-1 and their indicators, findings, progress points, checks and sources."""
    p = {"lo": lo, "hi": hi, "nu": N_UNITS, "nr": N_REGIONS, "y0": YEARS[0], "ny": len(YEARS)}
    con.execute("""
        INSERT INTO evaluations
        WITH base AS (
            SELECT i, i % $nu AS u, $y0 + (i // $nu) % $ny AS year, random() AS r1, random() AS r2,
                   random() AS r3, random() AS r4, random() AS r5
            FROM range($lo, $hi) t(i)
        ), v AS (
            SELECT *, exp(11.5 + 1.6 * sqrt(-2 * ln(greatest(r1, 1e-12))) * cos(2 * pi() * r2)) AS budget,
                   CASE WHEN r3 < 0.6 THEN 0.93 + 0.07 * r4 WHEN r3 < 0.9 THEN 0.7 + 0.23 * r4
                        ELSE 0.15 + 0.55 * r4 END AS rate,
                   least(100, greatest(45, 86 + 9 * sqrt(-2 * ln(greatest(r4, 1e-12))) * cos(2 * pi() * r5))) AS score
            FROM base
        )
        SELECT printf('syn%08d', i), printf('syndoc%05d', u * $ny + (year - $y0)),
               printf('合成地区%02d', u % $nr), printf('合成单位%03d', u), NULL, year,
               CASE WHEN r5 < 0.05 THEN '部门整体支出' ELSE printf('合成项目%07d', i) END,
               CASE WHEN r5 < 0.05 THEN 'department' ELSE 'project' END,
               CASE WHEN r5 < 0.05 THEN 'department_evaluation'
                    WHEN r3 * 7 % 1 < 0.55 THEN 'self_assessment'
                    WHEN r3 * 7 % 1 < 0.85 THEN 'evaluation_report' ELSE 'results_disclosure' END,
               round(budget * 0.95, 2), round(budget, 2), round(budget, 2), round(budget * rate, 2), round(rate, 4),
               r4 < 0.5, round(score, 2), NULL, NULL, NULL, NULL, NULL, NULL,
               CASE WHEN score >= 90 THEN '优' WHEN score >= 80 THEN '良' WHEN score >= 60 THEN '中' ELSE '差' END,
               1, 100
        FROM v""", p)
    # the chunk's evaluations: ids are printf('syn%08d', i), so a range of ids is a range of i
    chunk = "evaluations e WHERE e.eval_id >= printf('syn%08d', $lo) AND e.eval_id < printf('syn%08d', $hi)"
    bounds = {"lo": lo, "hi": hi}
    con.execute(f"""
        INSERT INTO indicators (eval_id, seq, level1, level2, name, target, actual, weight, score, note, line_start, line_end)
        SELECT e.eval_id, lv.k + 1, lv.level1, lv.level2, printf('合成指标%02d', lv.k), NULL, NULL,
               w.weight, round(w.weight * CASE WHEN random() < 0.7 THEN 1 ELSE 0.4 + 0.6 * random() END, 2),
               NULL, 10 + lv.k, 10 + lv.k
        FROM (SELECT e.eval_id FROM {chunk}) e CROSS JOIN lv
        CROSS JOIN LATERAL (SELECT CASE WHEN lv.level1 IN ('产出', '效益') THEN 8.0 ELSE 5.0 END AS weight) w
        WHERE random() < 0.97""", bounds)
    con.execute(f"""
        INSERT INTO findings (eval_id, kind, seq, text, category, categories_secondary, matched_terms,
                              line_start, line_end)
        SELECT e.eval_id, 'problem', s.seq, printf('（合成）问题表述 %s-%d', e.eval_id, s.seq),
               $cats[1 + least(11, floor(pow(random(), 1.6) * 12)::INTEGER)],
               NULL, NULL, 40 + s.seq, 40 + s.seq
        FROM (SELECT e.eval_id FROM {chunk}) e CROSS JOIN range(1, 4) s(seq)""", {**bounds, "cats": CATEGORIES})
    con.execute(f"""
        INSERT INTO spending_progress (eval_id, month, cumulative_rate, source, line_start, line_end)
        SELECT eval_id, month, least(1.0, round(pow(month / 12.0, 0.6 + 1.4 * shape) , 4)), 'stated', 30, 30
        FROM (SELECT e.eval_id, random() AS shape FROM {chunk}) e
        CROSS JOIN (VALUES (2), (4), (6), (8), (10), (12)) m(month)""", bounds)
    con.execute(f"""
        INSERT INTO checks (eval_id, rule, severity, message)
        SELECT e.eval_id, 'dimensions_vs_total', 'warning', '（合成）维度得分之和与总分不符'
        FROM {chunk} AND random() < 0.25""", bounds)
    con.execute(f"""
        INSERT INTO field_sources (eval_id, field, doc_id, line_start, line_end, snippet)
        SELECT e.eval_id, f.field, e.doc_id, 5, 5, '（合成数据）' || f.field
        FROM (SELECT e.eval_id, e.doc_id FROM {chunk}) e
        CROSS JOIN (VALUES ('unit'), ('budget_yuan'), ('spent_yuan'), ('score')) f(field)""", bounds)


PAGES = {"overview": "app.py", "execution": "pages/1_execution.py", "progress": "pages/2_progress.py",
         "scores": "pages/3_scores.py", "problems": "pages/4_problems.py", "detail": "pages/5_detail.py",
         "briefing": "pages/7_briefing.py", "import": "pages/6_import.py"}



def page_batches(eval_id: str, region: str | None, years: tuple[int, int] | None) -> dict[str, list]:
    """Every page's queries as a rerun issues them: the sidebar's, then the page's own.

    With ``region``/``years`` the typical filtered view (the problems page with a clicked cell);
    without them the first, unfiltered view."""
    if region is None:
        f = dbread.Filters().params()
        stm = dict(f, category=None, year=None, unit=None, limit=200)
    else:
        f = dbread.Filters(regions=(region,), year_from=years[0], year_to=years[1]).params()
        stm = dict(f, category="execution", year=years[1], unit=None, limit=200)
    one = {"eval_id": eval_id}
    sidebar = [("filter_options", {}), ("data_status", {})]
    pages = {
        "overview": [("overview_kpis", f), ("grade_mix", f), ("alerts_low_execution", dict(f, limit=5)),
                     ("alerts_progress_lag", dict(f, limit=5)), ("findings_repeat", dict(f, limit=8)),
                     ("checks_summary", f)],
        "execution": [("exec_summary", dict(f, threshold=0.9)), ("exec_lowest", dict(f, limit=500)),
                      ("exec_heatmap", dict(f, limit=25)), ("exec_scatter", dict(f, limit=2000)),
                      ("exec_unit_ranking", f), ("evals_with_budget_lines", dict(f, limit=300))],
        "progress": [("progress_summary", f), ("progress_curve", f), ("progress_evals", dict(f, limit=300)),
                     ("progress_points", one), ("disbursements", one)],
        "scores": [("score_hist", f), ("score_box_year", f), ("score_points", dict(f, limit=300)),
                   ("grade_mix_year", f), ("score_box_unit", dict(f, limit=30)), ("indicator_dimensions", f),
                   ("indicator_losses", dict(f, limit=15))],
        "problems": [("problem_schema", {}), ("findings_category_year", f), ("problem_counts", dict(f, strong=3.0)),
                     ("problem_recurrence", dict(f, limit=50)), ("problem_category_terms", f),
                     ("findings_unit_year", dict(f, limit=25)), ("findings_statements", stm),
                     ("problem_weak", dict(f, strong=3.0, limit=2000))],
        "detail": [("eval_search", dict(f, q=None, limit=200)), ("eval_detail", one), ("eval_field_sources", one),
                   ("eval_indicators", one), ("eval_findings", one), ("eval_checks", one)],
        # 会议简报 lists comparison candidates only below briefing.YOY_LIST_ALL_BELOW evaluations
        # (a typical filter); unfiltered at 1M it asks for a project name first
        "briefing": [("overview_kpis", f)] + ([] if region is None else [
            ("yoy_projects", dict(f, q=None, limit=200)), ("eval_history", one),
            ("eval_history_findings", {"eval_ids": [eval_id]})]),
        "import": [("documents_loaded", {"q": None, "limit": 500})],
    }
    return {page: sidebar + batch for page, batch in pages.items()}


def _sample(path: str) -> tuple[list[str], list[str], int]:
    con = duckdb.connect(path, read_only=True)
    try:
        ids = [r[0] for r in con.execute("SELECT eval_id FROM evaluations USING SAMPLE 200 ROWS").fetchall()]
        regions = [r[0] for r in con.execute("SELECT DISTINCT region FROM evaluations WHERE region IS NOT NULL")
                   .fetchall()]
        ymax = con.execute("SELECT max(year) FROM evaluations").fetchone()[0]
    finally:
        con.close()
    return ids, sorted(regions), ymax


def measure(path: str, repeat: int, seed: int = 1) -> dict[str, list[float]]:
    """Query time per page and scenario, each page on a freshly opened connection (as a rerun)."""
    from perfeval.app import ui  # noqa: F401  the app's process state: its heap frozen for the GC (see ui)
    rnd = random.Random(seed)
    ids, regions, ymax = _sample(path)
    times: dict[str, list[float]] = {}
    for _ in range(repeat):
        for suffix, region in (("", rnd.choice(regions)), ("_unfiltered", None)):
            for page, batch in page_batches(rnd.choice(ids), region, (ymax - 2, ymax)).items():
                dbread.lease.close()  # a rerun after the user's pause finds the lease closed
                t0 = time.perf_counter()
                dbread.status(path)
                dbread.run_many(path, batch)
                times.setdefault(page + suffix, []).append((time.perf_counter() - t0) * 1000)
    dbread.lease.close()
    return times


def measure_reruns(path: str, repeat: int, seed: int = 1) -> dict[str, list[float]]:
    """Full rerun time per page and scenario: the page script under AppTest, caches cleared."""
    import logging

    import streamlit as st
    from streamlit.testing.v1 import AppTest

    logging.disable(logging.WARNING)  # AppTest runs without a server: "no runtime" warnings on every run
    rnd = random.Random(seed)
    ids, regions, ymax = _sample(path)
    old = os.environ.get("PERFEVAL_DB")
    os.environ["PERFEVAL_DB"] = os.path.abspath(path)
    times: dict[str, list[float]] = {}
    try:
        for page, script in PAGES.items():
            if not (REPO_ROOT / script).exists():
                continue
            for suffix, query in (("", {"region": rnd.choice(regions), "years": [str(ymax - 2), str(ymax)]}),
                                  ("_unfiltered", {})):
                at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=120)
                for k, v in query.items():
                    at.query_params[k] = v
                if page in ("detail", "progress"):
                    at.query_params["eval"] = rnd.choice(ids)
                if script != "app.py":
                    at.switch_page(script)
                for i in range(repeat + 1):  # the first run imports and warms; not counted
                    st.cache_data.clear()
                    dbread.lease.close()
                    t0 = time.perf_counter()
                    at.run()
                    ms = (time.perf_counter() - t0) * 1000
                    if at.exception:
                        raise RuntimeError(f"{script}: {[e.message for e in at.exception]}")
                    if i:
                        times.setdefault(page + suffix, []).append(ms)
    finally:
        logging.disable(logging.NOTSET)
        if old is None:
            os.environ.pop("PERFEVAL_DB", None)
        else:
            os.environ["PERFEVAL_DB"] = old
        dbread.lease.close()
    return times


# the analysis pages a visitor opens, by URL path (数据导入 and 管理 need a sign-in)
PAGE_PATHS = {"overview": "/", "execution": "/execution", "progress": "/progress", "scores": "/scores",
              "problems": "/problems", "detail": "/detail", "briefing": "/briefing"}
# Streamlit has finished the page's run: no running indicator, no element left stale
_SETTLED_JS = ("() => !!document.querySelector('[data-testid=\"stMain\"] h1') && "
               "!document.querySelector('[data-testid=\"stStatusWidget\"]') && "
               "!document.querySelector('[data-stale=\"true\"]')")


def rss_kib(pid: int) -> tuple[int, int]:
    """(VmRSS, VmHWM) of a process in KiB: its resident memory now and at its peak."""
    fields = {}
    for line in pathlib.Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            fields[key] = int(value.split()[0])
    return fields["VmRSS"], fields["VmHWM"]


def measure_sessions(path: str, sessions: int, port: int, rounds: int = 1) -> dict[str, float]:
    """Start the dashboard on ``path`` and let ``sessions`` headless Chromium sessions open every
    analysis page at once (filtered: one region and three years, and unfiltered; ``rounds``
    times), waiting for each page to finish drawing. Returns the app process's resident memory
    (MiB) before the first session and at its peak (VmHWM), and the page views' wall times (ms)."""
    import asyncio
    import shutil
    import subprocess
    import urllib.parse
    import urllib.request

    from playwright.async_api import async_playwright

    chromium = os.environ.get("PERFEVAL_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    _, regions, ymax = _sample(path)
    base = f"http://127.0.0.1:{port}"
    rnd = random.Random(3)
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port), "--server.headless", "true",
         "--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false"],
        cwd=REPO_ROOT, env=dict(os.environ, PERFEVAL_DB=os.path.abspath(path)),
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    views: list[float] = []
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                urllib.request.urlopen(base + "/_stcore/health", timeout=2)
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError("the dashboard did not start")
                time.sleep(0.3)
        start_rss, _ = rss_kib(proc.pid)

        async def session(browser, n: int) -> None:
            context = await browser.new_context(viewport={"width": 1500, "height": 1000}, locale="zh-CN")
            page = await context.new_page()
            for _ in range(rounds):
                for name, page_path in PAGE_PATHS.items():
                    for query in ({"region": rnd.choice(regions), "years": [ymax - 2, ymax]}, {}):
                        t0 = time.perf_counter()
                        await page.goto(base + page_path + "?" + urllib.parse.urlencode(query, doseq=True))
                        await page.wait_for_function(_SETTLED_JS, timeout=300_000)
                        if await page.locator('[data-testid="stException"]').count():
                            raise RuntimeError(f"session {n}: {name} {query} raised an exception")
                        views.append((time.perf_counter() - t0) * 1000)
            await context.close()

        async def run_all() -> None:
            async with async_playwright() as p:
                browser = await p.chromium.launch(executable_path=chromium,
                                                  args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"])
                await asyncio.gather(*(session(browser, n) for n in range(sessions)))
                await browser.close()

        asyncio.run(run_all())
        _, peak = rss_kib(proc.pid)
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    return {"start_rss_mib": start_rss / 1024, "peak_rss_mib": peak / 1024, "views": len(views),
            "view_p50_ms": statistics.median(views), "view_p95_ms": pct(views, 0.95)}


def pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, max(0, round(q * (len(s) - 1))))]


def _migrate(path: str) -> None:
    """Bring an existing benchmark database up to date: new columns and tables of the schema,
    new rollups (what any write through perfeval.store.writer does)."""
    with store.writer(path) as con:
        con.execute("CHECKPOINT")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m perfeval bench",
                                 description="Generate a SYNTHETIC database once and time every page's queries "
                                             "and full reruns.")
    ap.add_argument("--evaluations", type=int, default=1_000_000)
    ap.add_argument("--db", help="benchmark database (default data/bench/synthetic_<N>.duckdb)")
    ap.add_argument("--repeat", type=int, default=30,
                    help="query runs per page and scenario (default 30; 0 skips them)")
    ap.add_argument("--rerun-repeat", type=int, default=10,
                    help="full page reruns per page and scenario (default 10; 0 skips them)")
    ap.add_argument("--regenerate", action="store_true", help="rebuild the synthetic database")
    ap.add_argument("--sessions", type=int, default=0,
                    help="instead of timing: start the dashboard and let N headless Chromium sessions open every "
                         "page at once; prints the app process's peak resident memory")
    ap.add_argument("--port", type=int, default=8599, help="the dashboard's port for --sessions (default 8599)")
    args = ap.parse_args(argv)
    path = args.db or f"data/bench/synthetic_{args.evaluations}.duckdb"
    fresh = args.regenerate or not os.path.exists(path)
    if not fresh:
        con = duckdb.connect(path, read_only=True)
        try:
            row = con.execute("SELECT value FROM meta WHERE key = 'synthetic'").fetchone()
            version = con.execute("SELECT value FROM meta WHERE key = 'rollups_version'").fetchone()
        except duckdb.Error:
            row = version = None
        finally:
            con.close()
        fresh = row is None or row[0] != str(args.evaluations)
        if not fresh:
            if version is None or version[0] != rollups.ROLLUPS_VERSION:
                print(f"updating the rollups of {path} …", file=sys.stderr)
            _migrate(path)
    if fresh:
        t0 = time.perf_counter()
        print(f"generating SYNTHETIC database {path} with {args.evaluations:,} evaluations …", file=sys.stderr)
        generate(path, args.evaluations, progress=lambda message: print("  " + message, file=sys.stderr, flush=True))
        print(f"generated in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    if args.sessions > 0:
        m = measure_sessions(path, args.sessions, args.port)
        print(f"sessions={args.sessions} page_views={m['views']} view_p50_ms={m['view_p50_ms']:.0f} "
              f"view_p95_ms={m['view_p95_ms']:.0f}", flush=True)
        print(f"app_start_rss_mib={m['start_rss_mib']:.0f} app_peak_rss_mib={m['peak_rss_mib']:.0f}", flush=True)
        return 0
    measure(path, 2)  # warm the OS page cache
    if args.repeat > 0:
        report(measure(path, args.repeat), "", ".1f")
    if args.rerun_repeat > 0:
        report(measure_reruns(path, args.rerun_repeat), "rerun_", ".0f")
    return 0


def report(times: dict[str, list[float]], prefix: str, fmt: str) -> None:
    """One line per page (`<page> <prefix>p50_ms=… <prefix>p95_ms=…`), then the worst p95."""
    worst = 0.0
    for page, ts in times.items():
        p95 = pct(ts, 0.95)
        worst = max(worst, p95)
        print(f"{page} {prefix}p50_ms={statistics.median(ts):{fmt}} {prefix}p95_ms={p95:{fmt}}", flush=True)
    print(f"max_{prefix}p95_ms={worst:{fmt}}", flush=True)


if __name__ == "__main__":
    sys.exit(main())
