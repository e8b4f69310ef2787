"""Documents written for the tests in the seeds' genres — other provinces, years, encodings
(GB18030, UTF-16), layouts and wordings — scored against their own hand-made truth with the same
scorer as the seeds. The extractors were not allowed to name anything in them."""
from __future__ import annotations

import json
import subprocess
import sys

from conftest import FIXTURES, ROOT


def test_unseen_genre_documents_match_their_truth(tmp_path):
    out = tmp_path / "score.json"
    result = subprocess.run(
        [sys.executable, "tests/extract_score.py", "--truth", str(FIXTURES / "general_truth.json"),
         "--docs-root", str(FIXTURES / "general"), "--json-out", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=600)
    score = json.loads(out.read_text(encoding="utf-8"))
    assert score["ingest_exit"] == 0, result.stdout
    assert score["evals_found"] == score["evals_n"] == 17 and score["extra"] == 0, result.stdout
    assert score["fields"] == 1.0, result.stdout
    assert score["problems"] == 1.0, result.stdout
    assert score["categories"] >= 0.95, result.stdout
    assert score["conflicts"] == 1.0, result.stdout
