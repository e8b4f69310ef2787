"""Documents written for the tests in the seeds' genres — other provinces, years, encodings
(GB18030, UTF-16), layouts and wordings — scored against their own hand-made truth with the same
scorer as the seeds. The extractors were not allowed to name anything in them."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

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


# Batches of .docx/.xlsx/.pdf/.txt documents written without sight of the extractors
# (tests/fixtures/make_holdout*.py), each with what its first run found and what is still missed:
# - holdout2: merged form cells, titles in a sheet's first row, units merged down a list, a list of
#   projects inside a department report, a report across PDF pages. First run: 11 of 28
#   evaluations, fields 0.784. Still missed: a deliberate conflict (93.21% stated first, the figures
#   give 92.10%: kept as stated, with a rate_mismatch check).
# - holdout3: GB18030 and UTF-16 text, a department self-assessment form, a basic-information
#   table, a nested indicator table, one results sheet per year, a results table across two PDF
#   pages, a report of two projects. First run: 30 of 35, one extra, fields 0.915. Still missed:
#   the two-project report's overview table (a form, kept) disagreeing with its text (a check).
# - holdout4: one 自评表 per sheet, 亿元 and full-width digits, a Word results table with a two-row
#   header, an indicator table after its form across a PDF page break, a page-framed 'scanned' PDF,
#   其中 rows under a project, a year-on-year table. First run: 20 of 21 (one file refused), two
#   extra, fields 0.866. Still missed: an initial budget stated only in a 备注 cell.
# - holdout5: labels merged over two columns, a header under a title block, a page-spanning
#   indicator table, a GB18030 department report, investment wordings, monthly rates under a
#   two-row header, score and grade in one cell, a department's budget table with 合计 first. First
#   run: 20 of 21, four extra, fields 0.595. Still missed: the unit (and so the region) of a report
#   that names only its project.
UNSEEN_BATCHES = [  # folder, evaluations, fields at least, has a deliberate conflict
    ("holdout2", 28, 349 / 350, True),
    ("holdout3", 35, 349 / 350, True),
    ("holdout4", 21, 218 / 219, True),
    ("holdout5", 21, 275 / 276, False),
]


# holdout6: 32 documents in the formats portals publish (.doc/.wps/.xls/.et, GBK portal pages and an
# .mht, scanned PDFs and a photo read by OCR, a .zip of GBK-named members) besides .docx/.xlsx/.pdf/
# .txt. First sight: fields 0.933 (816/875), 90 of 107 evaluations, one extra, problems 42/45,
# categories 37/42, conflicts 3/3 — the five evaluations of the .zip counted missing only because
# the scorer looks documents up by the archive's name (its members are documents of their own, read
# exactly right: test below). After correcting the vocabulary and the period reader by kind: fields
# 0.984 (905/920), 95 of 107. Still missed: a results sheet comparing two years' columns, a department
# report's dimension scores in one sentence, suggestions counted in prose, a two-project 信息表 in
# label lines, a department evaluation of a GB18030 report taken for a project.
def test_batch_in_the_published_formats(tmp_path):
    score, stdout = run_scorer(tmp_path, "holdout6_truth.json", "holdout6")
    assert score["evals_found"] >= 99 and score["extra"] <= 1, stdout
    assert score["fields"] >= 0.99, stdout
    assert score["problems"] >= 42 / 45 and score["conflicts"] == 1.0, stdout


# holdout7: 32 documents in every published format, written to exercise what a set of 14 unseen
# documents showed wrong (元 under 万元 captions, project sections and one-line summaries inside
# department reports, other wordings, score and grade in one cell, quarterly progress, sums of parts,
# Chinese numerals, short prefecture names). First sight, after the general mechanisms for those
# kinds and before any change for it: fields 0.908 (505/556), 54 of 71 evaluations, 2 extra,
# problems 41/49, categories 37/41, conflicts 1/2. After fixing by kind (a score reader, 项目/自评分
# columns, space-aligned text tables, a progress table after a form, lists of projects in one
# paragraph, per-figure reconciliation, dates as weak year evidence, sums per source): below.
# Still missed: a department's score and findings given in small per-project tables, the department
# rows of a workbook's second sheet, a 合计 row of a 万元 table filled in 元 (flagged only by rate),
# dimension scores after their full marks ("决策指标20分，得16分").
def test_batch_exercising_what_unseen_documents_showed(tmp_path):
    score, stdout = run_scorer(tmp_path, "holdout7_truth.json", "holdout7")
    assert score["evals_found"] == 71 and score["extra"] == 0, stdout
    assert score["fields"] >= 0.99, stdout
    assert score["problems"] == 1.0 and score["conflicts"] == 1.0, stdout


# holdout8: 36 documents in every published format (.wps/.et, a .mht page, a scan, a photo and a zip
# of GBK-named members too), 100 evaluations, scored once after the variation generator's kinds were
# fixed and before any change for it: fields 0.956 (796/833), 82 of 100 evaluations, 1 extra,
# problems 47/54, categories 35/47, conflicts 3/4. After fixing by kind (department rows named 部门名称,
# a list's lead and unnamed listed projects, the next item ending a section, label | value money in
# forms, sentences in result cells, points before a dimension's score, periods after the first in a
# sentence and a month row's cumulative rates, 部门整体支出 as a table's whole):
# below. The scorer finds a zip's members by their names in the archive, not by the zip's: its 5
# evaluations are checked apart (test below). Still missed: problems given only as 偏差原因 (the seeds'
# truth counts none of those), categories of 12 problems, a unit named
# only inside a sentence, a stated rate that disagrees with the figures.
def test_batch_scored_after_the_variation_generator(tmp_path):
    score, stdout = run_scorer(tmp_path, "holdout8_truth.json", "holdout8")
    assert score["evals_found"] >= 95 and score["extra"] == 0, stdout
    assert score["fields"] >= 0.99, stdout
    assert score["problems"] >= 47 / 54 and score["conflicts"] == 1.0, stdout


# holdout9: 33 documents in every published format, 84 evaluations, scored once after holdout8's
# fixes and before any change for it: fields 0.886 (574/648), 65 of 84 evaluations, 3 extra,
# problems 39/45, categories 27/39, conflicts 3/3. After fixing by kind (a list's bare 预算/支出
# columns, this year's funds columns and never last year's, a numbered list of quoted projects with
# their results, 评价等级优秀 without 为): below. Still missed: a table whose rows are the department
# and its projects under 评价对象, project rows of a PDF department report, sub-projects of a programme.
def test_batch_scored_after_holdout8s_fixes(tmp_path):
    score, stdout = run_scorer(tmp_path, "holdout9_truth.json", "holdout9")
    assert score["evals_found"] >= 81 and score["extra"] <= 1, stdout
    assert score["fields"] >= 0.96, stdout
    assert score["problems"] >= 38 / 45 and score["conflicts"] == 1.0, stdout


# holdout10: 33 documents in every published format (a photo and a zip too), 93 evaluations (4 of
# them in the zip, which the scorer cannot see), scored once after holdout9's fixes and before any
# change for it: fields 0.918 (737/803), 79 of 93, 6 extra, problems 32/37, categories 29/32,
# conflicts 4/4. After fixing by kind (progress sheets read through the period reader and the list
# vocabulary with 序时进度 as a benchmark row, one column of weight and score, a result label before
# a bare 得分, sections of a results notice, budget disclosures and target declarations as no
# evaluation, summaries outside any report, 自评发现 opening problems): below. Still missed: the
# zip's 4, a stated rate kept against the figures (flagged), a unit named only as 县水利局.
def test_batch_scored_after_holdout9s_fixes(tmp_path):
    score, stdout = run_scorer(tmp_path, "holdout10_truth.json", "holdout10")
    assert score["evals_found"] >= 89 and score["extra"] == 0, stdout
    assert score["fields"] >= 0.97, stdout
    assert score["problems"] >= 38 / 41 and score["conflicts"] == 1.0, stdout


# holdout11: 34 documents in every published format (.wps/.et, a scan, a photo), 90 evaluations,
# scored once after holdout10's fixes and before any change for it: fields 0.917 (811/884), 85 of
# 90, 4 extra, problems 44/49, categories 42/44, conflicts 5/5. After fixing by kind (千元 in the one
# money-unit vocabulary, label synonyms, comparison sentences of an earlier year, two-line titles,
# summaries after a connective or an item number, 标签：值 lines through the vocabulary): below.
# Still missed: units the documents never name (their truth infers them), problems in a PDF table
# of 问题 | 具体表现, a form split over two sheets.
def test_batch_scored_after_holdout10s_fixes(tmp_path):
    score, stdout = run_scorer(tmp_path, "holdout11_truth.json", "holdout11")
    assert score["evals_found"] >= 89 and score["extra"] == 0, stdout
    assert score["fields"] >= 0.97, stdout
    assert score["problems"] >= 47 / 50 and score["conflicts"] == 1.0, stdout


# holdout12: 38 documents in every published format (.mht, a scan, two photos, a zip whose cover letter
# is no evaluation), 99 evaluations (3 of them in the zip, which the scorer cannot see), written by two
# colleagues half each; scored once after holdout11's fixes and before any change for it: fields 0.960
# (836/871), 87 of 99, 2 extra, problems 64/67, categories 59/64, conflicts 5/5. After fixing by kind
# (a bracketed aside inside a label, a period's rate and amount columns, a paragraph of a unit's figures
# going on to a project's, headings run into their first paragraph, a department report going on after
# its projects' forms, parts named by a label word, a value a row above its label, short prefecture
# names, figures out of the evaluation's scope, a recap along its first row): below. Still missed: three
# stated rates that disagree with the figures (kept, flagged: this truth keeps the computed rate),
# categories of 5 problems.
def test_batch_scored_after_holdout11s_fixes(tmp_path):
    score, stdout = run_scorer(tmp_path, "holdout12_truth.json", "holdout12")
    assert score["evals_found"] >= 96 and score["extra"] == 0, stdout
    assert score["fields"] >= 0.99, stdout
    assert score["problems"] == 1.0 and score["conflicts"] == 1.0, stdout


def test_the_split_batchs_truth_is_its_halves_together():
    halves = [json.loads((FIXTURES / f"holdout12{h}_truth.json").read_text(encoding="utf-8")) for h in "ab"]
    whole = json.loads((FIXTURES / "holdout12_truth.json").read_text(encoding="utf-8"))
    assert whole["documents"] == halves[0]["documents"] + halves[1]["documents"]


# holdout13: 36 documents in every published format (a colour scan with a seal, a photo, .mht/.wps/.et, a
# zip with a cover letter and a Thumbs.db), 98 evaluations (3 in the zip), two colleagues half each;
# scored once after holdout12's fixes and before any change for it: fields 0.950 (722/760), 78 of 98,
# 4 extra, problems 92/94, categories 80/92, conflicts 2/5. After fixing by kind (progress sheets laid
# sideways, circulars whose project sections are the evaluations, notices that are none, funds grids
# of parts without a whole, a column's own unit under a caption's, recap and dimension wordings, a form
# typed as lines, a 分值/得分 column's total, a paragraph of other projects after a section): below.
# Still missed: a progress circular told period by period (projects inside each quarter's paragraph),
# a department's evaluation inside a 决算公开 text, an 扣分-only indicator table, conflicts between two
# mentions of one figure.
def test_batch_scored_after_holdout12s_fixes(tmp_path):
    score, stdout = run_scorer(tmp_path, "holdout13_truth.json", "holdout13")
    assert score["evals_found"] >= 91 and score["extra"] == 0, stdout
    assert score["fields"] >= 0.99, stdout
    assert score["problems"] >= 92 / 94 and score["conflicts"] >= 3 / 5, stdout


def test_the_second_split_batchs_truth_is_its_halves_together():
    halves = [json.loads((FIXTURES / f"holdout13{h}_truth.json").read_text(encoding="utf-8")) for h in "ab"]
    whole = json.loads((FIXTURES / "holdout13_truth.json").read_text(encoding="utf-8"))
    assert whole["documents"] == halves[0]["documents"] + halves[1]["documents"]


@pytest.mark.parametrize("batch, refused", [("holdout6", 0), ("holdout8", 0), ("holdout10", 0), ("holdout12", 1),
                                            ("holdout13", 1)])
def test_archive_members_of_the_published_batch_read_exactly(tmp_path, batch, refused):
    truth = json.loads((FIXTURES / f"{batch}_truth.json").read_text(encoding="utf-8"))
    entry = next(d for d in truth["documents"] if d["file"].endswith(".zip"))
    db = tmp_path / "zip.duckdb"
    run = subprocess.run([sys.executable, "-m", "perfeval", "ingest", str(FIXTURES / batch / entry["file"]),
                          "--db", str(db)], cwd=ROOT, capture_output=True, text=True, timeout=600)
    # a member that is no evaluation (holdout12's cover letter 报送说明.txt) is refused on its own line
    assert run.returncode == (1 if refused else 0) and run.stderr.count("ERROR") == refused, run.stderr
    import duckdb
    with duckdb.connect(str(db), read_only=True) as con:
        got = {r[0]: r[1:] for r in con.execute(
            "SELECT project, year, budget_yuan, spent_yuan, execution_rate, score, grade FROM evaluations").fetchall()}
        members = {r[0] for r in con.execute("SELECT file_name FROM documents").fetchall()}
    assert len(members) == 3 and all(not m.endswith(".zip") for m in members)
    assert set(got) == {t["project"] for t in entry["evaluations"]}
    for t in entry["evaluations"]:
        year, budget, spent, rate, score, grade = got[t["project"]]
        assert year == t["year"] and budget == pytest.approx(t["budget_yuan"]) and spent == pytest.approx(t["spent_yuan"])
        assert rate == pytest.approx(t["execution_rate"], abs=6e-4) and score == t["score"] and grade == t["grade"]


@pytest.mark.parametrize("folder,evaluations,fields,conflicts", UNSEEN_BATCHES)
def test_batches_written_apart_from_the_code(tmp_path, folder, evaluations, fields, conflicts):
    score, stdout = run_scorer(tmp_path, f"{folder}_truth.json", folder)
    assert score["ingest_exit"] == 0, stdout
    assert score["evals_found"] == score["evals_n"] == evaluations and score["extra"] == 0, stdout
    assert score["fields"] >= fields, stdout
    assert score["problems"] == 1.0, stdout
    if conflicts:
        assert score["conflicts"] == 1.0, stdout
