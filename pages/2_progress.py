"""支出进度: cumulative spending by month against 序时进度, lag per month, back-loaded pattern, burn-up."""
import plotly.graph_objects as go
import streamlit as st

from perfeval.app import dbread, ui
from perfeval.store import rollups

f = ui.setup_page("支出进度", "累计支出进度与序时进度对比。序时进度是到某月末按时间均衡应达到的累计支出比例。")

BASELINES = {"month": "按月均衡（第 m 月末 m/12）", "day": "按日均衡（按天数折算）",
             "checkpoints": "节点要求（6月 50%、9月 75%、11月 100%）"}
base_kind = st.segmented_control("序时进度口径", list(BASELINES), format_func=BASELINES.get, default="month",
                                 key="baseline", bind="query-params", required=True)
base = rollups.baseline(base_kind)
MONTHS = list(range(1, 13))
month_labels = [f"{m}月" for m in MONTHS]

summary = dbread.query("progress_summary", f).iloc[0]
curve = dbread.query("progress_curve", f)
if curve.empty:
    ui.no_rows("当前筛选条件下的评价没有给出分月支出进度")
    st.stop()

c = st.columns(3)
ui.kpi(c[0], "有支出进度的评价", ui.fmt_int(summary["n_with_progress"]))
ui.kpi(c[1], "前低后高的评价", ui.fmt_int(summary["n_back_loaded"]),
       help="6月末累计不足 30% 或 9月末累计不足 60%（以已知的最近月份计）")
ui.kpi(c[2], "平均最大滞后", ui.fmt_pp(summary["mean_max_lag_pp"]).replace("+", ""),
       help="各评价在已知月份中落后按月序时进度的最大值的平均")

st.subheader("累计支出进度与序时进度")
fig = go.Figure()
fig.add_scatter(x=month_labels, y=[b * 100 for b in base], mode="lines", name="序时进度：" + BASELINES[base_kind],
                line=dict(color="#8a94a6", dash="dash", width=2))
one_series = curve["source"].nunique() == 1  # value labels of several series collide: then hover and table
for src, part in curve.groupby("source", sort=False):
    fig.add_scatter(x=[f"{int(m)}月" for m in part["month"]], y=part["rate"] * 100,
                    mode="lines+markers+text" if one_series else "lines+markers",
                    name=ui.SOURCE_LABELS.get(src, src), text=[f"{r * 100:.1f}%" for r in part["rate"]],
                    textposition="top left", textfont=dict(size=12), marker=dict(size=8),
                    line=dict(color=ui.SOURCE_COLORS.get(src), width=2.5), customdata=part[["n"]].to_numpy(),
                    hovertemplate="%{x}：累计 %{y:.2f}%<br>%{customdata[0]} 项评价<extra></extra>")
# half a month's room each side: at 1024 px "1月" otherwise meets the y axis's "0"
fig.update_xaxes(type="category", categoryorder="array", categoryarray=month_labels, title=None, range=[-0.5, 11.5])
fig.update_yaxes(title="累计支出占全年预算（%）", range=[0, 112])
fig.update_layout(height=420)
ui.chart(fig, "progress_curve")
st.caption("各月数值为给出该月进度的评价的平均累计进度；不同评价报告的月份不同，样本数见悬停提示。")

st.subheader("各月落后于序时进度（百分点）")
# One sign everywhere (总览, this page, the briefing pack): a lag is a positive number of 百分点
# behind 序时进度; ahead of it is negative.
lag = curve.assign(baseline=curve["month"].map(lambda m: base[int(m) - 1]))
lag = lag.assign(lag_pp=(lag["baseline"] - lag["rate"]) * 100,
                 src=lag["source"].map(lambda s: ui.SOURCE_LABELS.get(s, s)),
                 mon=lag["month"].map(lambda m: f"{int(m)}月"))
sources = list(dict.fromkeys(lag["src"]))
fig = go.Figure()
for (source, src), part in lag.groupby(["source", "src"], sort=False):
    # a colour per source (as on the curve); value labels only for one series (grouped ones collide)
    fig.add_bar(x=part["mon"], y=part["lag_pp"], name=src, marker_color=ui.SOURCE_COLORS.get(source),
                text=[f"{v:.1f}" for v in part["lag_pp"]] if len(sources) == 1 else None,
                textposition="outside", cliponaxis=False, textfont=dict(size=12),
                customdata=part[["n"]].to_numpy(),
                hovertemplate="%{x}：" + src + "落后 %{y:.2f} 个百分点（%{customdata[0]} 项评价）<extra></extra>")
ui.hline(fig, 0, dict(color="#1f2933", width=1))
fig.update_xaxes(type="category", categoryorder="array", categoryarray=month_labels)
fig.update_yaxes(title="落后序时进度（百分点）", zeroline=True)
fig.update_layout(height=340, barmode="group", showlegend=len(sources) > 1, uniformtext=dict(minsize=11, mode="hide"))
ui.chart(fig, "progress_lag")
st.caption("正数表示累计进度落后于序时进度，负数表示超前。")
ui.table(lag, {"mon": ("月份", "text"), "lag_pp": ("落后序时进度", "pp"), "src": ("进度来源", "text"),
               "rate": ("累计进度", "pct"), "baseline": ("序时进度", "pct"), "n": ("评价项数", "int")}, key="t_lag")

st.subheader("各评价的支出进度（前低后高标注）")
evs = dbread.query("progress_evals", f, limit=300)
evs = evs.assign(pattern=evs["back_loaded"].map({True: "前低后高", False: "—"}),
                 lag_at=evs["lag_month"].map(lambda m: f"{int(m)}月末" if m == m else "—"))
ui.evaluation_table(evs, {"max_lag_pp": ("最大滞后", "pp", "各月累计进度落后于按月均衡序时进度的最大值"),
                          "pattern": ("支出特征", "text"), "lag_at": ("滞后最多时点", "text"),
                          "rate_m6": ("6月末累计", "pct"), "rate_m9": ("9月末累计", "pct"),
                          "rate_final": ("最终累计", "pct")},
                    key="t_prog", height=min(400, 38 + 35 * len(evs)))
st.caption("「6月末/9月末累计」取该月及之前已知的最近一期数值；最大滞后按月均衡序时进度计算。选中一行可查看该评价明细。")

st.subheader("单项评价的支出燃尽图")
ids = evs["eval_id"].tolist()
names = {r.eval_id: ui.eval_label(r.unit, r.project, r.year) for r in evs.itertuples()}
chosen = st.selectbox("选择评价", ids, format_func=names.get, key="burn_eval", bind="query-params")
info = evs.set_index("eval_id").loc[chosen]
budget = info["budget_yuan"]
pts = dbread.query("progress_points", eval_id=chosen)
dis = dbread.query("disbursements", eval_id=chosen)
fig = go.Figure()
has_budget = budget == budget and budget
scale = (budget / 1e4) if has_budget else 100.0
unit_label = "万元" if has_budget else "%"
fig.add_scatter(x=[0] + MONTHS, y=[0] + [b * scale for b in base], mode="lines", name="序时进度",
                line=dict(color="#8a94a6", dash="dash"))
for src, part in pts.groupby("source", sort=False):
    fig.add_scatter(x=[0] + part["month"].tolist(), y=[0] + (part["cumulative_rate"] * scale).tolist(),
                    mode="lines+markers", name=ui.SOURCE_LABELS.get(src, src),
                    line=dict(width=3, color=ui.SOURCE_COLORS.get(src)),
                    text=["0%"] + [ui.fmt_pct(r) for r in part["cumulative_rate"]],
                    hovertemplate="%{x}月末：%{y:,.2f} " + unit_label + "（%{text}）<extra></extra>")
if not dis.empty and has_budget:
    months = dis["paid_on"].map(lambda d: d.month + d.day / 31)
    fig.add_scatter(x=months, y=dis["cumulative_yuan"] / 1e4, mode="lines+markers", line_shape="hv",
                    name="支付记录累计（报告所列）", marker=dict(symbol="diamond"),
                    customdata=dis[["purpose"]].to_numpy(),
                    hovertemplate="%{customdata[0]}<br>累计 %{y:,.2f} 万元<extra></extra>")
if has_budget:
    ui.hline(fig, budget / 1e4, dict(color="#c2453d", width=2), f"全年预算 {ui.fmt_wan(budget)}")
# the axis starts a little before 年初, so its label clears the y axis's "0"
fig.update_xaxes(title="月份", tickvals=list(range(0, 13)), ticktext=["年初"] + month_labels, range=[-0.45, 12.3])
fig.update_yaxes(title=f"累计支出（{unit_label}）", tickformat=",.0f", rangemode="tozero")
fig.update_layout(height=420)
ui.chart(fig, "burnup")
if not dis.empty:
    st.caption("支付记录只列出报告中提到的支付，累计额可能低于实际支出。")
ui.detail_link(chosen)
