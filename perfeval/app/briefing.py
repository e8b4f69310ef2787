"""The briefing pack for a review meeting, for the dashboard's current filters:

* ``html_bytes``: one self-contained HTML file (plotly.js inlined, so the charts stay interactive
  offline; CJK font stack; a print stylesheet for A4) with the KPI summary, the four analyses,
  the top issues, the year-over-year comparisons and the data-quality notes;
* ``workbook_bytes``: an Excel workbook (XlsxWriter via pandas), one sheet per table;
* ``csv_bytes``: one table as CSV in UTF-8 with BOM, so Chinese Excel opens it.

Every figure comes from the named queries of ``queries/`` (the same as the dashboard's) through
``dbread.run_many``: no Streamlit here, so the pack is built the same way in the app, from the
command line (``python -m perfeval briefing``) and in tests. Text from documents is escaped:
HTML by Jinja2's autoescape, spreadsheets against formula injection (``escape_formula``).
"""
from __future__ import annotations

import datetime as dt
import functools
import io
import pathlib
from dataclasses import dataclass
from typing import Any

import jinja2
import pandas as pd
import plotly.graph_objects as go

from perfeval.app import dbread
from perfeval.app.style import (
    FINDING_KIND_LABELS,
    GRADE_BANDS,
    GRADE_COLORS,
    GRADE_LABELS,
    GRADE_ORDER,
    KIND_LABELS,
    RULE_LABELS,
    SCOPE_LABELS,
    SEVERITY_LABELS,
    SOURCE_LABELS,
    category_labels,
    fmt_int,
    fmt_pct,
    fmt_pp,
    fmt_score,
    fmt_wan,
    missing,
    object_label,
    shorten,
)
from perfeval.store import rollups

TEMPLATE_DIR = pathlib.Path(__file__).resolve().parent / "templates"
# Rows per exported table. A briefing is read by people: beyond this the workbook says it is cut
# and asks for narrower filters (Excel itself stops at 1,048,576 rows).
EXPORT_ROW_LIMIT = 10_000
TOP_N = 10
# Bars in the execution chart: 15 fit on the first A4 page below the KPIs (20 pushed the whole
# analysis to page 2 and left page 1 half empty).
CHART_BARS = 15
YOY_SHOWN = 5  # year-over-year comparisons printed in the HTML pack
YOY_MAX_COLUMNS = 10  # the newest evaluations of one project shown side by side
# Above this many evaluations in the filter, 会议简报 asks for a project name (or a narrower filter)
# before listing comparison candidates: a list of the first 200 of thousands helps no one, and
# finding them costs ~100 ms at 1M evaluations on every rerun.
YOY_LIST_ALL_BELOW = 50_000
DEFAULT_THRESHOLD = 0.9
# Text cells starting with one of these would be read as a formula by Excel (or LibreOffice) —
# also a tab or carriage return before one (OWASP "CSV injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

# column kinds: text, int, wan (yuan shown as yuan with 2 decimals), pct (fraction), score, bool
EXPORTS: dict[str, tuple[str, str, dict[str, tuple[str, str]]]] = {
    "evaluations": ("export_evaluations", "评价", {
        "eval_id": ("评价编号", "text"), "region": ("地区", "text"), "unit": ("单位", "text"),
        "department": ("主管部门", "text"), "year": ("年度", "int"), "project": ("项目", "text"),
        "scope": ("评价范围", "text"), "source_kind": ("来源类型", "text"),
        "budget_initial_yuan": ("年初预算数（元）", "yuan"), "budget_yuan": ("全年预算数（元）", "yuan"),
        "funds_received_yuan": ("到位资金（元）", "yuan"), "spent_yuan": ("全年执行数（元）", "yuan"),
        "execution_rate": ("预算执行率", "pct"), "execution_rate_stated": ("执行率为报告所述", "bool"),
        "score": ("总得分", "score"), "grade": ("等级（报告所述）", "text"),
        "grade_from_score": ("等级（按得分）", "text"), "score_decision": ("决策得分", "score"),
        "score_process": ("过程得分", "score"), "score_performance": ("绩效得分", "score"),
        "score_execution": ("预算执行得分", "score"), "score_execution_max": ("预算执行分值", "score"),
        "file_name": ("来源文件", "text"), "line_start": ("起始行", "int"), "line_end": ("结束行", "int"),
    }),
    "indicators": ("export_indicators", "绩效指标", {
        "eval_id": ("评价编号", "text"), "unit": ("单位", "text"), "year": ("年度", "int"),
        "project": ("项目", "text"), "seq": ("序号", "int"), "level1": ("一级指标", "text"),
        "level2": ("二级指标", "text"), "level1_stated": ("一级指标（原文写法）", "text"),
        "level2_stated": ("二级指标（原文写法）", "text"), "name": ("三级指标", "text"), "target": ("目标值", "text"),
        "actual": ("实际完成值", "text"), "weight": ("分值", "score"), "score": ("得分", "score"),
        "points_lost": ("失分", "score"), "note": ("偏差原因", "text"), "file_name": ("来源文件", "text"),
        "line_start": ("起始行", "int"), "line_end": ("结束行", "int"),
    }),
    "findings": ("export_findings", "问题与建议", {
        "eval_id": ("评价编号", "text"), "unit": ("单位", "text"), "year": ("年度", "int"),
        "project": ("项目", "text"), "kind": ("类型", "text"), "seq": ("序号", "int"),
        "text": ("原文表述", "text"), "category": ("问题类别", "text"),
        "category_source": ("类别来源", "text"), "file_name": ("来源文件", "text"),
        "line_start": ("起始行", "int"), "line_end": ("结束行", "int"),
    }),
    "checks": ("export_checks", "数据质量", {
        "eval_id": ("评价编号", "text"), "unit": ("单位", "text"), "year": ("年度", "int"),
        "project": ("项目", "text"), "severity": ("级别", "text"), "rule": ("检查项", "text"),
        "message": ("说明", "text"), "file_name": ("来源文件", "text"),
    }),
    "progress": ("export_progress", "支出进度", {
        "eval_id": ("评价编号", "text"), "unit": ("单位", "text"), "year": ("年度", "int"),
        "project": ("项目", "text"), "month": ("月份", "int"), "source": ("来源", "text"),
        "cumulative_rate": ("累计支出进度", "pct"), "time_progress": ("序时进度（按月均衡）", "pct"),
        "gap": ("差距", "pct"), "file_name": ("来源文件", "text"),
        "line_start": ("起始行", "int"), "line_end": ("结束行", "int"),
    }),
}
EXPORT_TITLES = {key: sheet for key, (_, sheet, _) in EXPORTS.items()}


# ---- filters ------------------------------------------------------------------------------

def describe_filters(filters: dbread.Filters) -> str:
    """The filters in words, for the pack's heading and the workbook's notes."""
    parts = []
    if filters.regions:
        parts.append("地区：" + "、".join(filters.regions))
    if filters.units:
        parts.append("单位：" + "、".join(filters.units))
    if filters.year_from or filters.year_to:
        parts.append(f"年度：{filters.year_from or '最早'}–{filters.year_to or '最近'}")
    if filters.scope:
        parts.append("评价范围：" + SCOPE_LABELS.get(filters.scope, filters.scope))
    if filters.kinds:
        parts.append("评价类型：" + "、".join(KIND_LABELS.get(k, k) for k in filters.kinds))
    return "；".join(parts) if parts else "全部数据（未设筛选条件）"


def file_stem(filters: dbread.Filters, today: dt.date | None = None) -> str:
    """A download file name without extension: 会议简报_<first unit or region>_<years>_<date>."""
    today = today or dt.date.today()
    what = (filters.units[0] if filters.units else filters.regions[0] if filters.regions else "全部")
    if len(filters.units) > 1 or (not filters.units and len(filters.regions) > 1):
        what += "等"
    years = ""
    if filters.year_from or filters.year_to:
        years = f"_{filters.year_from or ''}-{filters.year_to or ''}"
    safe = "".join(c for c in what if c.isalnum() or c in "（）()-_")[:30] or "筛选"
    return f"会议简报_{safe}{years}_{today:%Y%m%d}"


# ---- data -----------------------------------------------------------------------------------

def collect(path: str, filters: dbread.Filters, threshold: float = DEFAULT_THRESHOLD) -> dict[str, pd.DataFrame]:
    """Every query result the HTML pack needs, run on one short read-only connection."""
    f = filters.params()
    batch = {
        "status": ("data_status", f),
        "kpis": ("overview_kpis", f),
        "grades": ("grade_mix", f),
        "checks": ("checks_summary", f),
        "exec": ("exec_summary", {**f, "threshold": threshold}),
        "lowest": ("exec_lowest", {**f, "limit": CHART_BARS}),
        "lag": ("alerts_progress_lag", {**f, "limit": TOP_N}),
        "progress": ("progress_summary", f),
        "curve": ("progress_curve", f),
        "low_scores": ("score_points", {**f, "limit": TOP_N}),
        "hist": ("score_hist", f),
        "cat_year": ("findings_category_year", f),
        "repeat": ("findings_repeat", {**f, "limit": TOP_N}),
        # one more than is shown: whether there are others to point to
        "yoy": ("yoy_projects", {**f, "q": None, "limit": YOY_SHOWN + 1}),
    }
    frames = dbread.run_many(path, list(batch.values()))
    return dict(zip(batch, frames))


def history(path: str | None, eval_id: str, query=None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The evaluations of the same unit and project as ``eval_id`` (oldest first) and their findings.

    ``query``: how to run a named query (the app passes its cached ``dbread.query``); by default
    uncached on ``path``."""
    if query is None:
        def query(name: str, **params: Any) -> pd.DataFrame:
            return dbread.run(path, name, params)
    evals = query("eval_history", eval_id=eval_id)
    findings = query("eval_history_findings", eval_ids=evals["eval_id"].tolist() or [eval_id])
    return evals, findings


@dataclass
class YearComparison:
    side_by_side: pd.DataFrame   # one row per measure, one column per evaluation (+ 变化)
    categories: pd.DataFrame     # problem category × evaluation: statement counts, and 屡次出现
    recurring: list[str]         # labels of the categories found in two or more years
    statements: pd.DataFrame     # category label, column, statement text, lines


def compare_years(evals: pd.DataFrame, findings: pd.DataFrame) -> YearComparison | None:
    """Budget, execution, score and problems of one project side by side, year by year.

    A column per evaluation ("2019年", or "2021年·绩效自评表" when a year has several; the newest
    YOY_MAX_COLUMNS); 变化 is the newest minus the oldest shown. A problem category recurs when it
    is found in two or more years."""
    if len(evals) < 2:
        return None
    evals = evals.tail(YOY_MAX_COLUMNS).reset_index(drop=True)
    per_year = evals["year"].value_counts()
    columns: list[str] = []
    for r in evals.itertuples():
        label = f"{int(r.year)}年" if not missing(r.year) else "年度不详"
        if not missing(r.year) and per_year[r.year] > 1:
            label += "·" + KIND_LABELS.get(r.source_kind, r.source_kind)
        base, n = label, 1
        while label in columns:  # two evaluations of one kind in one year: still two columns
            n += 1
            label = f"{base}（{n}）"
        columns.append(label)
    first, last = evals.iloc[0], evals.iloc[-1]

    def change(field: str, fmt) -> str:
        a, b = first[field], last[field]
        if missing(a) or missing(b):
            return "—"
        return fmt(b - a)

    rows = [
        ("全年预算数", [fmt_wan(v) for v in evals["budget_yuan"]],
         change("budget_yuan", lambda d: ("+" if d >= 0 else "−") + fmt_wan(abs(d)))),
        ("全年执行数", [fmt_wan(v) for v in evals["spent_yuan"]],
         change("spent_yuan", lambda d: ("+" if d >= 0 else "−") + fmt_wan(abs(d)))),
        ("预算执行率", [fmt_pct(v) for v in evals["execution_rate"]], change("execution_rate", lambda d: fmt_pp(d * 100))),
        ("总得分", [fmt_score(v) for v in evals["score"]], change("score", lambda d: f"{d:+.2f} 分")),
        ("等级", [v if isinstance(v, str) else "—" for v in evals["grade"]], ""),
        ("问题条数", [fmt_int(v) for v in evals["n_problems"]], change("n_problems", lambda d: f"{int(d):+d} 条")),
        ("来源文件", [str(v) for v in evals["file_name"]], ""),
    ]
    side = pd.DataFrame({"项目": [r[0] for r in rows]})
    for j, col in enumerate(columns):
        side[col] = [r[1][j] for r in rows]
    side["变化（最新 − 最早）"] = [r[2] for r in rows]

    labels = category_labels()
    col_of = dict(zip(evals["eval_id"], columns))
    year_of = dict(zip(evals["eval_id"], evals["year"]))
    problems = findings[(findings["kind"] == "problem") & findings["eval_id"].isin(evals["eval_id"])].copy()
    problems["column"] = problems["eval_id"].map(col_of)
    problems["year"] = problems["eval_id"].map(year_of)
    problems["category_label"] = problems["category"].map(lambda c: labels.get(c, c) if isinstance(c, str) else "其他")
    if problems.empty:
        cats = pd.DataFrame(columns=["问题类别", *columns, "屡次出现"])
        recurring: list[str] = []
    else:
        counts = problems.pivot_table(index="category_label", columns="column", values="seq", aggfunc="count")
        counts = counts.reindex(columns=columns).fillna(0).astype(int)
        years_found = problems.groupby("category_label")["year"].nunique()
        recurring = sorted(years_found[years_found >= 2].index, key=lambda c: (-years_found[c], c))
        cats = counts.reset_index().rename(columns={"category_label": "问题类别"})
        cats["屡次出现"] = cats["问题类别"].map(lambda c: "是" if c in recurring else "")
        cats = cats.sort_values(["屡次出现", "问题类别"], ascending=[False, True]).reset_index(drop=True)
    statements = problems[["category_label", "column", "text", "line_start", "line_end"]].rename(
        columns={"category_label": "问题类别", "column": "评价", "text": "原文表述",
                 "line_start": "起始行", "line_end": "结束行"})
    return YearComparison(side, cats, recurring, statements.reset_index(drop=True))


# ---- tables for Excel and CSV ----------------------------------------------------------------

def export_frames(path: str, filters: dbread.Filters, limit: int = EXPORT_ROW_LIMIT) -> dict[str, pd.DataFrame]:
    """The five tables of the filter (raw columns, at most ``limit`` rows each)."""
    f = {**filters.params(), "limit": limit}
    frames = dbread.run_many(path, [(query, f) for query, _, _ in EXPORTS.values()])
    return dict(zip(EXPORTS, frames))


def display_frame(key: str, raw: pd.DataFrame) -> pd.DataFrame:
    """Chinese headers and labels for codes; numbers stay numbers (yuan, fractions, scores)."""
    _, _, columns = EXPORTS[key]
    labels = category_labels()
    code_labels = {"scope": SCOPE_LABELS, "source_kind": KIND_LABELS, "kind": FINDING_KIND_LABELS,
                   "severity": SEVERITY_LABELS, "rule": RULE_LABELS, "source": SOURCE_LABELS,
                   "category": labels, "category_source": {"manual": "人工更正", "auto": "自动归类"}}
    out = pd.DataFrame(index=raw.index)
    for col, (label, kind) in columns.items():
        s = raw[col]
        if col in code_labels:
            s = s.map(lambda v, m=code_labels[col]: m.get(v, v) if isinstance(v, str) else v)
        if kind == "bool":
            s = s.map(lambda v: "" if missing(v) else ("是" if v else "否"))
        elif kind == "int":
            s = pd.to_numeric(s, errors="coerce").astype("Int64")
        out[label] = s
    return out.reset_index(drop=True)


def escape_formula(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula, made inert with a leading apostrophe
    (CSV has no other way to say "this is text")."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """One table as CSV, UTF-8 with BOM (Excel on Chinese Windows needs it to read UTF-8)."""
    safe = frame.copy()
    for col in safe.columns:
        if safe[col].dtype == object or pd.api.types.is_string_dtype(safe[col]):
            safe[col] = safe[col].map(escape_formula)
    return safe.to_csv(index=False).encode("utf-8-sig")


def table_csv(path: str, filters: dbread.Filters, key: str, limit: int = EXPORT_ROW_LIMIT) -> bytes:
    """One of the five tables of the filter as CSV (see ``csv_bytes``)."""
    raw = dbread.run(path, EXPORTS[key][0], {**filters.params(), "limit": limit})
    return csv_bytes(display_frame(key, raw))


def workbook_bytes(path: str, filters: dbread.Filters, *, limit: int = EXPORT_ROW_LIMIT,
                   now: dt.datetime | None = None) -> bytes:
    raw = export_frames(path, filters, limit)
    return build_workbook({k: display_frame(k, v) for k, v in raw.items()}, filters, limit=limit, now=now)


_NUMBER_FORMATS = {"yuan": "#,##0.00", "pct": "0.00%", "score": "0.00", "int": "0"}
_WIDTHS = {"text": 18, "yuan": 16, "pct": 11, "score": 9, "int": 8, "bool": 10}
_WIDE = {"原文表述": 60, "说明": 50, "项目": 30, "单位": 26, "偏差原因": 40, "三级指标": 24, "来源文件": 28}


def _write_column(sheet, col: int, values: list, kind: str, number_format, quoted) -> None:
    """One column below the header: numbers as numbers (blank when missing), text as text —
    quoted when Excel would take it for a formula."""
    if kind in ("text", "bool"):
        for row, value in enumerate(values, start=1):
            if missing(value) or value == "":
                continue
            text = str(value)
            sheet.write_string(row, col, text, quoted if text.startswith(FORMULA_START) else None)
        return
    for row, value in enumerate(values, start=1):
        if not missing(value):
            sheet.write_number(row, col, float(value), number_format)


def build_workbook(frames: dict[str, pd.DataFrame], filters: dbread.Filters, *, limit: int = EXPORT_ROW_LIMIT,
                   now: dt.datetime | None = None) -> bytes:
    """The workbook: a 说明 sheet, then one sheet per table with number formats, a frozen and
    filterable header row, and text that Excel would run as a formula stored as quoted text."""
    now = now or dt.datetime.now()
    buf = io.BytesIO()
    options = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
    with pd.ExcelWriter(buf, engine="xlsxwriter", engine_kwargs={"options": options}) as writer:
        book = writer.book
        header = book.add_format({"bold": True, "bg_color": "#e8eef6", "border": 1, "text_wrap": True,
                                  "valign": "top"})
        quoted = book.add_format({"quote_prefix": True})
        formats = {kind: book.add_format({"num_format": f}) for kind, f in _NUMBER_FORMATS.items()}
        notes = pd.DataFrame({"项目": ["内容", "筛选条件", "生成时间", "金额单位", "比例", "出处", "注意"],
                              "说明": ["预算绩效评价会议简报（数据表）", describe_filters(filters), f"{now:%Y-%m-%d %H:%M}",
                                     "元（全年预算数、执行数等均为元，保留两位小数）",
                                     "执行率、支出进度以百分比显示（单元格中为小数）",
                                     "每行注明来源文件与行号；可在看板「评价明细」中按评价编号查看原文",
                                     "以 = + - @ 开头的文字按文本保存，不会作为公式执行"]})
        for key, frame in frames.items():
            if len(frame) >= limit:
                notes.loc[len(notes)] = ["行数上限", f"「{EXPORT_TITLES[key]}」只含前 {limit:,} 行（按单位、年度、项目排序）；"
                                                   "请缩小筛选范围后重新导出"]
        notes.to_excel(writer, sheet_name="说明", index=False)
        sheet = writer.sheets["说明"]
        sheet.set_column(0, 0, 12)
        sheet.set_column(1, 1, 80)
        for key, frame in frames.items():
            _, name, columns = EXPORTS[key]
            kinds = {label: kind for label, kind in columns.values()}
            sheet = book.add_worksheet(name)
            # Cells are written column by column with their type and format: pandas' to_excel
            # goes through a generic per-cell path that took 9 s for 100,000 rows.
            for j, label in enumerate(frame.columns):
                kind = kinds.get(label, "text")
                sheet.write_string(0, j, label, header)
                sheet.set_column(j, j, _WIDE.get(label, _WIDTHS.get(kind, 14)))
                _write_column(sheet, j, frame[label].tolist(), kind, formats.get(kind), quoted)
            sheet.freeze_panes(1, 0)
            if len(frame.columns):
                sheet.autofilter(0, 0, max(len(frame), 1), len(frame.columns) - 1)
    return buf.getvalue()


# ---- charts ---------------------------------------------------------------------------------

CHART_WIDTH = 680  # px: the printable width of A4 at 96 dpi (180 mm), so print keeps the layout


def _finish(fig: go.Figure, height: int) -> go.Figure:
    fig.update_layout(width=CHART_WIDTH, height=height, margin=dict(l=10, r=20, t=40, b=10))
    return fig


def fig_execution(lowest: pd.DataFrame, threshold: float) -> go.Figure | None:
    if lowest.empty:
        return None
    df = lowest.iloc[::-1]
    labels = [f"{shorten(object_label(u, p, sc), 24)}（{int(y) if not missing(y) else '年度不详'}）"
              for u, p, sc, y in zip(df["unit"], df["project"], df["scope"], df["year"])]
    colors = ["#2e9e6b" if r >= threshold else "#e0a030" if r >= threshold - 0.2 else "#c2453d"
              for r in df["execution_rate"]]
    fig = go.Figure(go.Bar(y=list(range(len(df))), x=df["execution_rate"] * 100, orientation="h",
                           marker_color=colors, text=[fmt_pct(r) for r in df["execution_rate"]],
                           textposition="outside", cliponaxis=False,
                           customdata=df[["unit", "eval_id"]].to_numpy(),
                           hovertemplate="%{customdata[0]}<br>执行率 %{x:.2f}%<br>评价编号 %{customdata[1]}<extra></extra>"))
    fig.update_yaxes(tickvals=list(range(len(df))), ticktext=labels, title=None)
    fig.update_xaxes(title="预算执行率（%）", range=[0, max(110, float(df["execution_rate"].max()) * 100 + 12)])
    shapes = [dict(type="line", xref="x", yref="paper", x0=x, x1=x, y0=0, y1=1, line=dict(color=c, width=w, dash=d))
              for x, c, w, d in ((100, "#1f2933", 1, "solid"), (threshold * 100, "#c2453d", 1.5, "dash"))]
    fig.update_layout(shapes=shapes, showlegend=False)
    return _finish(fig, max(300, 24 * len(df) + 100))


def fig_progress(curve: pd.DataFrame) -> go.Figure | None:
    if curve.empty:
        return None
    months = list(range(1, 13))
    fig = go.Figure()
    fig.add_scatter(x=[0, *months], y=[0] + [b * 100 for b in rollups.baseline("month")], mode="lines",
                    name="序时进度（按月均衡）", line=dict(color="#8a94a6", dash="dash"))
    for source, part in curve.groupby("source", sort=False):
        fig.add_scatter(x=[0, *part["month"]], y=[0, *(part["rate"] * 100)], mode="lines+markers",
                        name=f"{SOURCE_LABELS.get(source, source)}（平均）", line=dict(width=3),
                        customdata=part[["n"]].to_numpy(),
                        hovertemplate="%{x}月末 %{y:.2f}%（%{customdata[0]} 项评价）<extra></extra>")
    fig.update_xaxes(title="月份", tickvals=months, ticktext=[f"{m}月" for m in months], range=[0, 12.3])
    fig.update_yaxes(title="累计支出进度（%）", range=[0, 105])
    return _finish(fig, 340)


def fig_scores(hist: pd.DataFrame) -> go.Figure | None:
    if hist.empty:
        return None
    fig = go.Figure(go.Bar(x=hist["bin"] + 0.5, y=hist["n"], width=0.9, marker_color="#1f5fa8",
                           hovertemplate="%{x:.0f} 分段：%{y} 项<extra></extra>"))
    lo = min(60, int(hist["bin"].min()))
    shapes, notes = [], []
    for band_lo, band_hi, grade in GRADE_BANDS:
        if band_hi <= lo:
            continue
        shapes.append(dict(type="rect", xref="x", yref="paper", x0=max(band_lo, lo), x1=band_hi, y0=0, y1=1,
                           fillcolor=GRADE_COLORS[grade], opacity=0.08, line=dict(width=0), layer="below"))
        notes.append(dict(text=GRADE_LABELS[grade], xref="x", yref="paper", x=max(band_lo, lo), y=1,
                          xanchor="left", yanchor="top", showarrow=False, font=dict(color=GRADE_COLORS[grade])))
    fig.update_layout(shapes=shapes, annotations=notes, bargap=0)
    fig.update_xaxes(title="总得分", range=[lo, 100])
    fig.update_yaxes(title="评价项数")
    return _finish(fig, 300)


def fig_problems(cat_year: pd.DataFrame) -> go.Figure | None:
    if cat_year.empty:
        return None
    labels = category_labels()
    df = cat_year[cat_year["year"] != 0]
    if df.empty:
        return None
    order = df.groupby("category")["n_findings"].sum().sort_values().index
    fig = go.Figure()
    for year, part in df.groupby("year"):
        part = part.set_index("category").reindex(order)
        fig.add_bar(y=[labels.get(c, c) for c in order], x=part["n_findings"].fillna(0), orientation="h",
                    name=f"{int(year)}年", hovertemplate="%{y}：%{x} 条<extra>" + f"{int(year)}年</extra>")
    fig.update_layout(barmode="stack", legend_traceorder="normal")
    fig.update_xaxes(title="问题条数")
    return _finish(fig, max(280, 26 * len(order) + 110))


def _chart_html(fig: go.Figure | None, div_id: str) -> str | None:
    if fig is None:
        return None
    return fig.to_html(full_html=False, include_plotlyjs=False, div_id=div_id,
                       config={"displaylogo": False, "locale": "zh-CN", "responsive": False})


@functools.cache
def _plotly_js() -> str:
    from plotly.offline import get_plotlyjs
    return get_plotlyjs()


# ---- the HTML pack ----------------------------------------------------------------------------

def _env() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATE_DIR), autoescape=True,
                              undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)


def _rows(df: pd.DataFrame, spec: list[tuple[str, str, Any]]) -> dict[str, Any]:
    """A small table for the template: headers and formatted cells (text is escaped by Jinja2);
    ``numeric``: the columns drawn right-aligned without wrapping."""
    return {"headers": [h for h, _, _ in spec],
            "numeric": [j for j, (_, _, fmt) in enumerate(spec) if fmt not in (None, _year)],
            "rows": [[fmt(r[col]) if fmt else ("—" if missing(r[col]) else r[col]) for _, col, fmt in spec]
                     for _, r in df.iterrows()]}


def _lag_pp(v: Any) -> str:
    return "—" if missing(v) else f"{float(v):.2f} 个百分点"


def _year(v: Any) -> str:
    return "—" if missing(v) else str(int(v))


def html_bytes(path: str, filters: dbread.Filters, *, view_url: str | None = None,
               threshold: float = DEFAULT_THRESHOLD, now: dt.datetime | None = None) -> bytes:
    """The self-contained HTML briefing for ``filters`` (``view_url``: the dashboard link of this
    view, printed in the pack so a reader can open the same view)."""
    now = now or dt.datetime.now()
    d = collect(path, filters, threshold)
    k = d["kpis"].iloc[0]
    status = d["status"].iloc[0]
    labels = category_labels()
    grades = d["grades"].groupby("grade")["n"].sum().to_dict() if not d["grades"].empty else {}
    e = d["exec"].iloc[0]
    p = d["progress"].iloc[0]
    n_checks = int(d["checks"]["n"].sum()) if not d["checks"].empty else 0

    yoy = []
    for r in d["yoy"].head(YOY_SHOWN).itertuples():
        cmp = compare_years(*history(path, r.newest_eval_id))
        if cmp is not None:
            yoy.append({"unit": r.unit, "project": r.project, "years": r.years,
                        "side": {"headers": list(cmp.side_by_side.columns),
                                 "rows": cmp.side_by_side.values.tolist(), "numeric": []},
                        "recurring": cmp.recurring})
    context = {
        "title": "预算绩效评价会议简报",
        "filters": describe_filters(filters),
        "generated": f"{now:%Y-%m-%d %H:%M}",
        "data_as_of": (f"{pd.Timestamp(status['last_ingest']):%Y-%m-%d %H:%M}"
                       if not missing(status["last_ingest"]) else "—"),
        "view_url": view_url,
        "synthetic": bool(status["n_synthetic"]),
        "empty": not k["n_evals"],
        "kpis": [
            ("评价项数", fmt_int(k["n_evals"])), ("涉及单位", fmt_int(k["n_units"])),
            ("覆盖年度", (f"{int(k['year_min'])}–{int(k['year_max'])}" if k["n_years"] else "—")),
            ("平均得分", fmt_score(k["mean_score"])),
            ("预算总额", fmt_wan(k["budget_yuan"])), ("执行总额", fmt_wan(k["spent_matched_yuan"])),
            ("加权执行率", fmt_pct(k["weighted_rate"])),
            ("等级构成", " · ".join(f"{g} {grades[g]}" for g in GRADE_ORDER if g in grades) or "—"),
        ],
        "threshold": fmt_pct(threshold),
        "chart_bars": CHART_BARS,
        "exec_note": (f"{fmt_int(e['n_with_rate'])} 项评价给出执行率，加权执行率 {fmt_pct(e['weighted_rate'])}，"
                      f"平均 {fmt_pct(e['mean_rate'])}；低于 {fmt_pct(threshold)} 的 {fmt_int(e['n_below'])} 项。"),
        "progress_note": (f"{fmt_int(p['n_with_progress'])} 项评价给出分月支出进度，其中 {fmt_int(p['n_back_loaded'])} 项"
                          f"呈前低后高（上半年明显滞后、年末集中支出）；平均最大滞后 "
                          f"{_lag_pp(p['mean_max_lag_pp'])}。" if p["n_with_progress"] else "没有分月支出进度。"),
        "score_note": (f"{fmt_int(k['n_with_score'])} 项评价给出得分，平均 {fmt_score(k['mean_score'])} 分。"
                       if k["n_with_score"] else "没有得分。"),
        "charts": {
            "execution": _chart_html(fig_execution(d["lowest"], threshold), "chart-execution"),
            "progress": _chart_html(fig_progress(d["curve"]), "chart-progress"),
            "scores": _chart_html(fig_scores(d["hist"]), "chart-scores"),
            "problems": _chart_html(fig_problems(d["cat_year"]), "chart-problems"),
        },
        "low_exec": _rows(d["lowest"].head(TOP_N), [
            ("单位", "unit", None), ("年度", "year", _year), ("项目", "project", None),
            ("预算数", "budget_yuan", fmt_wan), ("执行数", "spent_yuan", fmt_wan),
            ("执行率", "execution_rate", fmt_pct), ("评价编号", "eval_id", None)]),
        "lag": _rows(d["lag"].assign(at=d["lag"]["lag_month"].map(lambda m: f"{int(m)}月末"),
                                     pattern=d["lag"]["back_loaded"].map(lambda b: "前低后高" if b else "")), [
            ("单位", "unit", None), ("年度", "year", _year), ("项目", "project", None),
            ("滞后最多时点", "at", None), ("落后序时进度", "max_lag_pp", _lag_pp), ("支出特征", "pattern", None),
            ("评价编号", "eval_id", None)]),
        "low_scores": _rows(d["low_scores"], [
            ("单位", "unit", None), ("年度", "year", _year), ("项目", "project", None),
            ("总得分", "score", fmt_score), ("等级", "grade", None), ("评价编号", "eval_id", None)]),
        "repeat": _rows(d["repeat"].assign(cat=d["repeat"]["category"].map(lambda c: labels.get(c, c))), [
            ("单位", "unit", None), ("问题类别", "cat", None), ("出现年度", "years", None),
            ("问题条数", "n_findings", fmt_int)]),
        "checks": _rows(d["checks"].assign(sev=d["checks"]["severity"].map(lambda s: SEVERITY_LABELS.get(s, s)),
                                           rule_label=d["checks"]["rule"].map(lambda r: RULE_LABELS.get(r, r))), [
            ("级别", "sev", None), ("检查项", "rule_label", None), ("条数", "n", fmt_int)]),
        "n_checks": n_checks,
        "yoy": yoy,
        "yoy_more": len(d["yoy"]) > YOY_SHOWN,
        "plotly_js": _plotly_js(),
    }
    return _env().get_template("briefing.html.j2").render(**context).encode("utf-8")
