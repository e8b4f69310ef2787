"""AppTest: every dashboard page on the sample data and on an empty database."""
from __future__ import annotations

import pathlib

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from perfeval.app import ui

from conftest_app import PAGES, ROOT, build_empty_db, build_sample_db, truth_evaluations


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory) -> pathlib.Path:
    return build_sample_db(tmp_path_factory.mktemp("app") / "samples.duckdb")


@pytest.fixture
def use_db(monkeypatch):
    def _use(db):
        monkeypatch.setenv("PERFEVAL_DB", str(db))
    return _use


def run_page(page: str, query: dict | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    for k, v in (query or {}).items():
        at.query_params[k] = v
    if page != "app.py":
        at.switch_page(page)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def all_text(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [i.value for i in at.info]
    return "\n".join(str(p) for p in parts)


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_on_samples(page, sample_db, use_db):
    use_db(sample_db)
    at = run_page(page)
    assert at.title[0].value  # the page drew its Chinese title
    assert not at.error


@pytest.mark.parametrize("page", PAGES)
def test_every_page_guides_on_empty_database(page, tmp_path, use_db):
    use_db(build_empty_db(tmp_path / "empty.duckdb"))
    at = run_page(page)
    assert "还没有任何评价" in all_text(at)
    assert "perfeval ingest" in "".join(c.value for c in at.code)


def test_missing_database_guides(tmp_path, use_db):
    use_db(tmp_path / "nope.duckdb")
    at = run_page("app.py")
    assert "尚未找到数据库文件" in all_text(at)
    assert not (tmp_path / "nope.duckdb").exists()  # the app never creates the database


def test_overview_key_figures(sample_db, use_db):
    use_db(sample_db)
    at = run_page("app.py")
    m = metrics(at)
    truth = truth_evaluations()
    assert m["评价项数"] == str(len(truth)) == "19"
    assert m["覆盖年度"] == "3 个"
    assert m["涉及单位"] == "4"
    low = at.dataframe[0].value
    # what was evaluated leads the alert table, a long name cut in the middle as everywhere
    assert low.iloc[0]["评价对象"] == ui.shorten("城指中心监管数据无线采集设备更新运行维护项目（体制）经费", ui.PROJECT_CHARS)
    assert round(float(low.iloc[0]["执行率"]), 2) == 34.16
    assert int(low.iloc[0]["年度"]) == 2021


def test_execution_page_lowest_rate_and_threshold(sample_db, use_db):
    use_db(sample_db)
    at = run_page("pages/1_execution.py")
    m = metrics(at)
    rates = [e["execution_rate"] for e in truth_evaluations() if e.get("execution_rate") is not None]
    assert m["有执行率的评价"] == str(len(rates))
    assert m["低于 90% 的评价"] == str(sum(r < 0.9 for r in rates))
    below = next(d.value for d in at.dataframe if "执行率" in d.value.columns and "得分" in d.value.columns)
    assert round(float(below.iloc[0]["执行率"]), 2) == 34.16
    assert f"{min(rates) * 100:.2f}%" == "34.16%"


def test_threshold_from_url(sample_db, use_db):
    use_db(sample_db)
    at = run_page("pages/1_execution.py", {"thr": "50"})
    assert metrics(at)["低于 50% 的评价"] == "2"  # 34.16% and 45.37%


def department_2021_id(db) -> str:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("SELECT eval_id FROM evaluations WHERE scope = 'department' AND year = 2021").fetchone()[0]
    finally:
        con.close()


def test_detail_department_2021_score(sample_db, use_db):
    use_db(sample_db)
    at = run_page("pages/5_detail.py", {"eval": department_2021_id(sample_db)})
    m = metrics(at)
    assert m["总得分"] == "93.21"
    assert m["预算执行率"] == "93.30%"
    fields = at.dataframe[0].value
    score_row = fields[fields["字段"] == "总得分"].iloc[0]
    assert score_row["数值"] == "93.21"
    assert "93.21" in score_row["原文片段"]  # traceable to the document text
    assert "002_701c19d1405d5246.txt" in score_row["出处"]


def test_scores_page_department_filter(sample_db, use_db):
    use_db(sample_db)
    at = run_page("pages/3_scores.py", {"scope": "部门整体支出", "years": ["2021", "2021"]})
    text = all_text(at)
    assert "共 1 项评价给出得分" in text, text


def test_years_in_filter_options(sample_db, use_db):
    use_db(sample_db)
    at = run_page("app.py")
    assert at.sidebar.slider[0].value == (2018, 2021)
    from perfeval.app import dbread
    opts = dbread.run(str(sample_db), "filter_options")
    assert set(opts["year_min"]) | set(opts["year_max"]) == {2018, 2019, 2021}


def test_no_rows_for_filter(sample_db, use_db):
    use_db(sample_db)
    at = run_page("pages/2_progress.py", {"region": "上海市"})
    assert "没有给出分月支出进度" in all_text(at)


def test_problems_repeat(sample_db, use_db):
    use_db(sample_db)
    at = run_page("pages/4_problems.py")
    m = metrics(at)
    truth = truth_evaluations()
    n_problems = sum(len(e.get("problems", [])) for e in truth)
    assert m["问题条数"] == str(n_problems)
    assert int(m["屡次出现（单位×类别）"]) >= 2  # goal_setting, satisfaction, execution in 2019 and 2021


def test_no_unsafe_html_with_document_text():
    for p in PAGES + ["perfeval/app/ui.py"]:
        assert "unsafe_allow_html" not in (ROOT / p).read_text(encoding="utf-8"), p


def test_pages_hold_no_sql():
    import re
    for p in PAGES:
        src = (ROOT / p).read_text(encoding="utf-8")
        assert not re.search(r"\b(SELECT|FROM|WHERE)\b", src), p
        assert "duckdb" not in src, p


def test_ingest_while_app_serves_then_new_data_shows(tmp_path, use_db):
    """An ingest in another process succeeds while the app is serving; the next rerun shows it."""
    import shutil

    from conftest_app import SAMPLES, ensure_rollups, ingest
    first = tmp_path / "first"
    first.mkdir()
    files = sorted(SAMPLES.glob("*.txt"))
    for f in files[:2]:
        shutil.copy(f, first)
    db = tmp_path / "live.duckdb"
    assert ingest(db, first).returncode == 0
    ensure_rollups(db)
    use_db(db)
    at = run_page("app.py")
    before = int(metrics(at)["评价项数"])
    res = ingest(db, *files[2:])  # the app has served; no connection may stay open
    assert res.returncode == 0, res.stderr
    ensure_rollups(db)
    at.run()
    assert not at.exception
    after = int(metrics(at)["评价项数"])
    assert before == 2 and after == 19



def test_reader_releases_lock_promptly(sample_db):
    """After the app queried, another process can open the file for writing within a second."""
    import subprocess
    import sys

    from perfeval.app import dbread
    assert not dbread.run(str(sample_db), "overview_kpis", dbread.Filters().params()).empty
    code = ("import duckdb, time; time.sleep(0.6); c = duckdb.connect(%r); "
            "c.execute(\"INSERT OR REPLACE INTO meta VALUES ('probe', '1')\"); c.close()" % str(sample_db))
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert res.returncode == 0, res.stderr  # no lock error: the lease closed the connection
    # and the reader sees the change on its next query (data version changed → reopened)
    df = dbread.run(str(sample_db), "data_status", {})
    assert int(df["n_evaluations"].iloc[0]) == 19


@pytest.mark.parametrize("page", PAGES)
def test_every_page_offers_the_briefing_pack(page, sample_db, use_db):
    use_db(sample_db)
    at = run_page(page)
    labels = [e.proto.label for e in at.sidebar.get("download_button")]
    assert labels == ["下载简报（HTML，可打印）", "下载数据表（Excel）"]


def test_detail_year_over_year_tab(sample_db, use_db):
    use_db(sample_db)
    con = duckdb.connect(str(sample_db), read_only=True)
    try:
        (newest,), = con.execute("SELECT eval_id FROM evaluations WHERE project = '聘用人员工资及管理费用' "
                                 "AND year = 2021").fetchall()
    finally:
        con.close()
    at = run_page("pages/5_detail.py", {"eval": newest})  # the first tab is open: other years are not read
    assert not any("变化（最新 − 最早）" in d.value.columns for d in at.dataframe)
    at = run_page("pages/5_detail.py", {"eval": newest, "tab": "历年对比"})
    side = next(d.value for d in at.dataframe if "变化（最新 − 最早）" in d.value.columns)
    assert list(side.columns)[1:3] == ["2019年", "2021年"]
    assert side.set_index("项目").loc["预算执行率", "2021年"] == "99.20%"  # hand-checked truth of the samples
    assert any("重复出现的问题类别" in m.value for m in at.markdown)
    # an evaluation without other years says so instead of an empty table
    lone = department_2021_id(sample_db)
    at = run_page("pages/5_detail.py", {"eval": lone, "tab": "历年对比"})
    assert "没有找到同一单位同一项目其他年度的评价" in all_text(at)


def test_briefing_page_asks_for_a_project_name_when_the_filter_is_large(sample_db, use_db, monkeypatch):
    from perfeval.app import briefing
    use_db(sample_db)
    monkeypatch.setattr(briefing, "YOY_LIST_ALL_BELOW", 5)  # the samples' 19 evaluations count as many
    at = run_page("pages/7_briefing.py")
    assert any("请输入项目名称中的文字" in i.value for i in at.info)
    assert not [s for s in at.selectbox if s.label == "选择项目"]
    at = run_page("pages/7_briefing.py", {"yoy_q": "聘用"})
    picker = next(s for s in at.selectbox if s.label == "选择项目")
    assert len(picker.options) == 1 and "聘用人员工资及管理费用（2019、2021）" in picker.options[0]


@pytest.mark.parametrize("limit", [1, 2, 3, 100])
def test_score_points_are_the_lowest_scores_ties_by_id(sample_db, limit):
    """score_points cuts at the limit-th lowest score before sorting with names: same rows as the
    plain sort (the samples have two 86.00 at the second place, so limit 2 splits a tie)."""
    from perfeval.app import dbread
    got = dbread.run(str(sample_db), "score_points", {**dbread.Filters().params(), "limit": limit})
    con = duckdb.connect(str(sample_db), read_only=True)
    try:
        want = con.execute("SELECT eval_id FROM evaluations WHERE score IS NOT NULL AND year IS NOT NULL "
                           "ORDER BY score, eval_id LIMIT ?", [limit]).fetchall()
    finally:
        con.close()
    assert got["eval_id"].tolist() == [r[0] for r in want]
