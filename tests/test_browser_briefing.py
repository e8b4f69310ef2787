"""Real browser (Debian chromium): the generated HTML briefing opened offline, the pack downloaded
from a dashboard page, and a view's link opened in a fresh browser context ("another machine")
reproducing the view. Screenshots go to build/screenshots/."""
from __future__ import annotations

import urllib.parse

import pytest
from playwright.sync_api import expect

from perfeval.app import briefing, dbread

from conftest_app import build_sample_db
from test_browser_dashboard import SHOTS, Server, browser, eval_id_of, qs, settle  # noqa: F401 (browser: a fixture)

A4_PRINTABLE_PX = 680  # 210 mm − 2 × 15 mm margins at 96 px per inch


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    return build_sample_db(tmp_path_factory.mktemp("briefing") / "samples.duckdb")


@pytest.fixture(scope="module")
def server(db, tmp_path_factory):
    s = Server(db, tmp_path_factory.mktemp("log") / "streamlit.log")
    yield s
    s.stop()


def machine(browser, **options):  # noqa: F811
    """A fresh browser context: no cookies, storage or session of another — a second machine."""
    return browser.new_context(viewport={"width": 1500, "height": 1000}, locale="zh-CN", **options)


def open_elsewhere(browser, link: str):  # noqa: F811
    """Open a link on "another machine" and wait for the page: (context, page)."""
    context = machine(browser)
    page = context.new_page()
    page.goto(link)
    settle(page)
    return context, page


def open_offline(browser, html_path):  # noqa: F811
    """A page that may load nothing from the network: every http(s) request is recorded and refused."""
    context = browser.new_context(viewport={"width": 1000, "height": 1200}, locale="zh-CN")
    requests: list[str] = []

    def refuse(route):
        requests.append(route.request.url)
        route.abort()

    context.route("http://*/**", refuse)
    context.route("https://*/**", refuse)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(html_path.as_uri())
    page.wait_for_selector(".js-plotly-plot .main-svg", timeout=30000)
    page.wait_for_timeout(500)
    return context, page, requests, errors


def test_html_briefing_in_the_browser(db, browser, tmp_path):  # noqa: F811
    html = tmp_path / "briefing.html"
    html.write_bytes(briefing.html_bytes(str(db), dbread.Filters()))
    context, page, requests, errors = open_offline(browser, html)
    try:
        assert errors == [] and requests == []
        charts = page.locator(".js-plotly-plot")
        assert charts.count() == 4
        for i in range(4):  # drawn (an svg with marks), not just a placeholder div
            assert charts.nth(i).locator(".main-svg").count() >= 1
            assert charts.nth(i).bounding_box()["width"] <= A4_PRINTABLE_PX + 1
        expect(page.locator("h1")).to_have_text("预算绩效评价会议简报")
        expect(page.locator("#yoy")).to_contain_text("聘用人员工资及管理费用")
        # the CJK font is installed and used: Chinese renders as glyphs, not boxes
        assert page.evaluate("() => document.fonts.check('16px \"Noto Sans CJK SC\"', '预算执行')")
        # interactive offline: hovering a bar shows plotly's tooltip
        bar = page.locator("#chart-execution g.point path").first
        bar.scroll_into_view_if_needed()
        box = bar.bounding_box()
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        expect(page.locator("#chart-execution .hoverlayer")).to_contain_text("执行率")
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / "briefing_html.png"), full_page=True)
        pdf = page.pdf(format="A4", print_background=True)
        assert pdf.startswith(b"%PDF") and pdf.count(b"/Type /Page\n") + pdf.count(b"/Type /Page ") + \
            pdf.count(b"/Type/Page") >= 2
    finally:
        context.close()


def test_download_pack_from_a_page_follows_its_filters(server, browser, db, tmp_path):  # noqa: F811
    unit = "北京市丰台区城市管理监督指挥中心"
    context = machine(browser, accept_downloads=True)
    page = context.new_page()
    try:
        page.goto(f"{server.base}/scores?unit={urllib.parse.quote(unit)}")
        settle(page)
        sidebar = page.locator('[data-testid="stSidebar"]')
        with page.expect_download() as info:
            sidebar.get_by_role("button", name="下载简报（HTML，可打印）").click()
        path = info.value.path()
        assert info.value.suggested_filename.endswith(".html")
        text = open(path, encoding="utf-8").read()
        assert f"单位：{unit}" in text
        assert "上海市机关事务管理局" not in text  # another unit of the samples is filtered out
        assert f"{server.base}/scores?unit=" in text  # the pack links back to this view
        with page.expect_download() as info:
            sidebar.get_by_role("button", name="下载数据表（Excel）").click()
        assert info.value.suggested_filename.endswith(".xlsx")
        import openpyxl
        info.value.save_as(tmp_path / "pack.xlsx")
        book = openpyxl.load_workbook(tmp_path / "pack.xlsx")
        units = {r[2] for r in book["评价"].iter_rows(min_row=2, values_only=True)}
        assert units == {unit}
        assert page.locator('[data-testid="stException"]').count() == 0
    finally:
        context.close()


def test_view_link_round_trips_to_another_browser(server, browser, db):  # noqa: F811
    """State set by clicking in one browser context, its URL opened in a fresh one: same view."""
    one = machine(browser)
    page = one.new_page()
    page.goto(server.base + "/progress")
    settle(page)
    page.locator('[data-testid="stSidebar"]').get_by_text("项目支出", exact=True).click()
    settle(page)
    page.locator('[data-testid="stMain"]').get_by_text("按日均衡（按天数折算）", exact=True).click()
    settle(page)
    picker = page.locator('[data-testid="stSelectbox"]').filter(has_text="选择评价")
    picker.scroll_into_view_if_needed()
    first_choice = picker.locator("input").input_value()
    picker.locator("input").click()
    options = page.get_by_role("option")
    options.last.click()  # not the default (first) evaluation
    settle(page)
    link = page.url
    params = qs(page)
    assert params.get("scope") == ["项目支出"] and params.get("baseline") == ["按日均衡（按天数折算）"], link
    assert params.get("burn_eval"), link
    chosen = picker.locator("input").input_value()
    assert chosen != first_choice
    metrics = page.locator('[data-testid="stMetric"]').all_inner_texts()
    one.close()

    other, page = open_elsewhere(browser, link)
    try:
        assert qs(page) == params
        expect(page.locator('[data-testid="stMetric"]')).to_have_count(len(metrics))  # a fresh session may draw late
        assert page.locator('[data-testid="stMetric"]').all_inner_texts() == metrics
        assert page.locator('[data-testid="stSelectbox"]').filter(has_text="选择评价").locator("input").input_value() == chosen
        expect(page.locator('[data-testid="stSidebar"] [aria-checked="true"], '
                            '[data-testid="stSidebar"] button[kind="segmented_controlActive"]')
               ).to_contain_text("项目支出")
        page.screenshot(path=str(SHOTS / "briefing_link_round_trip.png"), full_page=True)

        # 会议简报 shows the same link for copying, and the year-over-year view is in the URL too
        newest = eval_id_of(db, "project = '聘用人员工资及管理费用' AND year = 2021")
        page.goto(f"{server.base}/briefing?scope={urllib.parse.quote('项目支出')}&yoy={newest}")
        settle(page)
        main = page.locator('[data-testid="stMain"]')
        expect(main).to_contain_text("同一项目跨年度对比")
        expect(main.locator('[data-testid="stCode"]')).to_contain_text(f"{server.base}/briefing?")
        expect(main).to_contain_text("重复出现的问题类别")
        expect(main).to_contain_text("2019年")
        assert page.locator('[data-testid="stException"]').count() == 0
        page.screenshot(path=str(SHOTS / "briefing_page.png"), full_page=True)
    finally:
        other.close()


def test_selected_evaluation_and_tab_round_trip(server, browser, db):  # noqa: F811
    newest = eval_id_of(db, "project = '聘用人员工资及管理费用' AND year = 2021")
    one = machine(browser)
    page = one.new_page()
    page.goto(f"{server.base}/detail?eval={newest}")
    settle(page)
    page.get_by_role("tab", name="历年对比").click()
    page.wait_for_function("() => location.search.includes('tab=')", timeout=30000)
    link = page.url
    one.close()
    other, page = open_elsewhere(browser, link)
    try:
        assert qs(page).get("eval") == [newest] and qs(page).get("tab") == ["历年对比"], page.url
        expect(page.get_by_role("tab", selected=True)).to_have_text("历年对比")
        expect(page.locator('[data-testid="stMain"]')).to_contain_text("重复出现的问题类别")
        page.screenshot(path=str(SHOTS / "detail_year_over_year.png"), full_page=True)
    finally:
        other.close()
