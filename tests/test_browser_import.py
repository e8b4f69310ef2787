"""Real-browser test of 数据导入: Chromium uploads two report files through the page (no database
yet), previews and commits them, then finds their figures on 预算执行 without a restart.
Screenshots go to build/screenshots/."""
from __future__ import annotations

import duckdb
import pytest
from playwright.sync_api import expect

from perfeval.app import ui

from conftest import run_cli
from conftest_app import SAMPLES, ingest
from test_browser_access import sign_in
from test_browser_dashboard import SHOTS, Server, browser, settle  # noqa: F401 (browser: a fixture)

FILES = [sorted(SAMPLES.glob("*.txt"))[1], sorted(SAMPLES.glob("*.txt"))[2]]


@pytest.fixture(scope="module")
def expected(tmp_path_factory) -> dict:
    """The figures of the same two files loaded by the CLI into a database of their own."""
    db = tmp_path_factory.mktemp("expected") / "cli.duckdb"
    res = ingest(db, *FILES)
    assert res.returncode == 0, res.stderr
    con = duckdb.connect(str(db), read_only=True)
    try:
        n_rate, weighted, n_evals = con.execute(
            "SELECT count(execution_rate), sum(spent_yuan) FILTER (WHERE budget_yuan > 0 AND spent_yuan IS NOT NULL)"
            " / sum(budget_yuan) FILTER (WHERE budget_yuan > 0 AND spent_yuan IS NOT NULL), count(*) "
            "FROM evaluations").fetchone()
        lowest = con.execute("SELECT project FROM evaluations WHERE execution_rate IS NOT NULL "
                             "ORDER BY execution_rate, eval_id LIMIT 1").fetchone()[0]
    finally:
        con.close()
    return {"n_rate": n_rate, "weighted": ui.fmt_pct(weighted), "n_evals": n_evals, "lowest": lowest}


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    assert page.locator('[data-testid="stException"]').count() == 0, name
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_upload_two_files_then_find_them_on_execution_page(browser, tmp_path, expected):  # noqa: F811
    db = tmp_path / "data" / "perfeval.duckdb"  # nothing loaded yet: only the first admin of `make run`
    res = run_cli("user", "add", "editor1", "--role", "editor", "--password-stdin", "--db", str(db),
                  input="editor-password-1\n")
    assert res.returncode == 0, res.stderr
    srv = Server(db, tmp_path / "streamlit.log")
    try:
        page = browser.new_page(viewport={"width": 1500, "height": 1000}, locale="zh-CN")
        sign_in(page, srv.base, "editor1", "editor-password-1")  # uploading needs an editor
        documents_before = db.read_bytes()
        page.goto(srv.base + "/import")
        settle(page)
        main = page.locator('[data-testid="stMain"]')
        expect(main.locator("h1")).to_have_text("数据导入")
        expect(main).to_contain_text("数据库中还没有任何文档")
        shot(page, "20_import_empty")

        page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files([str(f) for f in FILES])
        expect(main).to_contain_text("可以导入 2 个", timeout=60000)
        settle(page)
        for f in FILES:
            expect(main).to_contain_text(f.name)
        expect(main).to_contain_text("识别出的评价")
        assert db.read_bytes() == documents_before  # previewing writes nothing
        shot(page, "21_import_preview")

        page.get_by_role("button", name="导入 2 个文件").click()
        expect(main).to_contain_text("已导入 2 个文件", timeout=60000)
        settle(page)
        expect(main).to_contain_text("已导入的文档")
        shot(page, "22_import_done")

        # to 预算执行 through the sidebar, in the same session: the new data is there
        page.locator('[data-testid="stSidebar"]').get_by_text("预算执行", exact=True).click()
        page.wait_for_function("() => location.pathname.endsWith('/execution')", timeout=30000)
        settle(page)
        metrics = page.locator('[data-testid="stMetric"]')
        expect(metrics.filter(has_text="有执行率的评价")).to_contain_text(str(expected["n_rate"]))
        expect(metrics.filter(has_text="加权执行率")).to_contain_text(expected["weighted"])
        chart = page.locator('[data-testid="stPlotlyChart"]').first
        label = ui.shorten(expected["lowest"], ui.PROJECT_CHARS)  # the bar's label: a long name cut in the middle
        expect(chart).to_contain_text(label)
        shot(page, "23_execution_after_upload")

        page.goto(srv.base + "/")
        settle(page)
        expect(page.locator('[data-testid="stMetric"]').filter(has_text="评价项数")).to_contain_text(
            str(expected["n_evals"]))
        page.close()
    finally:
        srv.stop()
