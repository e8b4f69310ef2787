"""问题归类: problem categories by unit × year and category × year, trend, repeats, statements."""
import plotly.graph_objects as go
import streamlit as st

from perfeval import dbread, ui

f = ui.setup_page("问题归类", "评价报告指出的问题按统一分类统计；「屡次出现」指同一单位同一类问题在两个及以上年度出现。")
labels = ui.category_labels()

cy = dbread.query("findings_category_year", f)
if cy.empty:
    ui.no_rows("当前筛选条件下的评价没有列出问题")
    st.stop()
cy = cy.assign(cat=cy["category"].map(lambda c: labels.get(c, c)),
               yl=cy["year"].map(lambda y: f"{int(y)}年" if y else "年度不详"))
c = st.columns(3)
ui.kpi(c[0], "问题条数", ui.fmt_int(cy["n_findings"].sum()))
ui.kpi(c[1], "涉及问题类别", ui.fmt_int(cy["category"].nunique()))
rep = dbread.query("findings_repeat", f, limit=200)
ui.kpi(c[2], "屡次出现（单位×类别）", ui.fmt_int(len(rep)))

left, right = st.columns(2)
with left:
    st.subheader("问题类别 × 年度")
    piv = cy.pivot_table(index="cat", columns="yl", values="n_findings", aggfunc="sum", fill_value=0)
    piv = piv.loc[piv.sum(axis=1).sort_values(ascending=False).index]
    fig = go.Figure(go.Heatmap(z=piv.to_numpy(), x=list(piv.columns), y=list(piv.index), colorscale="Blues",
                               text=piv.to_numpy(), texttemplate="%{text}", colorbar=dict(title="条数"),
                               hovertemplate="%{y}｜%{x}：%{z} 条<extra></extra>"))
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(type="category")
    fig.update_layout(height=max(300, 32 * len(piv) + 100))
    ev = ui.chart(fig, "cat_year", clickable=True)
with right:
    st.subheader("单位 × 年度")
    uy = dbread.query("findings_unit_year", f, limit=25)
    uy = uy.assign(yl=uy["year"].map(lambda y: f"{int(y)}年" if y else "年度不详"),
                   unit=uy["unit"].map(lambda u: u or "（未注明单位）"))
    piv2 = uy.pivot_table(index="unit", columns="yl", values="n_findings", aggfunc="sum", fill_value=0)
    fig = go.Figure(go.Heatmap(z=piv2.to_numpy(), x=list(piv2.columns), y=list(piv2.index), colorscale="Oranges",
                               text=piv2.to_numpy(), texttemplate="%{text}", colorbar=dict(title="条数"),
                               hovertemplate="%{y}｜%{x}：%{z} 条<extra></extra>"))
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(type="category")
    fig.update_layout(height=max(300, 32 * len(piv2) + 100))
    ui.chart(fig, "unit_year")
    st.caption("列出问题最多的至多 25 个单位。")

st.subheader("问题类别趋势")
fig = go.Figure()
for cat, part in cy.groupby("cat", sort=False):
    part = part[part["year"] > 0].sort_values("year")
    fig.add_scatter(x=[f"{int(y)}年" for y in part["year"]], y=part["n_findings"], mode="lines+markers", name=cat)
fig.update_xaxes(type="category", categoryorder="category ascending")
fig.update_yaxes(title="问题条数", rangemode="tozero")
fig.update_layout(height=360)
ui.chart(fig, "trend")

st.subheader("屡次出现的问题")
if rep.empty:
    st.caption("当前筛选范围内没有同一单位在两个及以上年度出现的同类问题。")
else:
    rep = rep.assign(cat=rep["category"].map(lambda c: labels.get(c, c)))
    ui.table(rep, {"unit": ("单位", "text"), "cat": ("问题类别", "text"), "n_years": ("出现年度数", "int"),
                   "years": ("出现年度", "text"), "n_findings": ("问题条数", "int")},
             key="t_repeat", height=min(400, 38 + 35 * len(rep)))

st.subheader("问题原文")
st.caption("选择类别、年度、单位（或点击上方「问题类别 × 年度」中的格子），查看对应的问题表述及其出处。")
cats = [c for c in piv.index]
code_of = {v: k for k, v in labels.items()}
years = sorted({int(y) for y in cy["year"] if y})
units = sorted(u for u in uy["unit"].unique() if u != "（未注明单位）")
clicked = None
try:
    pts = ev.selection.points
    if pts:
        clicked = pts[0]
except AttributeError:
    pass
if clicked:
    st.session_state["cell_cat"] = clicked.get("y")
    yl = str(clicked.get("x", ""))
    st.session_state["cell_year"] = int(yl[:-1]) if yl.endswith("年") and yl[:-1].isdigit() else None
c1, c2, c3 = st.columns(3)
cat_sel = c1.selectbox("问题类别", cats, index=None, placeholder="全部类别", key="cell_cat")
year_sel = c2.selectbox("年度", years, index=None, placeholder="全部年度", key="cell_year",
                        format_func=lambda y: f"{y}年")
unit_sel = c3.selectbox("单位", units, index=None, placeholder="全部单位", key="cell_unit")
stm = dbread.query("findings_statements", f, category=code_of.get(cat_sel, cat_sel) if cat_sel else None,
                   year=year_sel, unit=unit_sel, limit=200)
if stm.empty:
    st.caption("没有符合条件的问题表述。")
else:
    stm = stm.assign(cat=stm["category"].map(lambda c: labels.get(c, c)),
                     source=stm["file_name"] + " 第" + stm["line_start"].astype("Int64").astype(str) + "行")
    ev2 = ui.table(stm, {"text": ("问题表述", "text"), "cat": ("类别", "text"), "unit": ("单位", "text"),
                         "year": ("年度", "int"), "project": ("项目", "text"), "matched_terms": ("归类依据", "text"),
                         "source": ("出处", "text")}, key="t_stm", select=True,
                   height=min(480, 38 + 35 * len(stm)))
    st.caption(f"共 {len(stm)} 条" + ("（仅显示前 200 条）" if len(stm) >= 200 else "") + "。选中一行可查看该评价明细。")
    row = ui.selected_row(ev2, stm)
    if row is not None:
        ui.go_detail(row["eval_id"])
