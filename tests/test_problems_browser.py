"""Real browser on the 问题归类 page: the heat map's hover shows the classifier's explanation, a
statement's detail shows its evidence, the recurrence table says whether the earlier advice
addressed the category. Screenshots go to build/screenshots/problems_*.png."""
from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from conftest_app import ROOT, SHOTS, build_sample_db, chromium_or_fail, streamlit_env


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    db = build_sample_db(tmp_path_factory.mktemp("problems") / "samples.duckdb")
    port = free_port()
    log = open(tmp_path_factory.mktemp("log") / "streamlit.log", "w")
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
                             "--server.headless", "true", "--server.fileWatcherType", "none"],
                            cwd=ROOT, env=streamlit_env(db), stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(base + "/_stcore/health", timeout=2)
            break
        except OSError:
            time.sleep(0.2)
    yield base
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium_or_fail(), args=["--no-sandbox", "--disable-gpu"])
        yield b
        b.close()


def settle(page: Page) -> None:
    page.wait_for_selector('[data-testid="stMain"] h1', timeout=60000)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]') && "
        "!document.querySelector('[data-stale=\"true\"]')", timeout=60000)
    page.wait_for_timeout(700)


def test_problems_page_hover_and_sections(server, browser):
    page = browser.new_page(viewport={"width": 1500, "height": 1100}, locale="zh-CN")
    page.goto(server + "/problems")
    settle(page)
    assert page.locator('[data-testid="stException"]').count() == 0
    main = page.locator('[data-testid="stMain"]')
    for heading in ("问题类别 × 年度", "屡次出现的问题", "问题原文与归类依据", "候选主题"):
        expect(main).to_contain_text(heading)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "problems_page.png"), full_page=True)

    # hover a cell of the category × year heat map: the tooltip names the deciding phrases
    heat = page.locator('[data-testid="stPlotlyChart"]').first
    heat.scroll_into_view_if_needed()
    page.mouse.wheel(0, -150)  # clear of Streamlit's sticky header
    page.wait_for_timeout(300)
    box = heat.locator("rect.nsewdrag").first.bounding_box()  # the plot area
    found = False
    for fx, fy in ((0.15, 0.05), (0.5, 0.05), (0.85, 0.05), (0.5, 0.15), (0.15, 0.25), (0.85, 0.25)):
        page.mouse.move(box["x"] + box["width"] * fx, box["y"] + box["height"] * fy)
        page.wait_for_timeout(500)
        tip = page.locator("g.hoverlayer")
        if tip.count() and "主要归类依据" in (tip.first.text_content() or ""):
            found = True
            break
    assert found, "no hover label with 主要归类依据"
    page.screenshot(path=str(SHOTS / "problems_hover.png"))
    page.close()
