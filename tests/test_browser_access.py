"""Real-browser tests of who may see and change what: a visitor and a viewer get no upload, delete
or correction control and are refused on 数据导入 by deep link; an editor uploads; an admin
deletes a document and restores it, and the figures on 预算执行 go away and come back; a viewer
limited to one unit cannot reach another unit's evaluation by a link nor through the briefing pack.
Screenshots go to /tmp/shots/."""
from __future__ import annotations

import shutil
import urllib.parse

import duckdb
import pytest
from playwright.sync_api import Page, expect

from perfeval.app import auth, dbread
from perfeval.store import roles

from conftest import FIXTURES as FIXTURES_DIR
from conftest_app import build_sample_db, shots_dir
from test_browser_dashboard import Server, browser, settle  # noqa: F401 (browser: a fixture)

PASSWORDS = {"viewer": "viewer-password-1", "editor": "editor-password-1", "admin": "admin-password-1",
             "scoped": "scoped-password-1"}
SCOPED_UNIT = "上海市机关事务管理局"


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = build_sample_db(tmp_path_factory.mktemp("access_browser") / "samples.duckdb")
    cli = roles.cli_principal()
    for role in ("viewer", "editor", "admin"):
        auth.add_user(str(path), f"{role}1", role, PASSWORDS[role], actor=cli)
    auth.add_user(str(path), "scoped1", "viewer", PASSWORDS["scoped"], actor=cli, units=[SCOPED_UNIT])
    dbread.lease.close()
    return path


@pytest.fixture(scope="module")
def server(db, tmp_path_factory):
    s = Server(db, tmp_path_factory.mktemp("log") / "streamlit.log")
    yield s
    s.stop()


def q(db, sql: str, *params):
    dbread.lease.close()
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()


def shot(page: Page, name: str) -> None:
    assert page.locator('[data-testid="stException"]').count() == 0, name
    page.screenshot(path=str(shots_dir() / f"{name}.png"), full_page=True)


def open_page(page: Page, url: str) -> None:
    page.goto(url)
    settle(page)


def sign_in(page: Page, base: str, name: str, password: str) -> None:
    """Through the sidebar form, as a user does."""
    open_page(page, base + "/")
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.get_by_text("登录", exact=True).first.click()
    sidebar.get_by_label("账号").fill(name)
    sidebar.get_by_label("密码").fill(password)
    sidebar.get_by_role("button", name="登录").click()
    expect(sidebar).to_contain_text("已登录", timeout=30000)
    settle(page)
    page.wait_for_function("() => document.cookie.includes('perfeval_session=')", timeout=30000)


def metric(page: Page, label: str) -> str:
    box = page.locator('[data-testid="stMetric"]').filter(has_text=label)
    return box.locator('[data-testid="stMetricValue"]').inner_text()


def select_first_row(page: Page, frame) -> None:
    """Tick the selection box of the first data row of a st.dataframe (a canvas grid)."""
    frame.scroll_into_view_if_needed()
    box = frame.bounding_box()
    frame.hover()
    page.mouse.click(box["x"] + 18, box["y"] + 35 + 17)


@pytest.mark.parametrize("who", ["visitor", "viewer"])
def test_visitor_and_viewer_see_no_write_control_and_are_refused_on_import(server, browser, who):  # noqa: F811
    page = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN").new_page()
    if who == "viewer":
        open_page(page, server.base + "/")
        sidebar = page.locator('[data-testid="stSidebar"]')
        sidebar.get_by_text("登录", exact=True).first.click()
        sidebar.get_by_label("账号").fill("viewer1")
        sidebar.get_by_label("密码").fill(PASSWORDS["editor"])  # a wrong one
        sidebar.get_by_role("button", name="登录").click()
        expect(sidebar).to_contain_text("账号或密码不正确", timeout=30000)
        shot(page, "39_viewer_wrong_password")
        sign_in(page, server.base, "viewer1", PASSWORDS["viewer"])
    for path in ("/", "/execution", "/problems", "/detail", "/briefing"):
        open_page(page, server.base + path)
        sidebar = page.locator('[data-testid="stSidebar"]')
        expect(sidebar.get_by_text("预算执行", exact=True)).to_be_visible()
        assert sidebar.get_by_text("数据导入", exact=True).count() == 0
        assert sidebar.get_by_text("管理", exact=True).count() == 0
        assert page.locator('[data-testid="stFileUploader"]').count() == 0
        for label in ("确认删除", "保存修正", "恢复自动归类"):
            assert page.get_by_role("button", name=label).count() == 0
    # a statement chosen on 问题归类 shows its explanation, not the correction form
    open_page(page, server.base + "/problems")
    frame = page.locator('[data-testid="stDataFrame"]').filter(has_text="问题表述").first
    select_first_row(page, frame)
    expect(page.locator('[data-testid="stMain"]')).to_contain_text("修正类别需要编辑者及以上角色", timeout=30000)
    assert page.get_by_role("button", name="保存修正").count() == 0
    shot(page, f"40_{who}_problems_no_correction")
    for path in ("/import", "/admin"):
        open_page(page, server.base + path)
        main = page.locator('[data-testid="stMain"]')
        expect(main).to_contain_text("没有权限访问本页面")
        assert page.locator('[data-testid="stFileUploader"]').count() == 0
        assert main.get_by_text("已导入的文档").count() == 0
    shot(page, f"41_{who}_import_refused")
    page.context.close()


def test_editor_uploads_and_the_audit_log_names_them(server, browser, db):  # noqa: F811
    page = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN").new_page()
    sign_in(page, server.base, "editor1", PASSWORDS["editor"])
    sidebar = page.locator('[data-testid="stSidebar"]')
    expect(sidebar.get_by_text("数据导入", exact=True)).to_be_visible()
    assert sidebar.get_by_text("管理", exact=True).count() == 0  # admins only
    open_page(page, server.base + "/import")
    main = page.locator('[data-testid="stMain"]')
    new_file = sorted((FIXTURES_DIR / "general").glob("*.txt"))[0]
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files([str(new_file)])
    expect(main).to_contain_text("可以导入 1 个", timeout=60000)
    settle(page)
    page.get_by_role("button", name="导入 1 个文件").click()
    expect(main).to_contain_text("已导入 1 个文件", timeout=60000)
    settle(page)
    assert "选中一行可删除" not in main.inner_text()  # deleting is for admins
    shot(page, "42_editor_uploaded")
    assert q(db, "SELECT actor, role, via, action, file_name FROM audit_log WHERE action = 'upload'") == \
        [("editor1", "editor", "app", "upload", new_file.name)]
    page.context.close()


def test_admin_deletes_and_restores_and_the_figures_follow(server, browser, db):  # noqa: F811
    # the document with the most evaluations that have an execution rate
    doc_id, file_name, n_rated = q(db, """
        SELECT d.doc_id, d.file_name, count(e.execution_rate) FROM documents d JOIN evaluations e USING (doc_id)
        GROUP BY ALL ORDER BY 3 DESC LIMIT 1""")[0]
    assert n_rated > 0
    page = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN").new_page()
    sign_in(page, server.base, "admin1", PASSWORDS["admin"])
    open_page(page, server.base + "/execution")
    before = metric(page, "有执行率的评价")
    weighted = metric(page, "加权执行率")
    shot(page, "43_execution_before_delete")

    open_page(page, server.base + "/import")
    main = page.locator('[data-testid="stMain"]')
    main.get_by_label("按文件名查找").fill(file_name)
    main.get_by_label("按文件名查找").press("Enter")
    settle(page)
    frame = page.locator('[data-testid="stDataFrame"]').filter(has_text="文件").last
    select_first_row(page, frame)
    expect(main).to_contain_text("移入回收站", timeout=30000)
    page.get_by_role("button", name="确认删除").click()
    expect(main).to_contain_text("已删除", timeout=60000)
    settle(page)
    shot(page, "44_admin_deleted")

    open_page(page, server.base + "/execution")
    after = metric(page, "有执行率的评价")
    assert int(after.replace(",", "")) == int(before.replace(",", "")) - n_rated
    shot(page, "45_execution_after_delete")

    open_page(page, server.base + "/admin")
    main = page.locator('[data-testid="stMain"]')
    expect(main).to_contain_text(file_name)
    frame = page.locator('[data-testid="stDataFrame"]').filter(has_text="删除人").first
    select_first_row(page, frame)
    page.get_by_role("button", name=f"恢复「{file_name}」").click()
    expect(main).to_contain_text("已恢复", timeout=60000)
    settle(page)
    shot(page, "46_admin_restored")

    open_page(page, server.base + "/execution")
    assert metric(page, "有执行率的评价") == before
    assert metric(page, "加权执行率") == weighted
    shot(page, "47_execution_after_restore")

    # the audit log lists both, and exports as CSV
    open_page(page, server.base + "/admin?admin_tab=审计日志")
    page.get_by_role("tab", name="审计日志").click()
    settle(page)
    with page.expect_download() as dl:
        page.get_by_role("button", name="下载审计日志（CSV）").click()
    text = open(dl.value.path(), encoding="utf-8-sig").read()
    assert "删除文档（移入回收站）" in text and "从回收站恢复" in text and file_name in text and "admin1" in text
    shot(page, "48_admin_audit_log")
    page.context.close()
    assert [r[0] for r in q(db, "SELECT action FROM audit_log WHERE sha256 = (SELECT sha256 FROM documents "
                                "WHERE doc_id = ?) ORDER BY happened_at", doc_id)][-2:] == ["delete", "restore"]


def test_scoped_viewer_cannot_reach_another_unit(server, browser, db, tmp_path):  # noqa: F811
    own = q(db, "SELECT eval_id FROM evaluations WHERE unit = ? LIMIT 1", SCOPED_UNIT)[0][0]
    other, other_unit, other_project = q(
        db, "SELECT eval_id, unit, project FROM evaluations WHERE unit <> ? AND project IS NOT NULL LIMIT 1",
        SCOPED_UNIT)[0]
    page = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN",
                               accept_downloads=True).new_page()
    sign_in(page, server.base, "scoped1", PASSWORDS["scoped"])
    main = page.locator('[data-testid="stMain"]')

    open_page(page, f"{server.base}/detail?eval={other}")
    expect(main).to_contain_text("不在您的账号可见范围内")
    assert other_project not in main.inner_text()
    shot(page, "49_scoped_other_eval_refused")
    open_page(page, f"{server.base}/execution?unit={urllib.parse.quote(other_unit)}")
    expect(main).to_contain_text("不在您的账号可见范围内")

    open_page(page, f"{server.base}/detail?eval={own}")
    expect(main).to_contain_text(SCOPED_UNIT)
    open_page(page, server.base + "/")
    assert metric(page, "涉及单位") == "1"
    assert other_unit not in page.locator("body").inner_text()

    open_page(page, server.base + "/briefing")
    sidebar = page.locator('[data-testid="stSidebar"]')
    with page.expect_download() as dl:
        sidebar.get_by_role("button", name="下载简报（HTML，可打印）").click()
    html = open(dl.value.path(), encoding="utf-8").read()
    assert SCOPED_UNIT in html
    units = [u for (u,) in q(db, "SELECT DISTINCT unit FROM evaluations WHERE unit <> ?", SCOPED_UNIT)]
    assert units and not [u for u in units if u in html]
    with page.expect_download() as dl:
        sidebar.get_by_role("button", name="下载数据表（Excel）").click()
    shutil.copy(dl.value.path(), tmp_path / "pack.xlsx")
    import openpyxl
    wb = openpyxl.load_workbook(tmp_path / "pack.xlsx", read_only=True)
    cells = {str(c) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for c in row if c}
    assert SCOPED_UNIT in cells and not (set(units) & cells)
    shot(page, "50_scoped_briefing")
    page.context.close()


def test_no_password_reaches_the_server_log_or_the_database(server, db):
    """After the sign-ins above (right and wrong passwords typed into the form)."""
    page_log = open(server.log.name, encoding="utf-8", errors="replace").read()
    dbread.lease.close()
    raw = b"".join(p.read_bytes() for p in db.parent.iterdir() if p.is_file())
    for password in PASSWORDS.values():
        assert password not in page_log
        assert password.encode() not in raw
