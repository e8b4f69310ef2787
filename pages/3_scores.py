"""评分分布: score histogram with grade bands, by year and unit, grade mix, dimensions, deductions."""
import plotly.graph_objects as go
import streamlit as st

from perfeval.app import dbread, ui

f = ui.setup_page("评分分布", "评价得分的分布与等级构成；按《项目支出绩效评价管理办法》（财预〔2020〕10号）"
                           "划分等级：≥90 优，80–90 良，60–80 中，<60 差。")

hist = dbread.query("score_hist", f)
if hist.empty:
    ui.no_rows("当前筛选条件下的评价没有给出得分")
    st.stop()

n = int(hist["n"].sum())
st.subheader("得分分布")
fig = go.Figure()
lo = max(0, min(55, int(hist["bin"].min()) - 5))
ui.grade_band_shapes(fig, "x", lo)
fig.add_bar(x=hist["bin"] + 0.5, y=hist["n"], width=0.9, marker_color="#1f5fa8", name="评价项数",
            customdata=hist[["bin"]].to_numpy(),
            hovertemplate="%{customdata[0]}–%{customdata[0]}.99 分：%{y} 项<extra></extra>")
fig.update_xaxes(title="得分", range=[lo, 100], dtick=5)
fig.update_yaxes(title="评价项数")
fig.update_layout(height=340, showlegend=False)
ui.chart(fig, "score_hist")
st.caption(f"共 {n:,} 项评价给出得分，每 1 分一组；底色为四个等级区间。")

left, right = ui.side_by_side(2, "by_year")
with left:
    st.subheader("各年度得分")
    by = dbread.query("score_box_year", f)
    pts = dbread.query("score_points", f, limit=300)
    fig = go.Figure()
    y_lo = max(0, min(60, float(by["min"].min()) - 5))
    ui.grade_band_shapes(fig, "y", y_lo)
    xs = [f"{int(y)}年" for y in by["year"]]
    fig.add_box(x=xs, q1=by["q1"], median=by["median"], q3=by["q3"], lowerfence=by["min"],
                upperfence=by["max"], mean=by["mean"], name="得分分布", marker_color="#1f5fa8",
                fillcolor="rgba(31,95,168,0.15)", hoverinfo="y")
    if not pts.empty:
        fig.add_scatter(x=[f"{int(y)}年" for y in pts["year"]], y=pts["score"], mode="markers", name="单项评价",
                        marker=dict(color="#e07b39", size=8, opacity=0.8, line=dict(width=1, color="white")),
                        customdata=pts[["eval_id", "unit", "project"]].to_numpy(),
                        hovertemplate="%{customdata[1]}｜%{customdata[2]}<br>得分 %{y:.2f}<extra>点击查看明细</extra>")
    ui.year_axis(fig, f, by["year"])
    fig.update_xaxes(title=None)
    fig.update_yaxes(title="得分", range=[y_lo, 101])
    fig.update_layout(height=400)
    ev = ui.chart(fig, "score_year", clickable=True)
    ui.drill(ev)
    if n > len(pts):
        st.caption(f"橙色点为得分最低的 {len(pts)} 项评价，点击可查看明细。")
    else:
        st.caption("橙色点为各项评价，点击可查看明细。")
with right:
    st.subheader("各年度等级构成")
    gm = dbread.query("grade_mix_year", f)
    fig = go.Figure()
    tot = gm.groupby("year")["n"].transform("sum")
    gm = gm.assign(share=gm["n"] / tot)
    for g in ui.GRADE_ORDER:
        part = gm[gm["grade"] == g]
        if part.empty:
            continue
        fig.add_bar(x=[f"{int(y)}年" for y in part["year"]], y=part["share"] * 100, name=ui.GRADE_LABELS[g],
                    marker_color=ui.GRADE_COLORS[g], customdata=part[["n"]].to_numpy(),
                    text=[f"{v * 100:.0f}%" for v in part["share"]], textposition="inside", textfont=dict(size=12),
                    hovertemplate="%{x} " + g + "：%{customdata[0]} 项（%{y:.2f}%）<extra></extra>")
    # a segment too thin for its label shows none (the hover has it) rather than a tiny one
    fig.update_layout(barmode="stack", height=400, uniformtext=dict(minsize=11, mode="hide"))
    ui.year_axis(fig, f, gm["year"])  # traces add their years in their own order: fix it ascending
    fig.update_yaxes(title="占比（%）", range=[0, 100])
    ui.chart(fig, "grade_year")
    st.caption("报告写明等级的按报告；未写明的按得分折算。")

st.subheader("各单位得分")
bu = dbread.query("score_box_unit", f, limit=30)
fig = go.Figure()
u_lo = max(0, min(60, float(bu["min"].min()) - 5))
ui.grade_band_shapes(fig, "x", u_lo)
fig.add_box(y=ui.short_units(bu["unit"]), q1=bu["q1"], median=bu["median"], q3=bu["q3"], lowerfence=bu["min"],
            upperfence=bu["max"], mean=bu["mean"], orientation="h", marker_color="#1f5fa8",
            fillcolor="rgba(31,95,168,0.15)", name="得分分布")
fig.update_yaxes(autorange="reversed", title=None)
fig.update_xaxes(title="得分", range=[u_lo, 101])
fig.update_layout(height=max(280, 34 * len(bu) + 120), showlegend=False)
ui.chart(fig, "score_unit")
st.caption("箱体为四分位区间，竖线为中位数；列出评价项数最多的至多 30 个单位。")

st.subheader("指标得分率与失分分析")
dims = dbread.query("indicator_dimensions", f)
if dims.empty:
    st.caption("当前筛选范围内的评价没有逐项指标评分。")
else:
    left, right = ui.side_by_side(2, "indicators")
    with left:
        st.markdown("**一级指标得分率**（得分合计 ÷ 分值合计）")
        fig = go.Figure()
        fig.add_bar(y=dims["level1"].map(ui.blank), x=dims["share"] * 100, orientation="h", marker_color="#2e9e6b",
                    text=[ui.fmt_pct(v) for v in dims["share"]], textposition="outside", cliponaxis=False,
                    customdata=dims[["score_sum", "weight_sum"]].to_numpy(),
                    hovertemplate="%{y}<br>得分 %{customdata[0]:.2f} / 分值 %{customdata[1]:.2f}<extra></extra>")
        fig.update_xaxes(title="得分率（%）", range=[0, 130], tickvals=[0, 20, 40, 60, 80, 100])  # room for "100.00%"
        fig.update_yaxes(autorange="reversed", title=None)
        fig.update_layout(height=max(260, 40 * len(dims) + 100))
        ui.chart(fig, "dims")
    loss = dbread.query("indicator_losses", f, limit=15)
    loss = loss[loss["points_lost"] > 0]
    with right:
        st.markdown("**失分最多的指标层级**（一级／二级指标）")
        if loss.empty:
            st.caption("没有扣分的指标。")
        else:
            lab = loss["level1"].map(ui.blank) + "／" + loss["level2"].map(ui.blank)
            fig = go.Figure()
            fig.add_bar(y=lab, x=loss["points_lost"], orientation="h", marker_color="#c2453d",
                        text=[f"{v:.2f} 分" for v in loss["points_lost"]], textposition="outside", cliponaxis=False,
                        customdata=loss[["n_deducted", "n_indicators"]].to_numpy(),
                        hovertemplate="%{y}<br>失分 %{x:.2f}<br>扣分指标 %{customdata[0]} / %{customdata[1]} 项<extra></extra>")
            # headroom for the value labels right of the longest bar, so none is cut at the edge
            fig.update_xaxes(title="失分合计（分）", range=[0, float(loss["points_lost"].max()) * 1.22])
            fig.update_yaxes(autorange="reversed", title=None)
            fig.update_layout(height=max(260, 30 * len(loss) + 100))
            ui.chart(fig, "losses")
    if not loss.empty:
        ui.table(loss, {"level1": ("一级指标", "text"), "level2": ("二级指标", "text"),
                        "points_lost": ("失分合计", "score"), "loss_share": ("失分率", "pct"),
                        "n_indicators": ("指标数", "int"), "n_deducted": ("扣分指标数", "int"),
                        "weight_sum": ("分值合计", "score")}, key="t_loss")
