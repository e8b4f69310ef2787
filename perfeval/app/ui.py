"""Shared dashboard setup: page config, navigation, sidebar filters (bound to the URL), number
formats, Chinese labels, the plotly theme and drill-down to 评价明细.

Every page file starts with ``filters = ui.setup_page("…")``. Pages run in Streamlit's automatic
``pages/`` mode, so a deep link opened first on a fresh server runs this same setup.
"""
from __future__ import annotations

import atexit
import functools
import gc
import os
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from perfeval.app import access, briefing, dbread
from perfeval.app.style import (  # noqa: F401  (pages use them as ui.*)
    APP_TITLE,
    CJK_FONT,
    COLORWAY,
    FINDING_KIND_LABELS,
    GRADE_BANDS,
    GRADE_COLORS,
    GRADE_LABELS,
    GRADE_ORDER,
    KIND_LABELS,
    PROJECT_CHARS,
    RULE_LABELS,
    SCOPE_LABELS,
    SEVERITY_LABELS,
    SOURCE_COLORS,
    SOURCE_LABELS,
    UNIT_CHARS,
    blank,
    cat_label,
    category_labels,
    distinct,
    doc_name,
    eval_label,
    fmt_int,
    fmt_money,
    fmt_money_exact,
    fmt_pct,
    fmt_pp,
    fmt_score,
    fmt_wan,
    line_range,
    missing,
    object_label,
    plain,
    short_unit,
    short_units,
    shorten,
)
from perfeval.ingest.records import FIELD_LABELS  # noqa: F401  (pages use it as ui.FIELD_LABELS)

# (script, label, icon) – the first entry is the main script.
PAGES = [
    ("app.py", "总览", ":material/dashboard:"),
    ("pages/1_execution.py", "预算执行", ":material/account_balance_wallet:"),
    ("pages/2_progress.py", "支出进度", ":material/trending_up:"),
    ("pages/3_scores.py", "评分分布", ":material/leaderboard:"),
    ("pages/4_problems.py", "问题归类", ":material/report_problem:"),
    ("pages/5_detail.py", "评价明细", ":material/description:"),
    ("pages/7_briefing.py", "会议简报", ":material/summarize:"),
    ("pages/6_import.py", "数据导入", ":material/upload_file:"),
    ("pages/8_admin.py", "管理", ":material/admin_panel_settings:"),
]
# pages a principal sees in the navigation only when its role allows the action (perfeval.app.auth)
PAGE_NEEDS = {"pages/6_import.py": "upload", "pages/8_admin.py": "audit"}
IMPORT_PAGE = "pages/6_import.py"
BRIEFING_PAGE = "pages/7_briefing.py"
DETAIL_PAGE = "pages/5_detail.py"
FILTER_KEYS = ("region", "unit", "years", "scope", "kind")
PRESENT_KEY = "present"  # ?present=true: the presentation mode (a widget bound to the URL, like the filters)
EXEC_RATE_HELP = "执行率 = 全年执行数 ÷ 全年预算数"
MISSING = "—"  # what every table shows for a missing value (Streamlit's default is "None")

# The dashboard's process keeps a large heap for its whole life (streamlit, plotly, pandas, duckdb):
# a full garbage collection scanning it takes ~90 ms on the 2-core machine, a visible stall in
# whichever page rerun it hits. What importing created lives as long as the process, so it is
# frozen: collections then only scan what reruns allocate (~10 ms). Unfrozen at exit so the
# interpreter can still tear it down.
gc.collect()
gc.freeze()
atexit.register(gc.unfreeze)


# ---- tables ---------------------------------------------------------------------------------

def table(df: pd.DataFrame, columns: dict[str, tuple], *, key: str | None = None,
          select: bool = False, height: int | str = "auto"):
    """Show ``df`` with Chinese headers and house number formats.

    ``columns``: source column → (Chinese label, kind) or (label, kind, header tooltip), with kind
    in wan, pct, score, pp, int, text, date, unit, project (unit and project names cut to
    UNIT_CHARS / PROJECT_CHARS, as on the charts). Put the name that identifies a row first and
    the figure the table is about right after it, so a narrow screen shows both. Returns the
    selection event when ``select`` is true.
    """
    out = pd.DataFrame(index=df.index)
    config: dict[str, Any] = {}
    for col, (label, kind, *tip) in columns.items():
        s = df[col]
        common: dict[str, Any] = dict(help=tip[0] if tip else None)
        if kind == "wan":
            out[label] = pd.to_numeric(s, errors="coerce") / 1e4
            config[label] = st.column_config.NumberColumn(label + "（万元）", format="%,.2f", **common)
        elif kind == "pct":
            out[label] = pd.to_numeric(s, errors="coerce") * 100
            config[label] = st.column_config.NumberColumn(label, format="%.2f%%", **common)
        elif kind == "score":
            out[label] = pd.to_numeric(s, errors="coerce")
            config[label] = st.column_config.NumberColumn(label, format="%.2f", **common)
        elif kind == "pp":
            out[label] = pd.to_numeric(s, errors="coerce")
            config[label] = st.column_config.NumberColumn(label + "（百分点）", format="%+.2f", **common)
        elif kind == "int":
            out[label] = pd.to_numeric(s, errors="coerce")
            config[label] = st.column_config.NumberColumn(label, format="%d", **common)
        else:
            limit = {"unit": UNIT_CHARS, "project": PROJECT_CHARS}.get(kind)
            out[label] = (s.map(lambda x: x if missing(x) else shorten(x, limit)) if limit else s).astype("string")
            config[label] = st.column_config.TextColumn(label, **common)
    kwargs: dict[str, Any] = dict(hide_index=True, column_config=config, height=height, placeholder=MISSING)
    if select:
        return st.dataframe(out, key=key, on_select="rerun", selection_mode="single-row", **kwargs)
    st.dataframe(out, key=key, **kwargs)
    return None


def evaluation_table(df: pd.DataFrame, figures: dict[str, tuple], *, key: str, height: int | str = "auto") -> None:
    """A list of evaluations (the alerts of 总览, 预算执行, 支出进度): what was evaluated, the
    figure the list is about, unit and year, then ``figures``' other columns. Choosing a row opens
    the evaluation in 评价明细. ``df`` holds eval_id, unit, year, project and scope."""
    (first, spec), *rest = figures.items()
    shown = df.assign(what=[object_label(u, p, sc) for u, p, sc in zip(df["unit"], df["project"], df["scope"])])
    ev = table(shown, {"what": ("评价对象", "project", "项目名称；部门整体评价为「单位·部门整体支出」。选中一行查看明细"),
                       first: spec, "unit": ("单位", "unit"), "year": ("年度", "int"), **dict(rest)},
               key=key, select=True, height=height)
    detail_on_select(ev, df)


def selected_row(event, df: pd.DataFrame) -> pd.Series | None:
    try:
        rows = event.selection.rows
    except AttributeError:
        return None
    if rows:
        return df.iloc[rows[0]]
    return None


# ---- charts -----------------------------------------------------------------------------------

# Chart text in the presentation mode: 13 → 16 px, as the page's text goes 16 → 19 px (PRESENT_CSS)
PRESENT_CHART_SCALE = 1.25


def _enlarged(node: Any, scaled: bool = False) -> Any:
    """A figure's dict with every font size — the template's, axes', annotations', value labels',
    colour bars' — and the x labels' standoff from the axis times PRESENT_CHART_SCALE."""
    if isinstance(node, list):
        return [_enlarged(x) for x in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for k, v in node.items():
        if (scaled and k == "size" or k == "ticklabelstandoff") and isinstance(v, (int, float)):
            out[k] = round(v * PRESENT_CHART_SCALE)
        else:  # a font is "font", "textfont", "tickfont", "insidetextfont", …
            out[k] = _enlarged(v, k.endswith("font"))
    return out


def chart(fig: go.Figure, key: str, *, clickable: bool = False, height: int | None = None):
    if height:
        fig.update_layout(height=height)
    if presenting():
        fig = _enlarged(fig.to_dict())
    if clickable:
        return st.plotly_chart(fig, key=key, theme=None, on_select="rerun", selection_mode="points",
                               config={"displaylogo": False, "locale": "zh-CN"})
    st.plotly_chart(fig, key=key, theme=None, config={"displaylogo": False})
    return None


def clicked_eval(event) -> str | None:
    """The eval_id carried in customdata[0] of the first selected point, if any."""
    try:
        points = event.selection.points
    except AttributeError:
        try:
            points = event["selection"]["points"]
        except (KeyError, TypeError):
            return None
    for p in points or []:
        cd = p.get("customdata") if isinstance(p, dict) else None
        if cd:
            return cd[0] if isinstance(cd, (list, tuple)) else cd
    return None


def year_range(filters: dbread.Filters | None, years) -> list[int]:
    """Every year of the sidebar's range (the filter's bounds when set, else the database's first
    to last year), so a year without data still has its slot on an axis."""
    ys = sorted({int(y) for y in years if not missing(y) and int(y) > 0})
    if ys:  # the sidebar's year range (the filter's, else the database's), widened to the data's
        opts = dbread.query("filter_options")[["year_min", "year_max"]].stack().dropna()
        ys += [int(opts.min()), int(opts.max())] if len(opts) else []
    lo = (filters.year_from if filters and filters.year_from else None) or (min(ys) if ys else None)
    hi = (filters.year_to if filters and filters.year_to else None) or (max(ys) if ys else None)
    return list(range(lo, hi + 1)) if lo is not None and hi is not None and hi >= lo else ys


def plain_year_ticks(labels: list[str]) -> dict:
    """Axis settings that label "2018年" … categories "2018", level: seven "2018年" overlap, or
    turn and touch, in a chart half as wide as a 1024 or 1366 px screen's page. The data keep
    "2018年" (hover, clicks); "年度不详" stays as it is."""
    return dict(tickangle=0, tickvals=labels,
                ticktext=[yl.removesuffix("年") if yl[:4].isdigit() else yl for yl in labels])


def year_axis(fig: go.Figure, filters: dbread.Filters | None, years, axis: str = "x") -> list[str]:
    """A category axis of "2019年" categories, ascending, every year of the range, labelled
    "2019"; returns the categories."""
    labels = [f"{y}年" for y in year_range(filters, years)]
    (fig.update_xaxes if axis == "x" else fig.update_yaxes)(type="category", categoryorder="array",
                                                            categoryarray=labels, range=[-0.5, len(labels) - 0.5],
                                                            **plain_year_ticks(labels))
    return labels


def heatmap_year_columns(fig: go.Figure, labels: list[str]) -> None:
    """A heat map's year columns, labelled "2018" … above them."""
    fig.update_xaxes(type="category", side="top", **plain_year_ticks(labels))


# Reference lines and bands are written as layout shapes directly: plotly's add_vrect/add_vline
# cost 5–15 ms each (they resolve subplots), the whole rest of a figure often less.

def _add_marks(fig: go.Figure, shapes: list[dict], annotations: list[dict]) -> None:
    fig.update_layout(shapes=list(fig.layout.shapes) + shapes,
                      annotations=list(fig.layout.annotations) + annotations)


def grade_band_shapes(fig: go.Figure, axis: str = "x", lo: float = 0) -> None:
    """Shade the four grade bands (财预〔2020〕10号) on a score axis that starts at ``lo``. Their
    labels sit outside the plot area — above it for a score x axis, right of it for a score y
    axis — so they never collide with the boxes, bars or points drawn in the bands."""
    shapes, notes = [], []
    for band_lo, band_hi, g in GRADE_BANDS:
        color = GRADE_COLORS[g]
        if axis == "x":
            span = dict(xref="x", yref="y domain", x0=band_lo, x1=band_hi, y0=0, y1=1)
            at = dict(xref="x", yref="y domain", x=(max(band_lo, lo) + band_hi) / 2, y=1.0,
                      xanchor="center", yanchor="bottom")
        else:
            span = dict(xref="x domain", yref="y", x0=0, x1=1, y0=band_lo, y1=band_hi)
            at = dict(xref="x domain", yref="y", x=1.0, y=(max(band_lo, lo) + band_hi) / 2,
                      xanchor="left", yanchor="middle", xshift=4)
        shapes.append(dict(type="rect", fillcolor=color, opacity=0.08, line=dict(width=0), layer="below", **span))
        if band_hi > lo:  # a band below the axis start has no room for a label
            notes.append(dict(text=GRADE_LABELS[g], showarrow=False, font=dict(color=color, size=12), **at))
    _add_marks(fig, shapes, notes)
    # room for the labels outside the plot (annotations do not count for automargin)
    fig.update_layout(margin=dict(t=64) if axis == "x" else dict(r=96))


def vline(fig: go.Figure, x: float, line: dict, text: str | None = None) -> None:
    """A vertical reference line across the plot, named in the legend: a label inside the plot met
    the top bar's value label, one above it the legend (1024 to 1920 px)."""
    # below the traces: a value label crossing the line stays readable on top of it
    _add_marks(fig, [dict(type="line", xref="x", yref="y domain", x0=x, x1=x, y0=0, y1=1, line=line, layer="below")],
               [])
    if text:  # a legend entry drawn like the line, no data
        fig.add_scatter(x=[None], y=[None], mode="lines", line=line, name=text, hoverinfo="skip")


def hline(fig: go.Figure, y: float, line: dict, text: str | None = None) -> None:
    """A horizontal reference line across the plot, its label above it at the left."""
    notes = [dict(text=text, showarrow=False, xref="x domain", yref="y", x=0, y=y, xanchor="left",
                  yanchor="bottom")] if text else []
    _add_marks(fig, [dict(type="line", xref="x domain", yref="y", x0=0, x1=1, y0=y, y1=y, line=line, layer="below")],
               notes)


# ---- navigation and drill-down ------------------------------------------------------------

def filter_query_params() -> dict[str, Any]:
    """The current filter part of the URL and the presentation mode (to carry them along on page
    switches)."""
    qp = st.query_params
    out = {}
    for k in (*FILTER_KEYS, PRESENT_KEY):
        vals = qp.get_all(k)
        if vals:
            out[k] = vals if len(vals) > 1 else vals[0]
    return out


def go_detail(eval_id: str) -> None:
    # Filter parameters are bound to widgets (Streamlit refuses to set them here): the detail
    # page gets them back from the session (_carry_view).
    st.switch_page(DETAIL_PAGE, query_params={"eval": eval_id})


def detail_on_select(event, df: pd.DataFrame) -> None:
    """A table row chosen by the user opens that evaluation in 评价明细."""
    row = selected_row(event, df)
    if row is not None:
        go_detail(row["eval_id"])


def drill(event) -> None:
    eid = clicked_eval(event)
    if eid:
        go_detail(eid)


def detail_link(eval_id: str, label: str = "查看评价明细") -> None:
    params = filter_query_params()
    params["eval"] = eval_id
    st.page_link(DETAIL_PAGE, label=label, icon=":material/open_in_new:", query_params=params)


def _sidebar_nav() -> None:
    params = filter_query_params()
    p = access.current()
    for script, label, icon in PAGES:
        if script in PAGE_NEEDS and not p.can(PAGE_NEEDS[script]):
            continue
        st.sidebar.page_link(script, label=label, icon=icon, query_params=params)


# ---- the file uploader in Chinese ----------------------------------------------------------

def uploader_in_chinese(limit_mb: int) -> None:
    """Replace the English texts of Streamlit's file uploader ("Upload", "50MB per file • …") by
    Chinese ones with our limit. Streamlit has no setting for them, so a stylesheet hides them and
    writes the Chinese in their place (a fixed text: nothing from a user goes into it). Its
    English refusal of an oversized file is avoided by the transfer ceiling above our limit
    (perfeval.app.uploads.UPLOAD_CEILING_MB), so the page refuses such a file itself, in Chinese."""
    st.html(f"""<style>
[data-testid="stFileUploaderDropzoneInstructions"] > * {{ display: none; }}
[data-testid="stFileUploaderDropzoneInstructions"]::after {{
  content: "拖放文件到此处 · 单个文件不超过 {int(limit_mb)} MB";
  font-size: 0.875rem; opacity: 0.75; }}
[data-testid="stFileUploaderDropzone"] [data-testid="stBaseButton-secondary"] p {{ font-size: 0; }}
[data-testid="stFileUploaderDropzone"] [data-testid="stBaseButton-secondary"] p::after {{
  content: "选择文件"; font-size: 0.875rem; }}
</style>""")


# ---- presentation mode and screen fit ------------------------------------------------------

# Every screen, 1024 px wide and up: a KPI value shrinks with its card (container query units)
# and wraps at a space rather than ending in "…" or inside "个百分点"; so do KPI labels. Charts side by side
# (side_by_side) go one below the other where each would be narrower than 400 px: their axis
# labels would collide (a 1024 px screen with the sidebar open).
SCREEN_CSS = """<style>
[class*="st-key-side_by_side_"] [data-testid="stHorizontalBlock"] { flex-wrap: wrap; }
[class*="st-key-side_by_side_"] [data-testid="stColumn"] { min-width: 400px; }
[data-testid="stMetric"] { container-type: inline-size; }
[data-testid="stMetricValue"] { font-size: clamp(1.15rem, 15cqi, 2.25rem); line-height: 1.25; }
[data-testid="stMetricValue"], [data-testid="stMetricValue"] * { word-break: keep-all !important;
  overflow-wrap: anywhere !important; }
[data-testid="stMetricValue"] *, [data-testid="stMetricLabel"] * {
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important; }
</style>"""
# A projector: no sidebar (its filters still apply, from the URL), larger type, room for it.
PRESENT_CSS = """<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stExpandSidebarButton"],
[data-testid="stHeader"] { display: none !important; }
html { font-size: 19px !important; }
[data-testid="stMainBlockContainer"] { padding: 1.5rem 2rem 3rem; max-width: none; }
[data-testid="stMetricValue"] { font-size: clamp(1.3rem, 16cqi, 2.8rem); }
</style>"""


def presenting() -> bool:
    """True in the presentation mode: ?present=true in the URL, or the sidebar's toggle (bound to
    that parameter) switched in this session."""
    if PRESENT_KEY in st.session_state:
        return bool(st.session_state[PRESENT_KEY])
    return str(st.query_params.get(PRESENT_KEY, "")).lower() in ("true", "1")


def side_by_side(n: int, key: str) -> list:
    """Places for n charts next to each other; one below the other, each full width, when presenting
    or where the page is too narrow for each to get 400 px (SCREEN_CSS)."""
    if presenting():
        return [st.container() for _ in range(n)]
    return st.container(key=f"side_by_side_{key}").columns(n)


def _present_toggle() -> None:
    st.toggle("演示模式", key=PRESENT_KEY, bind="query-params",
                      help="投影或会议室大屏用：隐藏侧边栏，放大文字，图表占满整行；链接中带有此设置，打开即为演示模式")


def _leave_presentation() -> None:
    st.session_state[PRESENT_KEY] = False


def _present_banner(filters: dbread.Filters | None) -> None:
    """What the sidebar said, in one line above the page: the active filters, the other pages
    (the mode and the filters carried along) and the way out."""
    with st.container(border=True, key="present_banner"):
        what = briefing.describe_filters(filters) if filters is not None else "本页不按筛选条件"
        st.markdown(f"**演示模式 · 筛选条件：** {plain(what)}")
        nav = st.container(horizontal=True, gap="small")
        params = filter_query_params()
        p = access.current()
        for script, label, icon in PAGES:
            if script not in PAGE_NEEDS or p.can(PAGE_NEEDS[script]):
                nav.page_link(script, label=label, icon=icon, query_params=params)
        nav.button("退出演示模式", icon=":material/close_fullscreen:", key="present_exit", on_click=_leave_presentation)


# ---- page setup and filters ---------------------------------------------------------------

VIEW_KEY = "perfeval_view"  # session state: (page title, the filters and mode in its URL) of the last run


def _carry_view(title: str) -> None:
    """Keep the filters and the presentation mode in the URL from page to page. Streamlit 1.67
    drops a query parameter bound to a widget of the page being left, even from a page link
    naming it, so a page opened within the session without any of them gets the last page's back
    (a rerun, so the bound widgets read them from the URL). A page that has them, or the same page
    after its filters were cleared, is left as it is."""
    last_title, last_params = st.session_state.get(VIEW_KEY, (None, {}))
    params = filter_query_params()
    if not params and last_params and last_title != title:
        st.query_params.update(last_params)
        st.rerun()
    st.session_state[VIEW_KEY] = (title, params)


def setup_page(title: str, caption: str | None = None, require_data: bool = True,
               require: str = "view") -> dbread.Filters | None:
    """Page config, sign-in, navigation, sidebar filters; stops the page with guidance when no data.

    ``require``: the action (perfeval.store.roles.NEEDS) the page is for; a principal that may not do it
    gets a Chinese refusal instead of the page (``access.gate``), as does a link naming data
    outside its scope. ``require_data=False`` (数据导入): no filters and no stop; returns None."""
    _carry_view(title)
    present = presenting()
    st.set_page_config(page_title=f"{title} · {APP_TITLE}", page_icon=":material/analytics:", layout="wide",
                       initial_sidebar_state="collapsed" if present else "expanded")
    st.html(SCREEN_CSS + (PRESENT_CSS if present else ""))
    st.sidebar.markdown(f"### {APP_TITLE}")
    banner = st.container()  # filled once the filters are read
    st.title(title)
    with st.sidebar:
        nav = st.container()
    me = access.sign_in()
    with nav:
        _sidebar_nav()
        _present_toggle()
    access.gate(me, require)
    if caption:
        st.caption(caption)
    if not require_data:
        if present:
            with banner:
                _present_banner(None)
        return None
    status = dbread.app_status()
    if status != "ok":
        _guidance(status)
        st.stop()
    filters = _sidebar_filters()
    if present:
        with banner:
            _present_banner(filters)
    briefing_downloads(filters)
    if dbread.query("data_status")["n_synthetic"].iloc[0]:
        st.warning("当前数据库为基准测试生成的**合成数据**，仅用于性能测试，不代表真实评价结果。", icon=":material/warning:")
    return filters


def _guidance(status: str) -> None:
    path = dbread.db_path()
    if status == "missing":
        st.info(f"尚未找到数据库文件 `{path}`。请先导入评价报告：", icon=":material/download:")
    elif status == "uninitialised":
        st.info(f"数据库 `{path}` 尚未初始化或缺少汇总表。请运行一次导入：", icon=":material/download:")
    else:
        st.info(f"数据库 `{path}` 中还没有任何评价。请先导入评价报告：", icon=":material/download:")
    st.code(f"python -m perfeval ingest data/samples --db {path}", language="bash")
    st.page_link(IMPORT_PAGE, label="或在「数据导入」页面上传报告文件", icon=":material/upload_file:")
    st.caption("导入完成后刷新本页即可看到数据，无需重启看板。")


def _sidebar_filters() -> dbread.Filters:
    opts = dbread.query("filter_options")
    sb = st.sidebar
    sb.markdown("#### 筛选条件")
    regions_all = sorted(opts["region"].dropna().unique().tolist())
    regions = sb.multiselect("地区", regions_all, key="region", bind="query-params",
                             placeholder="全部地区")
    sub = opts[opts["region"].isin(regions)] if regions else opts
    units_all = sorted(sub["unit"].dropna().unique().tolist())
    units = sb.multiselect("单位", units_all, key="unit", bind="query-params", placeholder="全部单位")
    years = opts[["year_min", "year_max"]].stack().dropna()
    year_from = year_to = None
    if len(years):
        lo, hi = int(years.min()), int(years.max())
        if hi > lo:
            y0, y1 = sb.slider("年度范围", lo, hi, (lo, hi), step=1, key="years", bind="query-params")
            if (y0, y1) != (lo, hi):
                year_from, year_to = int(y0), int(y1)
        else:
            sb.caption(f"年度：{lo} 年")
    scope = sb.segmented_control("评价范围", list(SCOPE_LABELS), format_func=SCOPE_LABELS.get,
                                 key="scope", bind="query-params", help="不选表示全部")
    kinds_all = sorted(opts["source_kind"].dropna().unique().tolist())
    kinds = sb.multiselect("评价类型", kinds_all, format_func=lambda k: KIND_LABELS.get(k, k),
                           key="kind", bind="query-params", placeholder="全部类型")
    me = access.current()
    f = dbread.Filters(regions=tuple(regions), units=tuple(units), year_from=year_from, year_to=year_to,
                       scope=scope, kinds=tuple(kinds), allowed_regions=me.regions, allowed_units=me.units)
    ds = dbread.query("data_status").iloc[0]
    sb.divider()
    last = ds["last_ingest"]
    sb.caption(f"数据截至 {pd.Timestamp(last):%Y-%m-%d %H:%M}（最近一次导入）· "
               f"{fmt_int(ds['n_documents'])} 份文档 · {fmt_int(ds['n_evaluations'])} 项评价"
               if not missing(last) else "尚无导入记录")
    return f


def no_rows(what: str = "当前筛选条件下没有数据") -> None:
    st.info(f"{what}。请在左侧放宽筛选条件（地区、单位、年度、评价范围、评价类型）。", icon=":material/filter_alt:")


def kpi(col, label: str, value: str, help: str | None = None) -> None:
    col.metric(label, value, help=help)


def kpi_money(col, label: str, yuan, help: str | None = None) -> None:
    """A money KPI in 亿元 or 万元 (fmt_money), short enough for a quarter of a projector's width;
    the exact figure is the first line of its tooltip."""
    exact = "精确数：" + fmt_money_exact(yuan)
    col.metric(label, fmt_money(yuan), help=exact + ("\n\n" + help if help else ""))


# ---- sharing and the briefing pack --------------------------------------------------------

PUBLIC_URL_ENV = "PERFEVAL_PUBLIC_URL"  # e.g. https://jixiao.example.gov.cn/kanban — the address colleagues use
_LOOPBACK = ("localhost", "127.", "[::1]", "0.0.0.0")


def _page_url() -> str | None:
    """This page's address as the browser used it (st.context.url: scheme, host, port, path;
    no query), else rebuilt from the request's Host header; None without a browser (AppTest)."""
    try:
        url = st.context.url
    except Exception:
        url = None
    if url:
        return url
    try:
        host = st.context.headers.get("Host")
        proto = st.context.headers.get("X-Forwarded-Proto") or "http"
    except Exception:
        return None
    return f"{proto}://{host}/" if host else None


def view_url() -> str | None:
    """The link of the current view: this page with every bound filter and page setting. Built
    from the address the browser used, so a colleague gets the host the page was opened through;
    with $PERFEVAL_PUBLIC_URL set, that base replaces scheme, host and port (a server reached as
    localhost or behind a proxy that rewrites the address)."""
    url = _page_url()
    if not url:
        return None
    public = os.environ.get(PUBLIC_URL_ENV, "").strip()
    if public:
        parts, base = urlsplit(url), urlsplit(public.rstrip("/") + "/")
        url = urlunsplit((base.scheme, base.netloc, base.path.rstrip("/") + parts.path, "", ""))
    pairs = [(k, v) for k in st.query_params for v in st.query_params.get_all(k)]
    return url + ("?" + urlencode(pairs) if pairs else "")


def is_loopback(url: str | None) -> bool:
    """True when the link points at the machine it is opened on (no use to a colleague)."""
    host = urlsplit(url or "").hostname or ""
    return any(host.startswith(p.strip("[]")) for p in _LOOPBACK) or host == "::1"


def briefing_threshold() -> float:
    """The execution-rate threshold of 预算执行 when the URL carries one (thr=…), else 90%."""
    try:
        thr = int(st.query_params.get("thr", ""))
    except ValueError:
        return briefing.DEFAULT_THRESHOLD
    return thr / 100 if 50 <= thr <= 100 else briefing.DEFAULT_THRESHOLD


XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def briefing_downloads(filters: dbread.Filters, container=None) -> None:
    """Download buttons for the briefing pack of the current filters. The files are built only
    when clicked (a callable ``data``), so showing the buttons costs a page nothing."""
    box = container or st.sidebar
    where = "page" if container is not None else "sidebar"
    if container is None:
        box.markdown("#### 会议简报")
    path = dbread.db_path()
    stem = briefing.file_stem(filters)
    box.download_button("下载简报（HTML，可打印）", key=f"dl_brief_html_{where}", on_click="ignore", icon=":material/description:",
                        data=functools.partial(briefing.html_bytes, path, filters, view_url=view_url(),
                                               threshold=briefing_threshold()),
                        file_name=stem + ".html", mime="text/html",
                        help="当前筛选条件下的总体情况、四项分析、重点关注、跨年度对比与数据质量；离线可用，可打印为 A4")
    box.download_button("下载数据表（Excel）", key=f"dl_brief_xlsx_{where}", on_click="ignore", icon=":material/table_view:",
                        data=functools.partial(briefing.workbook_bytes, path, filters),
                        file_name=stem + ".xlsx", mime=XLSX_MIME,
                        help="评价、绩效指标、问题与建议、数据质量、支出进度各一张表，每行注明来源文件与行号")


def year_comparison(eval_id: str, key: str, link_all: bool = False) -> None:
    """Budget, execution, score and problems of one project across its years, side by side."""
    evals, findings = briefing.history(None, eval_id, query=dbread.query)  # cached per data version
    cmp = briefing.compare_years(evals, findings)
    if cmp is None:
        st.caption("没有找到同一单位同一项目其他年度的评价（项目名称比较时忽略年份、空格和末尾的「项目」二字）。")
        return
    st.dataframe(cmp.side_by_side, hide_index=True, key=f"{key}_side", placeholder=MISSING)
    if cmp.recurring:
        st.markdown("**重复出现的问题类别：** " + "、".join(plain(c) for c in cmp.recurring))
    else:
        st.caption("各年度的问题类别没有重复。")
    if not cmp.categories.empty:
        st.markdown("**各年度的问题类别**（数字为问题条数）")
        st.dataframe(cmp.categories, hide_index=True, key=f"{key}_cats", placeholder=MISSING)
        with st.expander(f"逐条问题表述（{len(cmp.statements)} 条）"):
            st.dataframe(cmp.statements, hide_index=True, key=f"{key}_stmts", placeholder=MISSING,
                         column_config={"原文表述": st.column_config.TextColumn("原文表述", width="large")})
    for r in evals.itertuples():
        if link_all or r.eval_id != eval_id:
            detail_link(r.eval_id, f"查看 {int(r.year) if not missing(r.year) else '年度不详'} 年的评价明细")


def ocr_note(confidence) -> str:
    """How a value was read, when a scan or photo gave it: "扫描件 OCR（置信度 0.97）" ("" otherwise)."""
    if confidence is None or confidence != confidence:  # None or NaN: not read by OCR
        return ""
    return f"扫描件 OCR（置信度 {float(confidence):.2f}）"
