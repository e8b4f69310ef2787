"""Real browser (Debian chromium) on the volume database (≥150 evaluations, ≥25 units, ≥5 years,
every report of the repository): every page at that volume with a full-length screenshot in
build/screenshots/volume_*.png, and the points a manager checks there — no chart label cut at an
edge or overlapping another, years ascending, one sign for lag, a Chinese refusal of an oversized
upload, provenance rows for spending-progress points, a share link on the host the page was
opened through (or the configured public address)."""
from __future__ import annotations

import urllib.parse

import duckdb
import pytest
from playwright.sync_api import Page, expect

from perfeval.ingest.readers import MAX_FILE_BYTES

from conftest import run_cli
from conftest_app import shots_dir
from test_browser_access import sign_in
from test_browser_dashboard import PAGE_PATHS, Server, browser, settle  # noqa: F401 (browser: a fixture)

PAGES = {**PAGE_PATHS, "import": "/import"}
# plotly charts each page draws at volume (at least): the label check must not pass on an empty page
CHARTS = {"overview": 1, "execution": 4, "progress": 3, "scores": 6, "problems": 3}

# Every chart's text boxes: tick labels, value labels, annotations (band labels, subplot titles),
# legend entries. A box outside the figure is cut; two boxes of one chart crossing each other
# overlap. Hidden labels (uniformtext) have no size and are left out.
LABEL_PROBLEMS_JS = """
() => {
  const problems = [];
  document.querySelectorAll('[data-testid="stPlotlyChart"] .js-plotly-plot').forEach((plot, i) => {
    const svg = plot.querySelector('svg.main-svg');
    if (!svg) return;
    const frame = svg.getBoundingClientRect();
    const boxes = [];
    plot.querySelectorAll('g.xtick text, g.ytick text, g.textpoint text, g.annotation text, text.legendtext')
      .forEach(t => {
        const r = t.getBoundingClientRect();
        if (r.width < 1 || r.height < 1 || !t.textContent.trim()) return;
        boxes.push({r, text: t.textContent, kind: t.closest('g.xtick') ? 'x' : t.closest('g.ytick') ? 'y' : 'other'});
      });
    for (const b of boxes) {
      if (b.r.left < frame.left - 1 || b.r.right > frame.right + 1 || b.r.top < frame.top - 1 ||
          b.r.bottom > frame.bottom + 1) problems.push(`chart ${i}: "${b.text}" cut at the edge`);
    }
    for (let a = 0; a < boxes.length; a++) {
      for (let c = a + 1; c < boxes.length; c++) {
        const p = boxes[a].r, q = boxes[c].r;
        const w = Math.min(p.right, q.right) - Math.max(p.left, q.left);
        const h = Math.min(p.bottom, q.bottom) - Math.max(p.top, q.top);
        if (w > 1 && h > 1) problems.push(`chart ${i}: "${boxes[a].text}" overlaps "${boxes[c].text}"`);
      }
    }
  });
  return problems;
}
"""


@pytest.fixture(scope="module")
def server(volume_db, tmp_path_factory):
    s = Server(volume_db, tmp_path_factory.mktemp("log") / "streamlit.log")
    yield s
    s.stop()


def open_page(browser, url: str) -> Page:  # noqa: F811
    page = browser.new_page(viewport={"width": 1500, "height": 1000}, locale="zh-CN")
    page.goto(url)
    settle(page)
    assert page.locator('[data-testid="stException"]').count() == 0, url
    return page


def full_shot(page: Page, name: str) -> None:
    """The whole page: Streamlit scrolls inside its main block, so the viewport grows to its height
    (measured again after the charts re-render at the new size)."""
    height = 1000
    for _ in range(4):
        h = page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
        if h <= height:
            break
        height = min(h + 40, 16000)
        page.set_viewport_size({"width": 1500, "height": height})
        page.wait_for_timeout(1200)
        settle(page)  # a resize may rerun the page: wait until it is drawn again
    page.screenshot(path=str(shots_dir() / f"volume_{name}.png"), full_page=True)


def chart(page: Page, heading: str):
    """The first plotly chart after the subheading, scrolled into view and drawn."""
    box = page.locator(f'xpath=//h3[contains(., "{heading}")]/following::*[@data-testid="stPlotlyChart"][1]')
    box.scroll_into_view_if_needed()
    plot = box.locator(".js-plotly-plot")
    plot.locator("svg.main-svg").first.wait_for(timeout=30000)
    return plot


def plot_data(page: Page, heading: str) -> list[dict]:
    """The traces of the chart after the subheading, as plotly.js drew them (_fullData: arrays decoded)."""
    return chart(page, heading).evaluate(
        "plot => plot._fullData.map(t => ({name: t.name, x: Array.from(t.x || []), y: Array.from(t.y || [])}))")


def axis_ticks(page: Page, heading: str, axis: str = "x") -> list[str]:
    """The tick labels of one axis of the chart after the subheading, left to right (top to bottom)."""
    return chart(page, heading).evaluate("""(plot, axis) => {
        const ticks = [...plot.querySelectorAll(`g.${axis}tick text`)].map(t => [t.getBoundingClientRect(), t.textContent]);
        ticks.sort((a, b) => axis === 'x' ? a[0].left - b[0].left : a[0].top - b[0].top);
        return ticks.map(t => t[1]);
    }""", axis)


def years_of(db) -> list[str]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        lo, hi = con.execute("SELECT min(year), max(year) FROM evaluations").fetchone()
    finally:
        con.close()
    return [f"{y}年" for y in range(lo, hi + 1)]


@pytest.mark.parametrize("name", list(PAGES))
def test_every_page_at_volume_no_cut_or_overlapping_labels(name, server, browser):  # noqa: F811
    page = open_page(browser, server.base + PAGES[name])
    full_shot(page, name)
    page.wait_for_timeout(500)
    drawn = page.locator('[data-testid="stPlotlyChart"] .js-plotly-plot svg.main-svg')
    assert drawn.count() >= CHARTS.get(name, 0), name  # the charts are there to be measured
    assert page.evaluate(LABEL_PROBLEMS_JS) == []
    page.close()


def test_years_ascending_and_every_year_on_the_axis(server, browser, volume_db):  # noqa: F811
    every = years_of(volume_db)
    # year axes are labelled with the plain year (2018 …), their data keep 2018年
    plain = [y.removesuffix("年") for y in every]
    page = open_page(browser, server.base + "/scores")
    assert axis_ticks(page, "各年度等级构成") == plain
    assert axis_ticks(page, "各年度得分") == plain
    page.close()
    page = open_page(browser, server.base + "/problems")
    assert axis_ticks(page, "问题类别 × 年度") == plain
    assert plot_data(page, "问题类别 × 年度")[0]["x"] == every
    trend = plot_data(page, "问题类别趋势")
    assert trend and all(t["x"] == every for t in trend)
    page.close()


def test_lag_is_one_positive_number_behind_everywhere(server, browser, volume_db):  # noqa: F811
    page = open_page(browser, server.base + "/progress")
    lag = plot_data(page, "各月落后于序时进度")
    curve = plot_data(page, "累计支出进度与序时进度")
    baseline = dict(zip(curve[0]["x"], curve[0]["y"]))
    by_name = {t["name"]: dict(zip(t["x"], t["y"])) for t in curve[1:]}
    for t in lag:  # each bar = 序时进度 − cumulative: positive exactly where the curve is below the baseline
        for month, v in zip(t["x"], t["y"]):
            assert v == pytest.approx(baseline[month] - by_name[t["name"]][month], abs=0.01), (t["name"], month)
    assert any(v > 0 for t in lag for v in t["y"])
    expect(page.locator('[data-testid="stMain"]')).to_contain_text("正数表示累计进度落后于序时进度")
    page.close()
    con = duckdb.connect(str(volume_db), read_only=True)
    try:
        most = con.execute("SELECT max(max_lag_pp) FROM eval_progress").fetchone()[0]
    finally:
        con.close()
    page = open_page(browser, server.base + "/")
    page.locator("[data-testid=\"stDataFrame\"] td").first.wait_for(state="attached", timeout=30000)  # the grid's cells are drawn late
    cells = page.locator('[data-testid="stDataFrame"] td').all_inner_texts()
    numbers = []
    for c in cells:  # the grid's accessible cells hold the raw values
        try:
            numbers.append(float(c))
        except ValueError:
            pass
    assert most > 0 and any(abs(v - most) < 0.01 for v in numbers)  # 总览: the largest lag, the same positive number
    assert not any(abs(v + most) < 0.01 for v in numbers)
    page.close()


def test_oversized_upload_is_refused_in_chinese_in_the_list(server, browser, tmp_path, volume_db):  # noqa: F811
    big = tmp_path / "超大报告.txt"
    big.write_bytes(("项目支出绩效评价报告\n" * 8).encode() * (MAX_FILE_BYTES // 200 + 1000))
    assert big.stat().st_size > MAX_FILE_BYTES
    res = run_cli("user", "add", "volume_editor", "--role", "editor", "--password-stdin", "--db", str(volume_db),
                  input="volume-editor-password\n")
    assert res.returncode == 0, res.stderr
    page = browser.new_page(viewport={"width": 1500, "height": 1000}, locale="zh-CN")
    sign_in(page, server.base, "volume_editor", "volume-editor-password")  # uploading needs an editor
    page.goto(server.base + "/import")
    settle(page)
    dropzone = page.locator('[data-testid="stFileUploaderDropzoneInstructions"]')
    after = dropzone.evaluate("e => getComputedStyle(e, '::after').content")
    assert "单个文件不超过 50 MB" in after
    button = page.locator('[data-testid="stFileUploaderDropzone"] [data-testid="stBaseButton-secondary"] p')
    assert "选择文件" in button.evaluate("e => getComputedStyle(e, '::after').content")
    main = page.locator('[data-testid="stMain"]')
    expect(main).to_contain_text("单个文件不超过 50 MB")
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(big))
    expect(main).to_contain_text("无法导入 **1** 个".replace("**", ""), timeout=120000)
    settle(page)
    error = page.locator('[data-testid="stAlertContentError"]')
    expect(error).to_contain_text("超过 50 MB 的单个文件上限")
    assert "File must be" not in page.inner_text("body")
    remove = page.locator('[data-testid="stFileChipDeleteBtn"] button')  # Streamlit's own remove button stays an icon
    assert remove.evaluate("e => getComputedStyle(e, '::after').content") in ("none", "normal")
    full_shot(page, "import_oversized")
    page.close()


def test_progress_points_have_provenance_rows(server, browser, volume_db):  # noqa: F811
    con = duckdb.connect(str(volume_db), read_only=True)
    try:
        eval_id, n, file_name = con.execute(
            "SELECT p.eval_id, count(*), any_value(d.file_name) FROM spending_progress p JOIN evaluations e USING (eval_id) "
            "JOIN documents d ON d.doc_id = e.doc_id GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 1").fetchone()
        lines = [r[0] for r in con.execute("SELECT line_start FROM spending_progress WHERE eval_id = ? ORDER BY month",
                                           [eval_id]).fetchall()]
    finally:
        con.close()
    page = open_page(browser, server.base + "/detail?eval=" + eval_id)
    table = page.locator('[data-testid="stDataFrame"]').first
    table.scroll_into_view_if_needed()
    table.locator("td").first.wait_for(state="attached", timeout=30000)  # the grid's cells are drawn late
    cells = table.locator("td").all_inner_texts()
    rows = [cells[i:i + 4] for i in range(0, len(cells), 4)]
    assert rows and rows[0][0] == "地区", rows[:2]  # the 字段 / 数值 / 出处 / 原文片段 table
    progress = [r for r in rows if r[0].startswith("累计支出进度")]
    assert len(progress) == n
    assert [r[2] for r in progress] == [f"{file_name} 第 {line} 行" for line in lines]
    expect(page.locator('[data-testid="stTab"]').first).to_have_text(f"字段与出处（{len(rows)}）")
    full_shot(page, "detail_progress_provenance")
    page.close()


def test_share_link_uses_the_host_the_page_was_opened_through(server, browser):  # noqa: F811
    for host in ("localhost", "127.0.0.1"):
        url = f"http://{host}:{server.port}/briefing?scope=" + urllib.parse.quote("项目支出")
        page = open_page(browser, url)
        link = page.locator('[data-testid="stCode"]').first.inner_text().strip()
        shown, opened = urllib.parse.urlsplit(link), urllib.parse.urlsplit(page.url)
        assert shown.netloc == opened.netloc == f"{host}:{server.port}", link
        assert shown.path == "/briefing" and urllib.parse.parse_qs(shown.query)["scope"] == ["项目支出"]
        expect(page.locator('[data-testid="stAlert"]').filter(has_text="这是本机地址")).to_be_visible()
        page.close()


def test_share_link_uses_the_configured_public_address(volume_db, browser, tmp_path, monkeypatch):  # noqa: F811
    monkeypatch.setenv("PERFEVAL_PUBLIC_URL", "https://kanban.example.gov.cn/jixiao")
    srv = Server(volume_db, tmp_path / "streamlit.log")
    try:
        page = open_page(browser, srv.base + "/briefing")
        link = page.locator('[data-testid="stCode"]').first.inner_text().strip()
        assert link == "https://kanban.example.gov.cn/jixiao/briefing", link
        assert page.locator('[data-testid="stAlert"]').filter(has_text="这是本机地址").count() == 0
        full_shot(page, "briefing_public_url")
        page.close()
    finally:
        srv.stop()
