"""Helpers for the dashboard tests (imported by tests/test_app_*.py and tests/test_browser_*.py).

Not a conftest: fixtures are defined in the test modules and call these functions.
"""
from __future__ import annotations

import json
import os
import pathlib
import subprocess
import sys

import duckdb
import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "data" / "samples"
TRUTH = ROOT / "tests" / "fixtures" / "seeds.json"
FIXTURES = ROOT / "tests" / "fixtures"
# Every report the repository holds, loaded together: the dashboard at the volume a manager meets
# (≈160 evaluations, 100+ units, 2018–2024) rather than one sample batch.
# Named, not every folder: a new batch is measured on first sight and its documents need not all
# load; holdout6 and later hold scans whose OCR would make the fixture slow (and holdout6 a document
# that is deliberately no evaluation, whose ingest exits 1).
VOLUME_SOURCES = [SAMPLES, *(FIXTURES / name for name in ("general", "holdout", "holdout2", "holdout3", "holdout4",
                                                          "holdout5", "holdout7", "written"))]
# Browser tests: Debian's chromium (PERFEVAL_CHROMIUM for another binary); screenshots inside the
# repository's ignored build folder, so a checkout keeps its own and nothing is written elsewhere.
CHROMIUM = os.environ.get("PERFEVAL_CHROMIUM", "/usr/bin/chromium")
SHOTS = ROOT / "build" / "screenshots"
SHOTS.mkdir(parents=True, exist_ok=True)  # every browser test may write one, in any order
PAGES = ["app.py", "pages/1_execution.py", "pages/2_progress.py", "pages/3_scores.py",
         "pages/4_problems.py", "pages/5_detail.py", "pages/7_briefing.py"]


def chromium_or_fail(path: str | None = None) -> str:
    """The Chromium binary for the browser tests; a clear failure (not a skip, not an import error
    that stops the whole run) when it is missing."""
    path = path or CHROMIUM
    if not os.path.exists(path):
        pytest.fail(f"Browser tests need Chromium at {path}, which is missing. On Debian/Ubuntu: "
                    "sudo apt-get install chromium fonts-noto-cjk (.ci/run does this), or set "
                    "PERFEVAL_CHROMIUM to the path of a Chromium binary.", pytrace=False)
    return path


def shots_dir() -> pathlib.Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    return SHOTS


def ingest(db: pathlib.Path, *paths: pathlib.Path) -> subprocess.CompletedProcess:
    """Run the real ingest CLI in another process."""
    return subprocess.run([sys.executable, "-m", "perfeval", "ingest", *map(str, paths), "--db", str(db)],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)


def ensure_rollups(db: pathlib.Path) -> None:
    """No-op once store calls perfeval.store.rollups.ensure itself; builds the rollups otherwise."""
    from perfeval.store import rollups
    con = duckdb.connect(str(db))
    try:
        rollups.ensure(con)
    finally:
        con.close()


def build_sample_db(db: pathlib.Path) -> pathlib.Path:
    res = ingest(db, SAMPLES)
    assert res.returncode == 0, res.stderr
    ensure_rollups(db)
    return db


def build_volume_db(db: pathlib.Path) -> pathlib.Path:
    """The samples and every fixture batch (general, holdout*, written), through the real ingest CLI."""
    res = ingest(db, *VOLUME_SOURCES)
    assert res.returncode == 0, res.stderr
    ensure_rollups(db)
    return db


def build_empty_db(db: pathlib.Path) -> pathlib.Path:
    from perfeval.store import rollups
    from perfeval.store import writer as store
    con = duckdb.connect(str(db))
    try:
        store.ensure_schema(con)
        rollups.ensure(con)
    finally:
        con.close()
    return db


def truth() -> dict:
    return json.loads(TRUTH.read_text(encoding="utf-8"))


def truth_evaluations() -> list[dict]:
    return [e for d in truth()["documents"] for e in d["evaluations"]]


def streamlit_env(db: pathlib.Path) -> dict:
    return dict(os.environ, PERFEVAL_DB=str(db))


def account_session(db: pathlib.Path, role: str = "admin", name: str | None = None, regions=(), units=()) -> str:
    """A session token of a real local account (created in ``db`` if missing; the password checked
    by perfeval.app.auth as on the sign-in form). AppTest runs the app in this process, so a test puts
    the token in ``at.session_state["perfeval_session"]`` as the sign-in form would."""
    from perfeval.app import auth
    from perfeval.store import roles
    name = name or f"test_{role}"
    password = f"pw-of-{name}-1234"
    if not any(u["name"] == name for u in auth.list_users(str(db))):
        auth.add_user(str(db), name, role, password, actor=roles.cli_principal(), regions=regions, units=units)
    return auth.start_session(auth.authenticate(str(db), name, password))
