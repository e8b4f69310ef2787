"""总览: KPI cards, data-quality notes and alerts. Main script of the dashboard (streamlit run app.py)."""
import plotly.graph_objects as go
import streamlit as st

from perfeval.app import dbread, ui

f = ui.setup_page("总览", "预算绩效评价的整体情况：执行、得分、等级与需要关注的事项。")

k = dbread.query("overview_kpis", f).iloc[0]
if not k["n_evals"]:
    ui.no_rows()
    st.stop()

grades = dbread.query("grade_mix", f)
gsum = grades.groupby("grade")["n"].sum().to_dict()
years = (f"{int(k['year_min'])}–{int(k['year_max'])} 年" if k["n_years"] > 1
         else (f"{int(k['year_min'])} 年" if k["n_years"] else "—"))

c = st.columns(4)
ui.kpi(c[0], "评价项数", ui.fmt_int(k["n_evals"]), help="筛选范围内的评价项数（一个项目或部门整体在一份文档中的一次评价为一项）")
ui.kpi(c[1], "涉及单位", ui.fmt_int(k["n_units"]))
ui.kpi(c[2], "覆盖年度", f"{int(k['n_years'])} 个", help=years)
ui.kpi(c[3], "平均得分", ui.fmt_score(k["mean_score"]),
       help=f"{ui.fmt_int(k['n_with_score'])} 项评价给出了得分")
c = st.columns(4)
ui.kpi_money(c[0], "预算总额", k["budget_yuan"], f"全年预算数合计（{ui.fmt_int(k['n_with_budget'])} 项评价列出了预算数）")
ui.kpi_money(c[1], "执行总额", k["spent_matched_yuan"],
             f"与预算数对应的全年执行数合计；含未列预算数的评价，执行数合计为 {ui.fmt_money_exact(k['spent_yuan'])}")
ui.kpi(c[2], "加权执行率", ui.fmt_pct(k["weighted_rate"]),
       help=f"执行数合计 ÷ 预算数合计，仅计同时给出两者的评价（{ui.fmt_int(k['n_with_rate'])} 项有执行率）")
# a grade and its count never part when the mix wraps (U+2060 joins them)
ui.kpi(c[3], "等级构成", " · ".join(f"{g}\u2060{gsum[g]}" for g in ui.GRADE_ORDER if g in gsum) or "—",
       help="报告所述等级；未写明等级的按得分折算（≥90 优，80–90 良，60–80 中，<60 差）")
st.caption(f"年度范围：{years}。金额以万元或亿元计，悬停在「?」上可看到精确数；{ui.EXEC_RATE_HELP}。")

st.subheader("需要关注")
low = dbread.query("alerts_low_execution", f, limit=5)
st.markdown("**执行率最低的评价**")
if low.empty:
    st.caption("当前筛选条件下没有执行率数据。")
else:
    ui.evaluation_table(low, {"execution_rate": ("执行率", "pct", ui.EXEC_RATE_HELP), "budget_yuan": ("预算数", "wan"),
                              "spent_yuan": ("执行数", "wan")}, key="t_low")
lag = dbread.query("alerts_progress_lag", f, limit=5)
st.markdown("**支出进度滞后于序时进度最多的评价**（序时进度按月均衡：第 m 月末应达 m/12）")
if lag.empty:
    st.caption("当前筛选条件下没有落后于序时进度的支出进度记录。")
else:
    lag = lag.assign(lag_at=lag["lag_month"].map(lambda m: f"{int(m)}月末"),
                     pattern=lag["back_loaded"].map({True: "前低后高", False: ""}))
    ui.evaluation_table(lag, {"max_lag_pp": ("落后", "pp", "该评价各月累计支出进度落后于序时进度的最大值"),
                              "lag_at": ("滞后最多时点", "text"), "pattern": ("支出特征", "text")}, key="t_lag")
rep = dbread.query("findings_repeat", f, limit=8)
st.markdown("**屡次出现的问题类别**（同一单位、同一类别、两个及以上年度）")
if rep.empty:
    st.caption("当前筛选条件下没有跨年度重复出现的问题类别。")
else:
    rep = rep.assign(cat=rep["category"].map(ui.cat_label))
    ui.table(rep, {"unit": ("单位", "unit"), "cat": ("问题类别", "text"), "years": ("出现年度", "text"),
                   "n_findings": ("问题条数", "int")}, key="t_rep")
    st.page_link("pages/4_problems.py", label="到「问题归类」查看具体表述", icon=":material/arrow_forward:",
                 query_params=ui.filter_query_params())

left, right = ui.side_by_side(2, "overview")
with left:
    st.subheader("等级构成")
    if grades.empty:
        st.caption("当前筛选条件下没有等级或得分。")
    else:
        g = grades.assign(how=grades["stated"].map({True: "报告所述", False: "按得分折算"}))
        fig = go.Figure()
        for how, part in g.groupby("how", sort=False):
            counts = part.groupby("grade")["n"].sum().reindex(ui.GRADE_ORDER).fillna(0).astype(int)
            fig.add_bar(x=[ui.GRADE_LABELS[x].replace("（", "<br>（") for x in counts.index], y=counts, name=how,
                        text=[str(v) if v else "" for v in counts], textposition="inside",
                        textangle=0)  # a count that does not fit level is left to the hover, not turned
        fig.update_layout(barmode="stack", yaxis_title="评价项数", height=300, uniformtext=dict(minsize=11, mode="hide"))
        ui.chart(fig, "grade_mix")
with right:
    st.subheader("数据质量")
    checks = dbread.query("checks_summary", f)
    if checks.empty:
        st.success("当前筛选范围内的评价没有数据质量提示。", icon=":material/check_circle:")
    else:
        by_sev = checks.groupby("severity")["n"].sum()
        st.markdown("导入时共发现 **{}** 条数据质量提示：{}。".format(
            int(by_sev.sum()),
            "，".join(f"{ui.SEVERITY_LABELS.get(s, s)} {int(by_sev[s])} 条"
                      for s in ("error", "warning", "info") if s in by_sev)))
        checks = checks.assign(sev=checks["severity"].map(ui.SEVERITY_LABELS),
                               rule_label=checks["rule"].map(lambda r: ui.RULE_LABELS.get(r, r)))
        ui.table(checks, {"rule_label": ("检查项", "text"), "n": ("条数", "int"), "sev": ("级别", "text")},
                 key="t_checks")
        st.caption("每条提示可在「评价明细」中查看原文出处。")
