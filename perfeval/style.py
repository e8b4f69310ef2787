"""Labels, number formats, colours and the plotly theme shared by the dashboard and the
briefing pack (perfeval.briefing). No Streamlit here: the briefing is also built outside the app.
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
FIELD_LABELS = {
    "eval_id": "评价编号", "doc_id": "文档编号", "region": "地区", "unit": "单位", "department": "主管部门",
    "year": "年度", "project": "项目", "scope": "评价范围", "source_kind": "来源类型",
    "budget_initial_yuan": "年初预算数", "budget_yuan": "全年预算数", "funds_received_yuan": "到位资金",
    "spent_yuan": "全年执行数", "execution_rate": "预算执行率", "execution_rate_stated": "执行率为报告所述",
    "score": "总得分", "grade": "等级（报告所述）", "score_decision": "决策得分", "score_process": "过程得分",
    "score_performance": "绩效得分", "score_execution": "预算执行得分", "score_execution_max": "预算执行分值",
    "grade_from_score": "等级（按得分）", "line_start": "起始行", "line_end": "结束行",
    "file_name": "来源文件", "file_format": "文件格式", "ingested_at": "入库时间", "sha256": "文件指纹",
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
    xaxis=dict(gridcolor="#e5e9f0", zerolinecolor="#cfd6df", automargin=True),
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
        from perfeval.classify import labels
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


def blank(x: Any, text: str = "（未注明）") -> Any:
    return text if missing(x) or x == "" else x
