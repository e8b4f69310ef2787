"""Documents written for the tests in the seeds' genres — other provinces, years, encodings
(GB18030, UTF-16), layouts and wordings — scored against their own hand-made truth with the same
scorer as the seeds. The extractors were not allowed to name anything in them."""
from __future__ import annotations

import json
import subprocess
import sys

from conftest import FIXTURES, ROOT


def run_scorer(tmp_path, truth: str, folder: str) -> tuple[dict, str]:
    out = tmp_path / "score.json"
    result = subprocess.run(
        [sys.executable, "tests/extract_score.py", "--truth", str(FIXTURES / truth),
         "--docs-root", str(FIXTURES / folder), "--json-out", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=600)
    return json.loads(out.read_text(encoding="utf-8")), result.stdout


def test_unseen_genre_documents_match_their_truth(tmp_path):
    score, stdout = run_scorer(tmp_path, "general_truth.json", "general")
    assert score["ingest_exit"] == 0, stdout
    assert score["evals_found"] == score["evals_n"] == 17 and score["extra"] == 0, stdout
    assert score["fields"] == 1.0, stdout
    assert score["problems"] == 1.0, stdout
    assert score["categories"] >= 0.95, stdout
    assert score["conflicts"] == 1.0, stdout


def test_second_batch_written_apart_from_the_code(tmp_path):
    """tests/fixtures/holdout: ten documents written without sight of the extractors (county and
    provincial units, 亿元, 权重 columns, titles over two lines, results lists, GB18030). Before the
    extractors were corrected against it they found 9 of its 18 evaluations."""
    score, stdout = run_scorer(tmp_path, "holdout_truth.json", "holdout")
    assert score["ingest_exit"] == 0, stdout
    assert score["evals_found"] == score["evals_n"] == 18 and score["extra"] == 0, stdout
    assert score["fields"] == 1.0, stdout
    assert score["problems"] == 1.0 and score["conflicts"] == 1.0, stdout


def test_third_batch_in_word_excel_and_pdf(tmp_path):
    """tests/fixtures/holdout2: ten .docx/.xlsx/.pdf documents written without sight of the
    extractors (merged form cells, titles in a sheet's first row, units merged down a list, a list
    of projects inside a department report, a report across PDF pages). Before the extractors were
    corrected against it they found 11 of its 28 evaluations and 0.784 of its fields. The one field
    still missed is a deliberate conflict: the report states 93.21% first, its figures give 92.10%
    (kept as stated, with a rate_mismatch check)."""
    score, stdout = run_scorer(tmp_path, "holdout2_truth.json", "holdout2")
    assert score["ingest_exit"] == 0, stdout
    assert score["evals_found"] == score["evals_n"] == 28 and score["extra"] == 0, stdout
    assert score["fields"] >= 349 / 350, stdout
    assert score["problems"] == 1.0 and score["conflicts"] == 1.0, stdout


def test_fourth_batch_of_other_layouts(tmp_path):
    """tests/fixtures/holdout3: ten more documents written without sight of the extractors (GB18030
    and UTF-16 text, a department self-assessment form, a basic-information table, a nested
    indicator table, one results sheet per year, a results table across two PDF pages, a report
    of two projects). On first sight: 30 of 35 evaluations, one extra, fields 0.915. Still missed:
    the conflicting spending of the two-project report, where the overview table (a form, kept)
    disagrees with the section's text (a check says so)."""
    score, stdout = run_scorer(tmp_path, "holdout3_truth.json", "holdout3")
    assert score["ingest_exit"] == 0, stdout
    assert score["evals_found"] == score["evals_n"] == 35 and score["extra"] == 0, stdout
    assert score["fields"] >= 349 / 350, stdout
    assert score["problems"] == 1.0 and score["conflicts"] == 1.0, stdout


def test_fifth_batch_of_other_layouts(tmp_path):
    """tests/fixtures/holdout4: ten more documents written without sight of the extractors (one
    自评表 per sheet, 亿元 and full-width digits, a Word results table with a two-row header, an
    indicator table after its form across a PDF page break, a page-framed 'scanned' PDF, 其中 rows
    under a project, a year-on-year table). On first sight: 20 of 21 evaluations (one file
    refused), two extra, fields 0.866. Still missed: an initial budget stated only in a 备注 cell."""
    score, stdout = run_scorer(tmp_path, "holdout4_truth.json", "holdout4")
    assert score["ingest_exit"] == 0, stdout
    assert score["evals_found"] == score["evals_n"] == 21 and score["extra"] == 0, stdout
    assert score["fields"] >= 218 / 219, stdout
    assert score["problems"] == 1.0 and score["conflicts"] == 1.0, stdout


def test_sixth_batch_of_other_layouts(tmp_path):
    """tests/fixtures/holdout5: eight more documents written without sight of the extractors (labels
    merged over two columns, a header under a title block, a page-spanning indicator table, a
    GB18030 department report, investment wordings, monthly rates under a two-row header, score and
    grade in one cell, a department's budget table with 合计 first). On first sight: 20 of 21
    evaluations, four extra, fields 0.595. Still missed: the unit of a report that names only its
    project (and so its region)."""
    score, stdout = run_scorer(tmp_path, "holdout5_truth.json", "holdout5")
    assert score["ingest_exit"] == 0, stdout
    assert score["evals_found"] == score["evals_n"] == 21 and score["extra"] == 0, stdout
    assert score["fields"] >= 274 / 276, stdout
    assert score["problems"] == 1.0, stdout
