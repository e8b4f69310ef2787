"""Real-browser test: Debian chromium drives the running dashboard (deep link first, every page,
drill-down, filters in the URL, an ingest while the app serves). Screenshots go to build/screenshots/."""
from __future__ import annotations

import pathlib
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request

import duckdb
import pytest
from playwright.sync_api import Page, expect, sync_playwright

from conftest_app import ROOT, SAMPLES, SHOTS, build_sample_db, chromium_or_fail, ensure_rollups, ingest, streamlit_env

PAGE_PATHS = {"overview": "/", "execution": "/execution", "progress": "/progress", "scores": "/scores",
              "problems": "/problems", "detail": "/detail", "briefing": "/briefing"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, db: pathlib.Path, log: pathlib.Path):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = open(log, "w")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(self.port),
             "--server.headless", "true", "--server.fileWatcherType", "none"],
            cwd=ROOT, env=streamlit_env(db), stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.base + "/_stcore/health", timeout=2)
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("streamlit did not start")

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    return build_sample_db(tmp_path_factory.mktemp("browser") / "samples.duckdb")


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium_or_fail(),  # a missing browser fails, never skips
                              args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        yield b
        b.close()


@pytest.fixture(scope="module")
def server(db, tmp_path_factory):
    # Started by the fixture but opened by no one yet: the first request is a deep link.
    s = Server(db, tmp_path_factory.mktemp("log") / "streamlit.log")
    yield s
    s.stop()


def settle(page: Page) -> None:
    """Wait until Streamlit has finished running the script."""
    page.wait_for_selector('[data-testid="stApp"]', timeout=60000)
    page.wait_for_selector('[data-testid="stMain"] h1', timeout=60000)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]') && "
        "!document.querySelector('[data-stale=\"true\"]') && "
        "!document.querySelector('[data-testid=\"stSkeleton\"]')", timeout=60000)  # a rerun's placeholders too
    page.wait_for_timeout(700)


def check_page(page: Page, name: str) -> None:
    settle(page)
    assert page.locator('[data-testid="stException"]').count() == 0, name
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def qs(page: Page) -> dict:
    return urllib.parse.parse_qs(urllib.parse.urlparse(page.url).query)


def eval_id_of(db, where: str) -> str:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(f"SELECT eval_id FROM evaluations WHERE {where}").fetchone()[0]
    finally:
        con.close()


def test_deep_link_first_then_every_page(server, browser, db):
    page = browser.new_page(viewport={"width": 1500, "height": 1000}, locale="zh-CN")
    dept = eval_id_of(db, "scope = 'department' AND year = 2021")
    region = "北京市丰台区"
    page.goto(f"{server.base}/detail?eval={dept}&region={urllib.parse.quote(region)}")
    check_page(page, "0_detail_deeplink")
    assert page.title() == "评价明细 · 预算绩效评价看板"  # page config ran on the deep link
    expect(page.locator('[data-testid="stSidebar"]')).to_contain_text("筛选条件")  # shared sidebar ran
    expect(page.locator('[data-testid="stMetric"]').filter(has_text="总得分")).to_contain_text("93.21")
    assert qs(page).get("eval") == [dept] and qs(page).get("region") == [region]
    for i, (name, path) in enumerate(PAGE_PATHS.items(), start=1):
        page.goto(server.base + path)
        check_page(page, f"{i}_{name}")
        expect(page.locator('[data-testid="stMain"] h1').first).to_be_visible()
    page.close()


def test_filters_live_in_url_and_survive_navigation(server, browser):
    page = browser.new_page(viewport={"width": 1500, "height": 1000}, locale="zh-CN")
    page.goto(server.base + "/execution?thr=80")
    settle(page)
    expect(page.locator('[data-testid="stMetric"]').filter(has_text="低于 80% 的评价")).to_contain_text("4")
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.get_by_text("部门整体支出", exact=True).click()
    settle(page)
    assert qs(page).get("scope") == ["部门整体支出"], page.url
    assert qs(page).get("thr") == ["80"], page.url
    sidebar.get_by_text("评分分布", exact=True).click()
    settle(page)
    assert urllib.parse.urlparse(page.url).path == "/scores"
    assert qs(page).get("scope") == ["部门整体支出"], page.url
    expect(page.locator('[data-testid="stMain"]')).to_contain_text("共 2 项评价给出得分")
    check_page(page, "7_scores_department_filter")
    page.close()


def test_drill_down_from_chart_to_detail(server, browser):
    page = browser.new_page(viewport={"width": 1500, "height": 1000}, locale="zh-CN")
    page.goto(server.base + "/execution?region=" + urllib.parse.quote("北京市丰台区"))
    settle(page)
    chart = page.locator('[data-testid="stPlotlyChart"]').first
    bars = chart.locator("g.point path")
    bars.first.wait_for(timeout=30000)
    # bars are sorted: the lowest execution rate is the topmost bar
    idx = min(range(bars.count()), key=lambda i: bars.nth(i).bounding_box()["y"])
    bars.nth(idx).scroll_into_view_if_needed()
    page.mouse.wheel(0, -200)  # keep the bar clear of Streamlit's sticky header
    page.wait_for_timeout(300)
    box = bars.nth(idx).bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_timeout(300)
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_function("() => location.pathname.endsWith('/detail')", timeout=30000)
    settle(page)
    assert qs(page).get("region") == ["北京市丰台区"], page.url  # filters travel with the drill-down
    assert qs(page).get("eval"), page.url
    main = page.locator('[data-testid="stMain"]')
    expect(main).to_contain_text("城指中心监管数据无线采集设备更新运行维护项目（体制）经费")
    expect(page.locator('[data-testid="stMetric"]').filter(has_text="预算执行率")).to_contain_text("34.16%")
    check_page(page, "8_detail_after_drilldown")
    page.close()


def test_ingest_while_serving(browser, tmp_path):
    """The app never blocks a concurrent ingest, and shows the new data afterwards."""
    first = tmp_path / "first"
    first.mkdir()
    files = sorted(SAMPLES.glob("*.txt"))
    shutil.copy(files[0], first)
    db = tmp_path / "live.duckdb"
    assert ingest(db, first).returncode == 0
    ensure_rollups(db)
    srv = Server(db, tmp_path / "streamlit.log")
    try:
        page = browser.new_page(viewport={"width": 1500, "height": 1000}, locale="zh-CN")
        page.goto(srv.base + "/")
        settle(page)
        expect(page.locator('[data-testid="stMetric"]').filter(has_text="评价项数")).to_contain_text("1")
        res = ingest(db, *files[1:])
        assert res.returncode == 0, res.stderr
        ensure_rollups(db)
        page.reload()
        settle(page)
        expect(page.locator('[data-testid="stMetric"]').filter(has_text="评价项数")).to_contain_text("19")
        page.close()
    finally:
        srv.stop()
