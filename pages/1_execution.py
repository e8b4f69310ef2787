"""预算执行: execution rate per evaluation, unit × year heatmap, budget vs spent, ranking, budget lines."""
import plotly.graph_objects as go
import streamlit as st

from perfeval.app import dbread, ui

f = ui.setup_page("预算执行", "预算执行率 = 全年执行数 ÷ 全年预算数。点击图中的柱或点、或表格中的一行，可查看该评价的明细。")

c1, c2 = st.columns([1, 1])
thr_pct = c1.slider("执行率阈值（%）", 50, 100, 90, step=1, key="thr", bind="query-params",
                    help="低于阈值的评价计入低执行率清单；图中以虚线标出")
top_n = c2.segmented_control("柱状图显示执行率最低的", [20, 50, 100], default=50, key="n",
                             bind="query-params", format_func=lambda n: f"{n} 项", required=True)
thr = thr_pct / 100

s = dbread.query("exec_summary", f, threshold=thr).iloc[0]
if not s["n_evals"]:
    ui.no_rows()
    st.stop()
if not s["n_with_rate"]:
    ui.no_rows("当前筛选条件下的评价都没有给出执行率")
    st.stop()

c = st.columns(4)
ui.kpi(c[0], "有执行率的评价", ui.fmt_int(s["n_with_rate"]), help=f"共 {ui.fmt_int(s['n_evals'])} 项评价")
ui.kpi(c[1], "加权执行率", ui.fmt_pct(s["weighted_rate"]), help="执行数合计 ÷ 预算数合计")
ui.kpi(c[2], "平均执行率", ui.fmt_pct(s["mean_rate"]), help="各评价执行率的简单平均")
ui.kpi(c[3], f"低于 {thr_pct}% 的评价", ui.fmt_int(s["n_below"]))


def band(rate: float) -> str:
    if rate >= thr:
        return f"达到阈值（≥{thr_pct}%）"
    if rate >= thr - 0.2:
        return f"偏低（{thr_pct - 20}%–{thr_pct}%）"
    return f"严重偏低（<{thr_pct - 20}%）"


BAND_COLORS = ["#2e9e6b", "#e0a030", "#c2453d"]
BELOW_LIMIT = 500

st.subheader("各评价执行率")
# One query for the bar chart (the top_n lowest) and the below-threshold list (at most 500 rows):
# the 500 lowest rates of the filter hold both.
lowest = dbread.query("exec_lowest", f, limit=BELOW_LIMIT)
low = lowest.head(int(top_n))
# a department's bar names its unit; long names are cut in the middle, keeping both ends, to the
# length the tables cut them to (room for the bars at 1024 px)
labels = ui.distinct(ui.shorten(ui.object_label(u, p, sc), ui.PROJECT_CHARS) + f"（{int(y) if y == y else '年度不详'}）"
                     for u, p, sc, y in zip(low["unit"], low["project"], low["scope"], low["year"]))
low = low.assign(label=labels, band=low["execution_rate"].map(band))
fig = go.Figure()
for name, color in zip([band(thr), band(thr - 0.01), band(thr - 0.21)], BAND_COLORS):
    part = low[low["band"] == name]
    if part.empty:
        continue
    fig.add_bar(y=part["label"], x=part["execution_rate"] * 100, orientation="h", name=name, marker_color=color,
                customdata=part[["eval_id", "unit"]].to_numpy(), textposition="outside", cliponaxis=False,
                # one decimal: "100.0%" fits right of the 100% line in the narrow plot of a 1024 px screen
                text=[f"{r * 100:.1f}%" for r in part["execution_rate"]],
                hovertemplate="%{customdata[1]}<br>%{y}<br>执行率 %{x:.2f}%<extra>点击查看明细</extra>")
ui.vline(fig, 100, dict(color="#1f2933", width=1), "执行率 100%")
ui.vline(fig, thr_pct, dict(color="#c2453d", width=1.5, dash="dash"), f"阈值 {thr_pct}%")
fig.update_yaxes(categoryorder="array", categoryarray=list(low["label"])[::-1], title=None)
fig.update_xaxes(title="预算执行率（%）", range=[0, max(125, float(low["execution_rate"].max()) * 100 + 25)])
fig.update_layout(height=max(320, 26 * len(low) + 120), barmode="overlay")
ev = ui.chart(fig, "exec_bar", clickable=True)
ui.drill(ev)
if s["n_with_rate"] > len(low):
    st.caption(f"共 {ui.fmt_int(s['n_with_rate'])} 项评价有执行率，图中显示最低的 {len(low)} 项。")

st.subheader("单位 × 年度 执行率")
HEAT_UNITS = 25
hm = dbread.query("exec_heatmap", f, limit=HEAT_UNITS)
if hm.empty:
    st.caption("没有同时给出预算数和执行数的评价。")
else:
    # full width, every year of the range a column, one decimal in 12 px: readable up to 25 units
    # × 10 years; the units beyond the 25 largest budgets are in the ranked table below
    years = ui.year_range(f, hm["year"])
    piv = hm.pivot(index="unit", columns="year", values="rate").reindex(columns=years)
    piv = piv.reindex(list(dict.fromkeys(hm["unit"])))  # the query's order, by name: a city's units together
    fig = go.Figure(go.Heatmap(
        z=piv.to_numpy() * 100, x=[f"{y}年" for y in years], y=ui.short_units(piv.index),
        colorscale=[[0, "#c2453d"], [0.5, "#f2d16b"], [1, "#2e9e6b"]], zmin=50, zmax=100, xgap=2, ygap=2,
        text=[[f"{v * 100:.1f}%" if v == v else "" for v in row] for row in piv.to_numpy()],
        texttemplate="%{text}", textfont=dict(size=12), colorbar=dict(title="执行率 %", thickness=12),
        customdata=[[u] * len(years) for u in piv.index],
        hovertemplate="%{customdata}<br>%{x}：%{text}<extra></extra>"))
    ui.heatmap_year_columns(fig, [f"{y}年" for y in years])
    fig.update_yaxes(autorange="reversed")
    fig.update_layout(height=max(260, 30 * len(piv) + 110))
    ui.chart(fig, "exec_heatmap")
    st.caption(f"加权执行率（执行数合计 ÷ 预算数合计）；列出预算规模最大的至多 {HEAT_UNITS} 个单位，"
               "全部单位见下方「单位执行率与筛选范围平均水平的差距」。")

st.subheader("预算数与执行数")
sc = dbread.query("exec_scatter", f, limit=2000)
if sc.empty:
    st.caption("没有同时给出预算数和执行数的评价。")
else:
    sc = sc.assign(band=sc["execution_rate"].map(lambda r: band(r) if r == r else "—"))
    fig = go.Figure()
    mx = float(sc["budget_yuan"].max()) / 1e4
    fig.add_scatter(x=[0, mx], y=[0, mx], mode="lines", name="执行率 100%",
                    line=dict(color="#8a94a6", dash="dot"), hoverinfo="skip")
    size = (sc["budget_yuan"] / sc["budget_yuan"].max()) ** 0.5 * 40 + 6
    for name, color in zip([band(thr), band(thr - 0.01), band(thr - 0.21)], BAND_COLORS):
        m = sc["band"] == name
        if not m.any():
            continue
        part = sc[m]
        fig.add_scatter(x=part["budget_yuan"] / 1e4, y=part["spent_yuan"] / 1e4, mode="markers", name=name,
                        marker=dict(size=size[m], color=color, opacity=0.7, line=dict(width=1, color="white")),
                        customdata=part[["eval_id", "project", "unit"]].to_numpy(),
                        text=[ui.fmt_pct(r) for r in part["execution_rate"]],
                        hovertemplate="%{customdata[2]}｜%{customdata[1]}<br>预算 %{x:,.2f} 万元<br>"
                                      "执行 %{y:,.2f} 万元<br>执行率 %{text}<extra>点击查看明细</extra>")
    fig.update_xaxes(title="全年预算数（万元）", tickformat=",.0f")
    fig.update_yaxes(title="全年执行数（万元）", tickformat=",.0f")
    fig.update_layout(height=420)
    ev = ui.chart(fig, "exec_scatter", clickable=True)
    ui.drill(ev)
    st.caption("点的大小表示预算规模" + ("；显示预算最大的 2,000 项。" if len(sc) >= 2000 else "。"))

st.subheader("单位执行率与筛选范围平均水平的差距")
rk = dbread.query("exec_unit_ranking", f)
if rk.empty:
    st.caption("没有同时给出预算数和执行数的评价。")
else:
    st.caption(f"筛选范围加权执行率：{ui.fmt_pct(rk['avg_rate'].iloc[0])}。差距 = 单位执行率 − 平均水平（百分点），执行率最低的在前。")
    ui.table(rk, {"unit": ("单位", "unit"), "rate": ("执行率", "pct", ui.EXEC_RATE_HELP), "gap_pp": ("与平均相差", "pp"),
                  "n": ("评价项数", "int"), "budget_yuan": ("预算数", "wan"), "spent_yuan": ("执行数", "wan")},
             key="t_rank", height=min(400, 38 + 35 * len(rk)))

st.subheader(f"低执行率清单（低于 {thr_pct}%）")
bt = lowest[lowest["execution_rate"] < thr].reset_index(drop=True)
if bt.empty:
    st.success(f"当前筛选范围内没有执行率低于 {thr_pct}% 的评价。", icon=":material/check_circle:")
else:
    ui.evaluation_table(bt, {"execution_rate": ("执行率", "pct", ui.EXEC_RATE_HELP), "budget_yuan": ("预算数", "wan"),
                             "spent_yuan": ("执行数", "wan"), "score": ("得分", "score")},
                        key="t_below", height=min(420, 38 + 35 * len(bt)))
    st.caption("选中一行即可打开该评价的明细。" + (f" 仅列出最低的 {BELOW_LIMIT} 项。" if len(bt) >= BELOW_LIMIT else ""))

st.subheader("预算明细（按支出科目）")
bl_evals = dbread.query("evals_with_budget_lines", f, limit=300)
if bl_evals.empty:
    st.caption("当前筛选范围内的评价没有列出预算明细。")
else:
    ids = bl_evals["eval_id"].tolist()
    names = {r.eval_id: ui.eval_label(r.unit, r.project, r.year) for r in bl_evals.itertuples()}
    chosen = st.selectbox("选择评价", ids, format_func=names.get, key="bl_eval", bind="query-params")
    bl = dbread.query("budget_lines", eval_id=chosen)
    bl = bl.assign(label=bl["seq"].astype(str) + ". " + bl["name"].fillna("（未命名科目）"))
    fig = go.Figure()
    fig.add_bar(y=bl["label"], x=bl["budget_yuan"] / 1e4, orientation="h", name="预算数", marker_color="#b8c7dc")
    fig.add_bar(y=bl["label"], x=bl["spent_yuan"] / 1e4, orientation="h", name="执行数", marker_color="#1f5fa8",
                text=[ui.fmt_pct(r) for r in bl["execution_rate"]], textposition="outside", cliponaxis=False)
    fig.update_layout(barmode="overlay", height=max(260, 40 * len(bl) + 120))
    fig.update_xaxes(title="万元", tickformat=",.0f")
    fig.update_yaxes(autorange="reversed", title=None)
    ui.chart(fig, "budget_lines")
    ui.table(bl, {"name": ("科目", "text"), "execution_rate": ("执行率", "pct"), "budget_yuan": ("预算数", "wan"),
                  "spent_yuan": ("执行数", "wan"), "line_start": ("原文行", "int")}, key="t_bl")
    ui.detail_link(chosen)
