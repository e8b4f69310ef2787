"""Shared fixtures: the real CLI run on the bundled samples into a temporary DuckDB file."""
from __future__ import annotations

import os
import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "data" / "samples"
FIXTURES = ROOT / "tests" / "fixtures"


def run_cli(*args: str, env: dict | None = None, timeout: int = 300, input: str | None = None
            ) -> subprocess.CompletedProcess:
    """`python -m perfeval …` from the repository root, as a user runs it (``input``: its stdin)."""
    return subprocess.run([sys.executable, "-m", "perfeval", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=timeout, env={**os.environ, **(env or {})}, input=input)


@pytest.fixture(scope="session")
def sample_db(tmp_path_factory) -> pathlib.Path:
    db = tmp_path_factory.mktemp("samples") / "samples.duckdb"
    result = run_cli("ingest", str(SAMPLES), "--db", str(db))
    assert result.returncode == 0, result.stderr
    return db


@pytest.fixture(scope="session")
def volume_db(tmp_path_factory) -> pathlib.Path:
    """≥150 evaluations from ≥25 units over ≥5 years: the samples and every fixture batch."""
    from conftest_app import build_volume_db
    return build_volume_db(tmp_path_factory.mktemp("volume") / "volume.duckdb")
