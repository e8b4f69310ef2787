"""会议简报: the briefing pack (HTML, Excel, CSV) for the current filters, the link of this view,
and the year-over-year comparison of one project."""
import functools
import os

import streamlit as st

from perfeval.app import briefing, dbread, ui

f = ui.setup_page("会议简报", "为评审会议准备材料：按左侧筛选条件生成可打印的简报和数据表；链接可直接发给同事，打开后是同一视图。")

k = dbread.query("overview_kpis", f).iloc[0]
if not k["n_evals"]:
    ui.no_rows()
    st.stop()

st.markdown(f"**筛选条件：** {ui.plain(briefing.describe_filters(f))}")
c = st.columns(4)
ui.kpi(c[0], "评价项数", ui.fmt_int(k["n_evals"]))
ui.kpi(c[1], "涉及单位", ui.fmt_int(k["n_units"]))
ui.kpi(c[2], "加权执行率", ui.fmt_pct(k["weighted_rate"]))
ui.kpi(c[3], "平均得分", ui.fmt_score(k["mean_score"]))

st.subheader("下载")
left, right = st.columns(2)
with left:
    st.markdown("**简报与数据表**")
    ui.briefing_downloads(f, container=st.container())
    st.caption("HTML 简报离线可用（图表可交互），在浏览器中打印即得 A4 版面。Excel 中金额以元计、比例以百分比显示，"
               f"每张表至多 {briefing.EXPORT_ROW_LIMIT:,} 行。")
with right:
    st.markdown("**单表 CSV**（UTF-8 带 BOM，Excel 可直接打开）")
    table_key = st.selectbox("数据表", list(briefing.EXPORTS), format_func=briefing.EXPORT_TITLES.get, key="csv_table",
                             bind="query-params")
    st.download_button(f"下载「{briefing.EXPORT_TITLES[table_key]}」CSV", key="dl_csv", on_click="ignore",
                       data=functools.partial(briefing.table_csv, dbread.db_path(), f, table_key),
                       file_name=f"{briefing.file_stem(f)}_{briefing.EXPORT_TITLES[table_key]}.csv",
                       mime="text/csv", icon=":material/download:")
    st.caption(f"至多 {briefing.EXPORT_ROW_LIMIT:,} 行（按单位、年度、项目排序），每行注明来源文件与行号。")

st.subheader("分享当前视图")
url = ui.view_url()
if url:
    st.code(url, language=None, wrap_lines=True)
    if ui.is_loopback(url):
        st.warning("这是本机地址（看板是通过 localhost / 127.0.0.1 打开的），同事无法打开。请用同事能访问的地址打开看板，"
                   f"或在启动看板前设置环境变量 `{ui.PUBLIC_URL_ENV}`（例如 `https://kanban.example.gov.cn`）。",
                   icon=":material/warning:")
st.caption("每个页面的筛选条件、页面设置和所选评价都在浏览器地址栏的链接中：把链接发给同事，对方打开后看到的是同一视图。"
           "链接使用打开本页时的地址" + (f"（已按 {ui.PUBLIC_URL_ENV} 设置）" if os.environ.get(ui.PUBLIC_URL_ENV) else "") + "。")

st.subheader("同一项目跨年度对比")
q = st.text_input("查找项目", key="yoy_q", bind="query-params", placeholder="输入项目名称中的文字（可不填）",
                  icon=":material/search:").strip()
if not q and k["n_evals"] >= briefing.YOY_LIST_ALL_BELOW:
    st.info(f"筛选范围内有 {ui.fmt_int(k['n_evals'])} 项评价。请输入项目名称中的文字，或在左侧选择单位，"
            "再选择要对比的项目。", icon=":material/search:")
    st.stop()
projects = dbread.query("yoy_projects", f, q=q or None, limit=200)
if projects.empty:
    st.caption("筛选范围内没有同一单位同一项目在两个及以上年度的评价" + (f"（项目名称含「{ui.plain(q)}」）。" if q else "。"))
else:
    names = {r.newest_eval_id: ui.eval_label(r.unit, r.project, r.years) for r in projects.itertuples()}
    chosen = st.selectbox("选择项目", list(names), format_func=names.get, key="yoy", bind="query-params",
                          help="同一单位、同一项目（名称比较时忽略年份、空格和末尾的「项目」）在两个及以上年度的评价")
    if len(projects) >= 200:
        st.caption("只列出年度最多的 200 个项目；可输入项目名称或用左侧的单位筛选缩小范围。")
    ui.year_comparison(chosen, key="yoy_cmp", link_all=True)
