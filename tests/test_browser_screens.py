"""Real browser (Debian chromium) at the screens review meetings use — 1024×768 and 1366×768
projectors, 1920×1080 — on the bundled samples and on the volume database (long unit names),
each page in normal and in presentation mode (?present=true). On every page at every size: no
KPI value or label cut short (its scroll width beyond its client width), no page wider than the
screen, chart labels of 12 px or more and none cut at a chart's edge, and the figure each alert
table is about inside the screen without scrolling sideways. A viewport screenshot of each goes
to build/screenshots/screens_*.png."""
from __future__ import annotations

import urllib.parse

import duckdb
import pytest
from playwright.sync_api import Page, expect
from test_browser_volume import LABEL_PROBLEMS_JS

from perfeval.app import ui

from conftest import run_cli
from conftest_app import shots_dir
from test_browser_access import select_first_row, sign_in
from test_browser_dashboard import Server, browser, settle  # noqa: F401 (browser: a fixture)

SIZES = [(1024, 768), (1366, 768), (1920, 1080)]
PAGES = {"overview": "/", "execution": "/execution", "progress": "/progress", "scores": "/scores",
         "problems": "/problems", "detail": "/detail", "briefing": "/briefing", "import": "/import",
         "admin": "/admin"}
ADMIN = ("screens_admin", "screens-admin-password")
# The alert tables (st.dataframe keys) and the tooltip of the column each one is about
KEY_COLUMNS = {"overview": {"t_low": ui.EXEC_RATE_HELP, "t_lag": "该评价各月累计支出进度落后于序时进度的最大值"},
               "execution": {"t_below": ui.EXEC_RATE_HELP},
               "progress": {"t_prog": "各月累计进度落后于按月均衡序时进度的最大值"}}

# Every KPI value and label (and what is inside them): a text cut short has a scroll width larger
# than the box it is shown in.
CUT_METRICS_JS = """
() => [...document.querySelectorAll('[data-testid="stMetricValue"], [data-testid="stMetricValue"] *,'
                                    + '[data-testid="stMetricLabel"], [data-testid="stMetricLabel"] *')]
  .filter(e => e.clientWidth > 0 && e.scrollWidth > e.clientWidth + 1)
  .map(e => `${e.textContent.trim()}: ${e.scrollWidth} > ${e.clientWidth}`)
"""
# Chart text under 12 px (tick labels, value labels, annotations, legend, titles)
SMALL_CHART_TEXT_JS = """
() => [...document.querySelectorAll('[data-testid="stPlotlyChart"] svg text')]
  .filter(t => t.textContent.trim() && t.getBoundingClientRect().width > 0)
  .map(t => [t.textContent.trim(), parseFloat(getComputedStyle(t).fontSize)])
  .filter(([, size]) => size < 12).map(([text, size]) => `${text}: ${size}px`)
"""
WIDER_THAN_SCREEN_JS = """
() => { const main = document.querySelector('[data-testid="stMain"]');
        return [document.documentElement.scrollWidth - window.innerWidth, main.scrollWidth - main.clientWidth]; }
"""


def query(page: Page) -> dict[str, list[str]]:
    return urllib.parse.parse_qs(urllib.parse.urlsplit(page.url).query)


def scored(db, region: str, years: tuple[int, int]) -> int:
    """Evaluations with a score in the region and years: what 评分分布 counts under that filter."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("SELECT count(score) FROM evaluations WHERE region = ? AND year BETWEEN ? AND ?",
                           [region, *years]).fetchone()[0]
    finally:
        con.close()


def make_server(db, tmp_path_factory) -> Server:
    res = run_cli("user", "add", ADMIN[0], "--role", "admin", "--password-stdin", "--db", str(db),
                  input=ADMIN[1] + "\n")
    assert res.returncode == 0, res.stderr
    return Server(db, tmp_path_factory.mktemp("log") / "streamlit.log")


@pytest.fixture(scope="module")
def servers(sample_db, volume_db, tmp_path_factory):
    made = {"samples": make_server(sample_db, tmp_path_factory), "volume": make_server(volume_db, tmp_path_factory)}
    yield made
    for s in made.values():
        s.stop()


@pytest.fixture(scope="module")
def admin_pages(servers, browser):  # noqa: F811
    """One signed-in admin tab per database (数据导入 and 管理 need an account)."""
    pages = {}
    for name, s in servers.items():
        page = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN").new_page()
        sign_in(page, s.base, *ADMIN)
        pages[name] = page
    yield pages
    for page in pages.values():
        page.context.close()


def key_column_seen(page: Page, key: str, tip: str) -> bool:
    """Hover along the table's header from its left edge to the screen's right edge: True when
    the key column's header (its tooltip) is found inside the screen."""
    frame = page.locator(f".st-key-{key} [data-testid='stDataFrame']")
    frame.scroll_into_view_if_needed()
    frame.locator("canvas").first.wait_for(timeout=30000)
    box = frame.bounding_box()
    right = min(box["x"] + box["width"], page.viewport_size["width"]) - 2
    shown = page.locator('[data-testid="stDataFrameTooltipContent"]')
    x = box["x"] + 10
    while x < right:
        page.mouse.move(x, box["y"] + 17)
        for _ in range(6):  # the tooltip comes after a short delay
            page.wait_for_timeout(100)
            if shown.count():
                break
        if shown.count() and tip in shown.first.inner_text():
            page.mouse.move(0, 0)
            return True
        x += 40
    return False


def check_screen(page: Page, name: str) -> None:
    assert page.locator('[data-testid="stException"]').count() == 0, name
    page.screenshot(path=str(shots_dir() / f"screens_{name}.png"))
    assert page.evaluate(CUT_METRICS_JS) == [], name
    assert page.evaluate(WIDER_THAN_SCREEN_JS) == [0, 0], name
    assert page.evaluate(SMALL_CHART_TEXT_JS) == [], name
    assert page.evaluate(LABEL_PROBLEMS_JS) == [], name


@pytest.mark.parametrize("mode", ["normal", "present"])
@pytest.mark.parametrize("db_name", ["samples", "volume"])
@pytest.mark.parametrize("page_name", list(PAGES))
def test_every_page_fits_each_meeting_screen(page_name, db_name, mode, servers, browser, admin_pages):  # noqa: F811
    base = servers[db_name].base
    if page_name in ("import", "admin"):
        page = admin_pages[db_name]
    else:
        page = browser.new_page(viewport={"width": 1366, "height": 768}, locale="zh-CN")
    page.goto(base + PAGES[page_name] + ("?present=true" if mode == "present" else ""))
    for width, height in SIZES:
        page.set_viewport_size({"width": width, "height": height})
        page.wait_for_timeout(800)
        settle(page)
        check_screen(page, f"{db_name}_{page_name}_{width}x{height}_{mode}")
        # a table's columns are as wide as their content whatever the screen: the narrowest shows least
        for key, tip in KEY_COLUMNS.get(page_name, {}).items() if width == SIZES[0][0] else ():
            assert key_column_seen(page, key, tip), (key, width, mode)
        page.mouse.wheel(0, -100000)
    if page not in admin_pages.values():
        page.close()


def test_presentation_mode_survives_navigation_drill_down_and_the_share_link(servers, browser, sample_db):  # noqa: F811
    base = servers["samples"].base
    region = "北京市丰台区"
    page = browser.new_page(viewport={"width": 1366, "height": 768}, locale="zh-CN")
    page.goto(f"{base}/execution?present=true&region={urllib.parse.quote(region)}")  # a deep link first
    settle(page)
    expect(page.locator('[data-testid="stSidebar"]')).to_be_hidden()
    banner = page.locator(".st-key-present_banner")
    expect(banner).to_contain_text(f"地区：{region}")
    page.wait_for_function("() => getComputedStyle(document.documentElement).fontSize === '19px'")  # larger text
    page.screenshot(path=str(shots_dir() / "screens_present_deeplink.png"))

    # The banner's page links carry the mode and the filters, in their address and on the page opened
    link = banner.get_by_role("link", name="评分分布")
    target = urllib.parse.parse_qs(urllib.parse.urlsplit(link.get_attribute("href")).query)
    assert target.get("present") == ["true"] and target.get("region") == [region]
    link.click()
    settle(page)
    expect(page.locator('[data-testid="stMain"] h1')).to_have_text("评分分布")
    assert query(page).get("present") == ["true"] and query(page).get("region") == [region], page.url
    expect(page.locator('[data-testid="stSidebar"]')).to_be_hidden()
    expect(page.locator(".st-key-present_banner")).to_be_visible()
    main_width = page.locator('[data-testid="stMainBlockContainer"]').bounding_box()["width"]
    for heading in ("各年度得分", "各年度等级构成"):  # side by side normally; each full width here
        chart = page.locator(f'xpath=//h3[contains(., "{heading}")]/following::*[@data-testid="stPlotlyChart"][1]')
        assert chart.bounding_box()["width"] > 0.85 * main_width, heading

    page.goto(f"{base}/execution?present=true")
    settle(page)
    select_first_row(page, page.locator(".st-key-t_below [data-testid='stDataFrame']"))
    expect(page.locator('[data-testid="stMain"] h1')).to_have_text("评价明细", timeout=30000)  # the drill-down
    settle(page)
    expect(page.locator('[data-testid="stSidebar"]')).to_be_hidden()
    expect(page.locator(".st-key-present_banner")).to_be_visible()

    page.goto(f"{base}/briefing?present=true&region={urllib.parse.quote(region)}")
    settle(page)
    link = urllib.parse.urlsplit(page.locator('[data-testid="stCode"]').first.inner_text().strip())
    assert urllib.parse.parse_qs(link.query).get("present") == ["true"]  # a shared link opens presenting

    page.locator(".st-key-present_banner").get_by_role("button", name="退出演示模式").click()
    settle(page)
    expect(page.locator('[data-testid="stSidebar"]')).to_be_visible()
    assert "present" not in urllib.parse.parse_qs(urllib.parse.urlsplit(page.url).query), page.url
    assert urllib.parse.parse_qs(urllib.parse.urlsplit(page.url).query).get("region") == [region]
    page.close()


def test_page_links_keep_the_filters_and_the_mode(servers, browser, sample_db):  # noqa: F811
    """Streamlit drops a parameter bound to the left page's widget from a page link: the filters and
    the mode come back on the page opened (perfeval.app.ui._carry_view), in its address and applied."""
    base = servers["samples"].base
    region, years = "北京市丰台区", (2020, 2021)
    n = scored(sample_db, region, years)
    assert 0 < n < scored(sample_db, region, (2018, 2021))  # the year range changes the count too
    page = browser.new_page(viewport={"width": 1366, "height": 768}, locale="zh-CN")
    page.goto(f"{base}/execution?region={urllib.parse.quote(region)}&years={years[0]}&years={years[1]}")
    settle(page)
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.get_by_role("link", name="问题归类").click()
    settle(page)
    expect(page.locator('[data-testid="stMain"] h1')).to_have_text("问题归类")
    assert urllib.parse.urlsplit(page.url).path == "/problems"
    assert query(page).get("region") == [region] and query(page).get("years") == [str(y) for y in years], page.url
    expect(sidebar.locator('[data-testid="stMultiSelect"]').first).to_contain_text(region)  # the widget has it

    sidebar.get_by_text("演示模式", exact=True).click()
    settle(page)
    assert query(page).get("present") == ["true"], page.url
    page.locator(".st-key-present_banner").get_by_role("link", name="评分分布").click()
    settle(page)
    expect(page.locator('[data-testid="stMain"] h1')).to_have_text("评分分布")
    expect(sidebar).to_be_hidden()
    got = query(page)
    assert got.get("present") == ["true"] and got.get("region") == [region], page.url
    assert got.get("years") == [str(y) for y in years], page.url
    expect(page.locator(".st-key-present_banner")).to_contain_text(f"地区：{region}")
    expect(page.locator('[data-testid="stMain"]')).to_contain_text(f"共 {n} 项评价给出得分")  # applied
    page.screenshot(path=str(shots_dir() / "screens_present_after_page_link.png"))
    page.close()
