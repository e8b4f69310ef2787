"""评价明细: one evaluation with every field, its source lines, indicators, findings and checks."""
import pandas as pd
import streamlit as st

from perfeval.app import dbread, ui

f = ui.setup_page("评价明细", "一项评价的全部字段、指标、问题与数据质量提示；每个数值都注明它在原文中的出处。")

MONEY = {"budget_initial_yuan", "budget_yuan", "funds_received_yuan", "spent_yuan"}
RATE = {"execution_rate"}
SCORE = {"score", "score_decision", "score_process", "score_performance", "score_execution", "score_execution_max"}


def show_value(field: str, v) -> str:
    if v is None or (isinstance(v, float) and v != v) or v is pd.NA:
        return "—"
    if field in MONEY:
        return ui.fmt_wan(v)
    if field in RATE:
        return ui.fmt_pct(v)
    if field in SCORE:
        return ui.fmt_score(v)
    if field == "scope":
        return ui.SCOPE_LABELS.get(v, v)
    if field == "source_kind":
        return ui.KIND_LABELS.get(v, v)
    if field == "execution_rate_stated":
        return "是（报告所述）" if v else "否（由金额计算）"
    if field == "year":
        return f"{int(v)}年"
    return str(v)


def pick(key: str) -> None:
    """Dataframe selection callback: make the chosen row the current evaluation."""
    sel = st.session_state[key].selection.rows
    table = st.session_state.get("_pick_ids") or []
    if sel and sel[0] < len(table):
        st.session_state["eval_pick"] = table[sel[0]]


# The chosen evaluation lives in the URL (?eval=<eval_id>); the picker is kept in sync with it.
current = st.session_state.get("eval_pick") or st.query_params.get("eval")
q = st.text_input("查找评价", key="q", bind="query-params", placeholder="输入项目或单位名称中的文字", icon=":material/search:")
found = dbread.query("eval_search", f, q=q.strip() or None, limit=200)
names = {r.eval_id: ui.eval_label(r.unit, r.project, r.year) for r in found.itertuples()}
options = list(names)
if current and current not in names:
    cur = dbread.query("eval_detail", eval_id=current)
    if not cur.empty:
        r = cur.iloc[0]
        names[current] = ui.eval_label(r["unit"], r["project"], r["year"])
        options.insert(0, current)
eval_id = st.selectbox("评价", options, index=options.index(current) if current in options else None,
                       format_func=lambda i: names.get(i, i), key="eval_pick", placeholder="请选择一项评价")
if eval_id:
    st.query_params["eval"] = eval_id
elif "eval" in st.query_params:
    del st.query_params["eval"]

if not eval_id:
    if current:
        st.warning("链接中的评价在当前数据库中不存在（可能已被重新导入）。请重新选择。", icon=":material/warning:")
    if found.empty:
        ui.no_rows("没有符合条件的评价")
        st.stop()
    st.info("请在上方选择一项评价，或在下表中选中一行；其他页面的图表和表格也可以直接点击跳转到这里。", icon=":material/touch_app:")
    st.session_state["_pick_ids"] = found["eval_id"].tolist()
    found = found.assign(scope_l=found["scope"].map(lambda s: ui.SCOPE_LABELS.get(s, s)))
    st.dataframe(
        found.assign(execution_rate=found["execution_rate"] * 100)[
            ["unit", "year", "project", "scope_l", "execution_rate", "score"]],
        hide_index=True, key="pick_table", on_select=lambda: pick("pick_table"), selection_mode="single-row",
        placeholder=ui.MISSING,
        column_config={"unit": "单位", "year": st.column_config.NumberColumn("年度", format="%d"),
                       "project": "项目", "scope_l": "评价范围",
                       "execution_rate": st.column_config.NumberColumn("执行率", format="%.2f%%"),
                       "score": st.column_config.NumberColumn("得分", format="%.2f")})
    st.stop()

d = dbread.query("eval_detail", eval_id=eval_id)
if d.empty:
    st.warning("该评价在当前数据库中不存在（可能已被重新导入）。", icon=":material/warning:")
    st.stop()
e = d.iloc[0]
src = dbread.query("eval_field_sources", eval_id=eval_id)
ind = dbread.query("eval_indicators", eval_id=eval_id)
fnd = dbread.query("eval_findings", eval_id=eval_id)
chk = dbread.query("eval_checks", eval_id=eval_id)

st.header(f"{e['project'] or '（未注明项目）'}")
st.markdown(f"**{e['unit'] or '（未注明单位）'}** · {show_value('year', e['year'])} · "
            f"{ui.SCOPE_LABELS.get(e['scope'], e['scope'] or '—')} · {ui.KIND_LABELS.get(e['source_kind'], e['source_kind'] or '—')}")
c = st.columns(5)
ui.kpi_money(c[0], "全年预算数", e["budget_yuan"])
ui.kpi_money(c[1], "全年执行数", e["spent_yuan"])
ui.kpi(c[2], "预算执行率", ui.fmt_pct(e["execution_rate"]),
       help=None if e["execution_rate"] != e["execution_rate"] else
       ("报告所述" if e["execution_rate_stated"] else "由执行数 ÷ 预算数计算"))
ui.kpi(c[3], "总得分", ui.fmt_score(e["score"]))
grade = e["grade"] if isinstance(e["grade"], str) else None
if grade:
    ui.kpi(c[4], "等级", grade)
else:
    ui.kpi(c[4], "等级（按得分折算）", e["grade_from_score"] if isinstance(e["grade_from_score"], str) else "—")
st.caption(f"来源文档：{ui.doc_name(e['doc_title'], e['file_name'])}（{ui.line_range(e['line_start'], e['line_end'])}）· "
           f"入库时间 {pd.Timestamp(e['ingested_at']):%Y-%m-%d %H:%M} · 评价编号 {eval_id}")

# Every row of 字段与出处: the fields with where each was read, then each spending-progress point
# with its lines (progress is a figure of this evaluation too). Built before the tabs, whose labels
# carry these counts.
fields = [c for c in ui.FIELD_LABELS if c in d.columns and c not in
          ("eval_id", "doc_id", "line_start", "line_end", "file_name", "file_format", "ingested_at", "sha256")]
srcmap = {r.field: r for r in src.itertuples()}
rows = []
for fld in fields:
    s = srcmap.get(fld)
    rows.append({"字段": ui.FIELD_LABELS[fld], "数值": show_value(fld, e[fld]),
                 "读取方式": ui.ocr_note(s.ocr_confidence) if s is not None else "",
                 "出处": (f"{s.file_name} {ui.line_range(s.line_start, s.line_end)}"
                        if s is not None and s.line_start == s.line_start
                        else ("由其他字段推算" if fld in ("grade_from_score", "scope", "source_kind") else "—")),
                 "原文片段": s.snippet if s is not None else ""})
pts = dbread.query("progress_points", eval_id=eval_id)
for p in pts.itertuples():
    rows.append({"字段": f"累计支出进度（{int(p.month)}月末，{ui.SOURCE_LABELS.get(p.source, p.source)}）",
                 "数值": ui.fmt_pct(p.cumulative_rate),
                 "出处": f"{e['file_name']} {ui.line_range(p.line_start, p.line_end)}" if p.line_start == p.line_start else "—",
                 "原文片段": ""})

# The open tab is part of the view's link (?tab=…); its labels carry this evaluation's counts.
t1, t2, t3, t4, t5 = st.tabs([f"字段与出处（{len(rows)}）", f"绩效指标（{len(ind)}）", f"问题与建议（{len(fnd)}）",
                              f"数据质量（{len(chk)}）", "历年对比"], key="tab", bind="query-params")
scanned = bool(src["ocr_confidence"].notna().any())
with t1:
    shown = pd.DataFrame(rows)
    if not scanned:  # the column says which figures a scan gave: only where there is one
        shown = shown.drop(columns="读取方式")
    st.dataframe(shown, hide_index=True, width="stretch", placeholder=ui.MISSING,
                 column_config={"字段": st.column_config.TextColumn("字段", width=250),  # "累计支出进度（12月末，…）" whole
                                "原文片段": st.column_config.TextColumn("原文片段", width="large")},
                 height=38 + 35 * len(rows))
    st.caption(f"行号指来源文档「{ui.plain(ui.doc_name(e['doc_title'], e['file_name']))}」中的行；"
               + (f"最后 {len(pts)} 行是支出进度的各月数值及其出处。" if len(pts) else "")
               + "原文片段按纯文本显示。"
               + ("「读取方式」标注「扫描件 OCR」的数值由扫描件或照片经文字识别读出，括号内为识别置信度，"
                  "置信度偏低的数值另有数据质量提示，请与原件核对。" if scanned else ""))
with t2:
    if ind.empty:
        st.caption("该评价没有逐项指标评分。")
    else:
        ui.table(ind, {"seq": ("序号", "int"), "level1": ("一级指标", "text"), "level2": ("二级指标", "text"),
                       "levels_stated": ("原文写法（一级／二级）", "text"), "name": ("三级指标", "text"),
                       "target": ("目标值", "text"), "actual": ("实际完成值", "text"),
                       "weight": ("分值", "score"), "score": ("得分", "score"), "points_lost": ("失分", "score"),
                       "note": ("偏差原因", "text"), "line_start": ("原文行", "int")},
                 key="t_ind", height=min(600, 38 + 35 * len(ind)))
        st.caption(f"分值合计 {ui.fmt_score(ind['weight'].sum())}，得分合计 {ui.fmt_score(ind['score'].sum())}。")
with t3:
    if fnd.empty:
        st.caption("该评价没有列出问题或建议。")
    else:
        labels = ui.category_labels()
        for kind, part in fnd.groupby("kind", sort=False):
            st.markdown(f"**{ui.FINDING_KIND_LABELS.get(kind, kind)}**")
            part = part.assign(cat=part["category"].map(lambda c: labels.get(c, "") if isinstance(c, str) else ""),
                               cat2=part["categories_secondary"].map(
                                   lambda s: "、".join(labels.get(x, x) for x in s.split(",")) if isinstance(s, str) else ""))
            cols = {"seq": ("序号", "int"), "text": ("原文表述", "text")}
            if kind == "problem":
                cols.update({"cat": ("问题类别", "text"), "cat2": ("兼属类别", "text"),
                             "matched_terms": ("归类依据", "text")})
            cols["line_start"] = ("原文行", "int")
            ui.table(part, cols, key=f"t_f_{kind}")
with t4:
    if chk.empty:
        st.success("该评价没有数据质量提示。", icon=":material/check_circle:")
    else:
        chk = chk.assign(sev=chk["severity"].map(ui.SEVERITY_LABELS),
                         rule_l=chk["rule"].map(lambda r: ui.RULE_LABELS.get(r, r)))
        ui.table(chk, {"sev": ("级别", "text"), "rule_l": ("检查项", "text"), "message": ("说明", "text")}, key="t_chk")
with t5:
    st.caption("同一单位、同一项目各年度的预算、执行、得分与问题并列比较；同一问题类别在两个及以上年度出现即为重复出现。")
    if t5.open is not False:  # the bound tabs track which one is open: other years are read only when shown
        ui.year_comparison(eval_id, key="detail_yoy")
