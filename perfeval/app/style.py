"""Labels, number formats, colours and the plotly theme shared by the dashboard and the
briefing pack (perfeval.app.briefing). No Streamlit here: the briefing is also built outside the app.
"""
from __future__ import annotations

import math
import re
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

APP_TITLE = "预算绩效评价看板"

SCOPE_LABELS = {"project": "项目支出", "department": "部门整体支出"}
KIND_LABELS = {
    "self_assessment": "绩效自评表",
    "evaluation_report": "绩效评价报告",
    "department_evaluation": "部门整体评价",
    "results_disclosure": "评价结果公开",
    "summary_mention": "报告中提及",
}
GRADE_ORDER = ["优", "良", "中", "差"]
GRADE_LABELS = {"优": "优（≥90）", "良": "良（80–90）", "中": "中（60–80）", "差": "差（<60）"}
GRADE_COLORS = {"优": "#2e7d32", "良": "#1976d2", "中": "#f9a825", "差": "#c62828"}
GRADE_BANDS = [(0, 60, "差"), (60, 80, "中"), (80, 90, "良"), (90, 100, "优")]
SOURCE_LABELS = {"stated": "报告所述进度", "disbursement": "按支付记录", "monthly_sheet": "月度支出表"}
# One colour per progress source, the same on every chart that shows them
SOURCE_COLORS = {"stated": "#1f5fa8", "disbursement": "#e07b39", "monthly_sheet": "#2e9e6b"}
SEVERITY_LABELS = {"error": "错误", "warning": "警告", "info": "提示"}
FINDING_KIND_LABELS = {"problem": "问题", "suggestion": "建议", "rectification": "整改"}
RULE_LABELS = {
    "dimensions_vs_total": "维度得分之和与总分不符",
    "indicators_vs_total": "指标得分之和与总分不符",
    "two_totals": "总分在文件中前后不一",
    "value_conflict": "同一数值在文件中前后不一",
    "money_unit": "金额单位存疑",
    "deduction_without_reason": "扣分未填写偏差原因",
    "execution_points": "预算执行得分与执行率不符",
    "rate_mismatch": "执行率与金额不符",
    "grade_vs_score": "等级与得分不符",
    "unmatched_summary": "摘要中的项目未找到对应评价",
    "ocr_low_confidence": "扫描件识别置信度偏低",
}
CJK_FONT = ("'Noto Sans CJK SC', 'Noto Sans SC', 'Source Han Sans SC', 'PingFang SC', "
            "'Microsoft YaHei', 'WenQuanYi Micro Hei', sans-serif")
COLORWAY = ["#1f5fa8", "#e07b39", "#2e9e6b", "#c2453d", "#7b5ea7", "#8c6d46", "#d16ba5", "#6b7b8c",
            "#b5a33c", "#2fa5b5", "#5a8f29", "#a33c6b"]

pio.templates["perfeval"] = go.layout.Template(layout=go.Layout(
    font=dict(family=CJK_FONT, size=13, color="#1f2933"),
    colorway=COLORWAY,
    paper_bgcolor="white", plot_bgcolor="white",
    margin=dict(l=10, r=10, t=40, b=10),
    # x labels lower by most of a line: the first one otherwise touches the y axis's lowest at the corner
    xaxis=dict(gridcolor="#e5e9f0", zerolinecolor="#cfd6df", automargin=True, ticklabelstandoff=10),
    yaxis=dict(gridcolor="#e5e9f0", zerolinecolor="#cfd6df", automargin=True),
    legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0),
    hoverlabel=dict(font=dict(family=CJK_FONT)),
    separators=".,",
))
pio.templates.default = "perfeval"


# ---- number formats (the one place) ------------------------------------------------------

def missing(x: Any) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x)) or x is pd.NA or x is pd.NaT


def fmt_wan(yuan: Any) -> str:
    return "—" if missing(yuan) else f"{float(yuan) / 1e4:,.2f} 万元"


def fmt_money(yuan: Any) -> str:
    """Money short enough for a KPI card on a projector: 亿元 from 100 million yuan up
    ("1.13亿元"), else 万元 ("1,127.67万元"). The exact figure goes beside it (fmt_money_exact)."""
    if missing(yuan):
        return "—"
    yuan = float(yuan)
    return f"{yuan / 1e8:,.2f}亿元" if abs(yuan) >= 1e8 else f"{yuan / 1e4:,.2f}万元"


def fmt_money_exact(yuan: Any) -> str:
    """The figure fmt_money rounds, in full: "11,276.66 万元（112,766,600.00 元）"."""
    return "—" if missing(yuan) else f"{fmt_wan(yuan)}（{float(yuan):,.2f} 元）"


def fmt_pct(rate: Any) -> str:
    return "—" if missing(rate) else f"{float(rate) * 100:.2f}%"


def fmt_score(x: Any) -> str:
    return "—" if missing(x) else f"{float(x):.2f}"


def fmt_pp(x: Any) -> str:
    return "—" if missing(x) else f"{float(x):+.2f} 个百分点"


def fmt_int(x: Any) -> str:
    return "—" if missing(x) else f"{int(x):,}"


def category_labels() -> dict[str, str]:
    try:
        from perfeval.classify.taxonomy import labels
        out = dict(labels())
    except Exception:  # taxonomy file unreadable: fall back to codes
        out = {}
    out.setdefault("other", "其他")
    return out


def cat_label(code: Any) -> str:
    return category_labels().get(code, code or "其他")


MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def plain(text: Any) -> str:
    """Text from a document or a file name, escaped so Markdown shows it literally (no links,
    emphasis or HTML). Use it whenever such text goes into st.markdown / st.info / labels."""
    return MD_SPECIAL.sub(r"\\\1", str(text)).replace("\n", " ")


def eval_label(unit: Any, project: Any, year: Any) -> str:
    """"单位｜项目（2021）" for pickers, with a word where a part is missing (never "None")."""
    y = "年度不详" if missing(year) else (str(int(year)) if isinstance(year, (int, float)) else str(year))
    return f"{blank(unit, '（未注明单位）')}｜{blank(project, '（未注明项目）')}（{y}）"


def shorten(text: Any, limit: int) -> str:
    """At most ``limit`` characters, cut in the middle ("某某市某某区…部门整体支出") so both the
    beginning and the end of a long name stay readable."""
    text = str(text)
    if len(text) <= limit:
        return text
    head = (limit - 1) // 2
    return text[:head] + "…" + text[-(limit - 1 - head):]


# A unit's name is cut to this many characters wherever space is short (chart axes, tables), the
# same everywhere so one unit reads the same on every page; most names fit whole.
UNIT_CHARS = 14
# a project's name in a table: long ones (a project code appended) are cut, the 评价明细 has them whole
PROJECT_CHARS = 18


def short_unit(unit: Any) -> str:
    return shorten(blank(unit, "（未注明单位）"), UNIT_CHARS)


def distinct(labels) -> list[str]:
    """Category labels of a chart axis, each once: two names cut to the same text stay two
    categories (a trailing space tells them apart; plotly would merge them)."""
    out, seen = [], set()
    for lab in labels:
        while lab in seen:
            lab += " "
        seen.add(lab)
        out.append(lab)
    return out


def short_units(units) -> list[str]:
    """short_unit of each, distinct, for a chart's axis."""
    return distinct(short_unit(u) for u in units)


def object_label(unit: Any, project: Any, scope: Any) -> str:
    """What an evaluation is about, saying whose it is when the project alone does not: a
    department's evaluation is named by its unit ("某某县卫生健康局·部门整体支出"), never just
    "部门整体支出"."""
    name = blank(project, "（未注明项目）")
    if scope == "department" and not missing(unit) and unit and str(unit) not in str(name):
        return f"{unit}·{name}"
    return str(name)


def line_range(start: Any, end: Any = None) -> str:
    """"第 589 行" for one line, "第 589–601 行" for several, "" when unknown."""
    if missing(start):
        return ""
    start = int(start)
    end = start if missing(end) else int(end)
    return f"第 {start} 行" if end <= start else f"第 {start}–{end} 行"


def doc_name(title: Any, file_name: Any) -> str:
    """A document as people know it: its own title with the file name beside it
    ("2022年度…绩效评价报告（g01_….txt）"); the file name alone when no title was read."""
    if missing(title) or not str(title).strip():
        return str(blank(file_name, "（未知文件）"))
    return f"{title}（{file_name}）"


def blank(x: Any, text: str = "（未注明）") -> Any:
    return text if missing(x) or x == "" else x
