"""The briefing pack (perfeval.app.briefing, `python -m perfeval briefing`): the HTML, the Excel
workbook read back with openpyxl, the CSV tables, the year-over-year comparison, hostile text.

Expected figures come from the database the real CLI built (plain SQL in the test), or from the
hand-checked truth of the samples, never from the code under test."""
from __future__ import annotations

import csv
import io
import pathlib
import re

import duckdb
import openpyxl
import pytest

from perfeval.app import briefing, dbread

from conftest import FIXTURES, run_cli

HOSTILE_PROJECT = "食品安全抽检<script>window.__pwned=1</script>监测经费"
HOSTILE_PROBLEM = '=HYPERLINK("http://example.invalid/","点击")不合格食品跨区域核查处置周期长。'


def sql(db: pathlib.Path, query: str, *params):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(query, list(params)).fetchall()
    finally:
        con.close()


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory) -> pathlib.Path:
    """A real self-assessment whose project name carries HTML and whose first problem starts with
    a spreadsheet formula, ingested by the CLI."""
    folder = tmp_path_factory.mktemp("hostile")
    text = (FIXTURES / "general" / "g03_self_assessment_henan_zhengzhou_2023.txt").read_text(encoding="utf-8")
    assert "食品安全抽检监测经费" in text and "1.不合格食品跨区域核查处置周期长。" in text
    text = text.replace("食品安全抽检监测经费", HOSTILE_PROJECT).replace(
        "1.不合格食品跨区域核查处置周期长。", "1." + HOSTILE_PROBLEM)
    (folder / "hostile.txt").write_text(text, encoding="utf-8")
    db = folder / "hostile.duckdb"
    result = run_cli("ingest", str(folder / "hostile.txt"), "--db", str(db))
    assert result.returncode == 0, result.stderr
    return db


# ---- HTML ---------------------------------------------------------------------------------------

def test_html_is_self_contained_with_every_section(sample_db):
    page = briefing.html_bytes(str(sample_db), dbread.Filters()).decode("utf-8")
    # plotly.js inlined, nothing fetched from elsewhere
    assert "Plotly" in page and len(page) > 3_000_000
    assert not re.search(r"<script[^>]+src=", page)
    assert not re.search(r"""<link[^>]+href=["']https?:""", page)
    assert page.count('class="plotly-graph-div"') == 4
    for heading in ("一、总体情况", "二、分析", "1. 预算执行", "2. 支出进度", "3. 评分分布", "4. 问题归类",
                    "三、重点关注", "执行率最低的评价", "支出进度滞后于序时进度最多的评价", "得分最低的评价",
                    "屡次出现的问题类别", "四、同一项目跨年度对比", "五、数据质量"):
        assert heading in page, heading
    assert "@page { size: A4" in page and "@media print" in page
    assert "Noto Sans CJK SC" in page


def test_html_figures_come_from_the_database(sample_db):
    page = briefing.html_bytes(str(sample_db), dbread.Filters()).decode("utf-8")
    n, lowest = sql(sample_db, "SELECT count(*), min(execution_rate) FROM evaluations")[0]
    assert f'<div class="value">{n}</div>' in page
    assert f"{lowest * 100:.2f}%" in page
    assert "34.16%" in page  # the samples' lowest execution rate (hand-checked truth)
    n_checks = sql(sample_db, "SELECT count(*) FROM checks")[0][0]
    assert f"共发现 {n_checks} 条数据质量提示" in page
    # every top-issue row names its evaluation, so each figure can be traced in 评价明细
    lowest_id = sql(sample_db, "SELECT eval_id FROM evaluations ORDER BY execution_rate NULLS LAST LIMIT 1")[0][0]
    assert lowest_id in page


def test_html_follows_the_filters(sample_db):
    unit, year = sql(sample_db, "SELECT unit, year FROM evaluations WHERE scope = 'department' AND year = 2021")[0]
    f = dbread.Filters(units=(unit,), year_from=2021, year_to=2021, scope="department")
    page = briefing.html_bytes(str(sample_db), f).decode("utf-8")
    assert f"单位：{unit}" in page and "年度：2021–2021" in page and "评价范围：部门整体支出" in page
    assert '<div class="value">1</div>' in page  # one evaluation
    assert "93.21" in page  # its score (hand-checked truth)
    others = sql(sample_db, "SELECT DISTINCT unit FROM evaluations WHERE unit <> ?", unit)
    for (other,) in others:
        assert other not in page


def test_html_when_the_filter_matches_nothing(sample_db):
    page = briefing.html_bytes(str(sample_db), dbread.Filters(units=("没有这个单位",))).decode("utf-8")
    assert "当前筛选条件下没有评价" in page
    assert 'class="plotly-graph-div"' not in page


def test_html_escapes_document_text(hostile_db):
    page = briefing.html_bytes(str(hostile_db), dbread.Filters()).decode("utf-8")
    assert sql(hostile_db, "SELECT count(*) FROM evaluations WHERE project = ?", HOSTILE_PROJECT)[0][0] == 1
    assert "<script>window.__pwned" not in page  # neither in the tables nor inside the chart data
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in page


# ---- Excel --------------------------------------------------------------------------------------

def read_sheet(book, name: str) -> list[dict]:
    rows = list(book[name].iter_rows(values_only=True))
    return [dict(zip(rows[0], r)) for r in rows[1:]]


def test_workbook_sheets_values_and_formats(sample_db, tmp_path):
    path = tmp_path / "pack.xlsx"
    path.write_bytes(briefing.workbook_bytes(str(sample_db), dbread.Filters()))
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["说明", "评价", "绩效指标", "问题与建议", "数据质量", "支出进度"]
    for name in book.sheetnames[1:]:
        assert book[name].freeze_panes == "A2", name
        assert book[name].auto_filter.ref, name
    evals = read_sheet(book, "评价")
    db_rows = sql(sample_db, "SELECT eval_id, budget_yuan, spent_yuan, execution_rate, score FROM evaluations")
    assert len(evals) == len(db_rows)
    by_id = {r["评价编号"]: r for r in evals}
    for eval_id, budget, spent, rate, score in db_rows:
        row = by_id[eval_id]
        assert row["全年预算数（元）"] == budget and row["全年执行数（元）"] == spent
        assert row["预算执行率"] == rate and row["总得分"] == score
    sheet = book["评价"]
    header = [c.value for c in sheet[1]]
    budget_col = header.index("全年预算数（元）") + 1
    rate_col = header.index("预算执行率") + 1
    filled = next(i for i, r in enumerate(evals, start=2) if r["全年预算数（元）"] is not None)
    assert sheet.cell(filled, budget_col).number_format == "#,##0.00"
    assert sheet.cell(filled, rate_col).number_format == "0.00%"
    for name, table in (("绩效指标", "indicators"), ("问题与建议", "findings"), ("数据质量", "checks"),
                        ("支出进度", "spending_progress")):
        assert len(read_sheet(book, name)) == sql(sample_db, f"SELECT count(*) FROM {table}")[0][0], name
    findings = read_sheet(book, "问题与建议")
    assert {r["类型"] for r in findings} <= {"问题", "建议", "整改"}
    assert all(r["来源文件"] and r["起始行"] for r in findings)  # each row traceable to its lines


def test_workbook_escapes_formulas(hostile_db, tmp_path):
    stored = sql(hostile_db, "SELECT text FROM findings WHERE starts_with(text, '=')")
    assert stored and stored[0][0].startswith("=HYPERLINK")  # the hostile statement was extracted as is
    path = tmp_path / "hostile.xlsx"
    path.write_bytes(briefing.workbook_bytes(str(hostile_db), dbread.Filters()))
    book = openpyxl.load_workbook(path)
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
    sheet = book["问题与建议"]
    cells = [c for row in sheet.iter_rows(min_row=2) for c in row if c.value == stored[0][0]]
    assert len(cells) == 1  # the text itself, unchanged …
    assert cells[0].data_type == "s" and cells[0].quotePrefix  # … stored as quoted text


def test_build_workbook_escapes_every_formula_start(tmp_path):
    import pandas as pd
    texts = ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "正常文字", "1-2"]
    frame = pd.DataFrame({"评价编号": [f"e{i}" for i in range(len(texts))], "单位": texts})
    frames = {"checks": frame.assign(年度=2021, 项目="x", 级别="警告", 检查项="y", 说明=texts, 来源文件="f.txt")}
    path = tmp_path / "t.xlsx"
    path.write_bytes(briefing.build_workbook(frames, dbread.Filters()))
    sheet = openpyxl.load_workbook(path)["数据质量"]
    header = [c.value for c in sheet[1]]
    col = header.index("说明") + 1
    for i, text in enumerate(texts, start=2):
        cell = sheet.cell(i, col)
        assert cell.value == text and cell.data_type == "s"
        assert bool(cell.quotePrefix) == text.startswith(briefing.FORMULA_START), text


def test_workbook_says_when_a_table_is_cut(sample_db, tmp_path):
    path = tmp_path / "cut.xlsx"
    path.write_bytes(briefing.workbook_bytes(str(sample_db), dbread.Filters(), limit=5))
    book = openpyxl.load_workbook(path)
    assert len(read_sheet(book, "评价")) == 5
    notes = " ".join(str(r["说明"]) for r in read_sheet(book, "说明"))
    assert "「评价」只含前 5 行" in notes and "请缩小筛选范围" in notes


# ---- CSV ----------------------------------------------------------------------------------------

def test_csv_is_utf8_with_bom_and_escaped(hostile_db):
    data = briefing.table_csv(str(hostile_db), dbread.Filters(), "findings")
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows and "原文表述" in rows[0]
    stored = sql(hostile_db, "SELECT text FROM findings WHERE starts_with(text, '=')")[0][0]
    texts = [r["原文表述"] for r in rows]
    assert "'" + stored in texts and stored not in texts
    assert not any(t.startswith(briefing.FORMULA_START) for r in rows for t in r.values())


def test_cli_writes_the_pack(sample_db, tmp_path):
    unit = sql(sample_db, "SELECT unit FROM evaluations WHERE scope = 'department' AND year = 2021")[0][0]
    result = run_cli("briefing", "--db", str(sample_db), "--unit", unit, "--html", str(tmp_path / "b.html"),
                     "--xlsx", str(tmp_path / "b.xlsx"), "--csv-dir", str(tmp_path / "csv"))
    assert result.returncode == 0, result.stderr
    assert f"单位：{unit}" in (tmp_path / "b.html").read_text(encoding="utf-8")
    n = sql(sample_db, "SELECT count(*) FROM evaluations WHERE unit = ?", unit)[0][0]
    assert len(read_sheet(openpyxl.load_workbook(tmp_path / "b.xlsx"), "评价")) == n
    assert sorted(p.name for p in (tmp_path / "csv").iterdir()) == sorted(f"{k}.csv" for k in briefing.EXPORTS)
    missing = run_cli("briefing", "--db", str(tmp_path / "none.duckdb"), "--html", str(tmp_path / "x.html"))
    assert missing.returncode == 1 and "no initialised database" in missing.stderr
    assert not (tmp_path / "x.html").exists()


# ---- year over year -----------------------------------------------------------------------------

def test_year_over_year_comparison(sample_db):
    rows = sql(sample_db, """
        SELECT eval_id, year, budget_yuan, execution_rate, score FROM evaluations
        WHERE project = '聘用人员工资及管理费用' ORDER BY year""")
    assert [r[1] for r in rows] == [2019, 2021]  # the example, as the truth has it
    evals, findings = briefing.history(str(sample_db), rows[1][0])
    assert evals["eval_id"].tolist() == [rows[0][0], rows[1][0]]
    cmp = briefing.compare_years(evals, findings)
    side = cmp.side_by_side.set_index("项目")
    assert list(side.columns) == ["2019年", "2021年", "变化（最新 − 最早）"]
    assert side.loc["全年预算数", "2019年"] == f"{rows[0][2] / 1e4:,.2f} 万元"
    assert side.loc["预算执行率", "2021年"] == f"{rows[1][3] * 100:.2f}%"
    assert side.loc["预算执行率", "变化（最新 − 最早）"] == f"{(rows[1][3] - rows[0][3]) * 100:+.2f} 个百分点"
    recurring_codes = sql(sample_db, """
        SELECT f.category FROM findings f JOIN evaluations e USING (eval_id)
        WHERE e.project = '聘用人员工资及管理费用' AND f.kind = 'problem'
        GROUP BY f.category HAVING count(DISTINCT e.year) >= 2""")
    labels = briefing.category_labels()
    assert recurring_codes
    assert sorted(cmp.recurring) == sorted(labels[c] for (c,) in recurring_codes)
    assert set(cmp.categories.loc[cmp.categories["屡次出现"] == "是", "问题类别"]) == set(cmp.recurring)
    n_problems = sql(sample_db, """SELECT count(*) FROM findings f JOIN evaluations e USING (eval_id)
                                   WHERE e.project = '聘用人员工资及管理费用' AND f.kind = 'problem'""")[0][0]
    assert len(cmp.statements) == n_problems


def test_year_over_year_matches_names_across_wordings(tmp_path):
    """2020年度…项目 and … are one project; another unit's project of the same name is not."""
    from perfeval.store import rollups
    from perfeval.store import writer as store
    db = tmp_path / "yoy.duckdb"
    con = duckdb.connect(str(db))
    store.ensure_schema(con)
    rows = [("a", "单位甲", 2020, "2020年度 道路养护项目"), ("b", "单位甲", 2021, "道路　养护"),
            ("c", "单位乙", 2021, "道路养护"), ("d", "单位甲", 2022, "道路养护工程")]
    con.execute("INSERT INTO documents (doc_id, file_name, sha256, file_format, ingested_at) "
                "VALUES ('d1', 'x.txt', 'h', 'txt', now())")
    for eval_id, unit, year, project in rows:
        con.execute("INSERT INTO evaluations (eval_id, doc_id, unit, year, project, scope) VALUES (?, 'd1', ?, ?, ?, 'project')",
                    [eval_id, unit, year, project])
    rollups.rebuild(con)
    con.close()
    evals, _ = briefing.history(str(db), "b")
    assert evals["eval_id"].tolist() == ["a", "b"]
    projects = dbread.run(str(db), "yoy_projects", {**dbread.Filters().params(), "q": None, "limit": 10})
    assert projects[["unit", "years", "newest_eval_id"]].values.tolist() == [["单位甲", "2020、2021", "b"]]
    found = dbread.run(str(db), "yoy_projects", {**dbread.Filters().params(), "q": "养护", "limit": 10})
    assert found["newest_eval_id"].tolist() == ["b"]
    assert dbread.run(str(db), "yoy_projects", {**dbread.Filters().params(), "q": "绿化", "limit": 10}).empty
    assert briefing.compare_years(*briefing.history(str(db), "c")) is None


def test_year_over_year_keeps_every_evaluation_of_a_year_apart():
    import pandas as pd
    evals = pd.DataFrame({
        "eval_id": ["a", "b", "c"], "year": [2020, 2021, 2021],
        "source_kind": ["self_assessment", "self_assessment", "self_assessment"],
        "budget_yuan": [100.0, 200.0, 300.0], "spent_yuan": [90.0, 180.0, None], "execution_rate": [0.9, 0.9, None],
        "score": [90.0, 80.0, 85.0], "grade": ["优", "良", None], "n_problems": [1, 0, 1], "file_name": ["x", "y", "z"]})
    findings = pd.DataFrame({"eval_id": ["a", "c"], "kind": ["problem", "problem"], "seq": [1, 1],
                             "text": ["资金到位慢", "资金到位慢"], "category": ["execution", "execution"],
                             "line_start": [1, 2], "line_end": [1, 2]})
    cmp = briefing.compare_years(evals, findings)
    assert list(cmp.side_by_side.columns)[1:4] == ["2020年", "2021年·绩效自评表", "2021年·绩效自评表（2）"]
    assert cmp.side_by_side.set_index("项目").loc["全年预算数", "2021年·绩效自评表（2）"] == "0.03 万元"
    assert cmp.recurring == [briefing.category_labels()["execution"]]  # 2020 and 2021
