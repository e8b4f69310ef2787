"""问题归类: problem categories by unit × year and category × year, trend, recurrence with the
earlier years' suggestions, statements with their explanation and a manager's correction, and
candidate themes among the problems the taxonomy does not place well."""
import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from plotly.subplots import make_subplots

from perfeval.app import access, dbread, ui
from perfeval.classify import taxonomy as classify
from perfeval.classify import themes
from perfeval.store import problems, rollups

f = ui.setup_page("问题归类", "评价报告指出的问题按统一分类统计；「屡次出现」指同一单位同一类问题在两个及以上年度出现。"
                  "分类规则见 data/taxonomy.yaml，每条问题都保留了归类依据（命中的短语）。")
labels = ui.category_labels()
tax = classify.load_taxonomy()
CODES = [c for c in classify.CODES if c in labels]
SOURCE_LABELS = {"auto": "自动", "manual": "人工修正"}
RULE_KINDS = {"话题词", "话题词+问题用语"}  # else a signal phrase (a regular expression) of the taxonomy
STATUS_HELP = ("已针对：之前年度的建议或整改措施归入同一类别，或与同一报告中该年同类问题有两个以上共同关键词；"
               "部分针对：只有部分之前年度如此；未针对：之前年度有建议或整改，但不涉及此类问题；"
               "无建议记录：之前年度的报告没有列出建议或整改。")


def hover_safe(text) -> str:
    """Report phrases in plotly hover labels: no markup (plotly reads <b>, <br>, &…; as HTML)."""
    return str(text).replace("&", "＆").replace("<", "＜").replace(">", "＞")


def hover_terms(terms) -> str:
    """The heat map cell's deciding phrases, one per line, long ones shortened."""
    if not isinstance(terms, str) or not terms:
        return "—"
    return "<br>".join(hover_safe(t if len(t) <= 16 else t[:15] + "…") for t in terms.split("\n"))


def cat_names(codes) -> str:
    if not isinstance(codes, str) or not codes:
        return ""
    return "、".join(labels.get(c, c) for c in codes.split(",") if c)


def where(x) -> str:
    """A statement's source: file and first line."""
    return f"{x.file_name} {ui.line_range(x.line_start)}" if pd.notna(x.line_start) else str(x.file_name)


def advice_line(x, category: str) -> str:
    """An earlier year's suggestion that addresses the category, why, and where it was read."""
    shared = x.shared_terms.split("、") if isinstance(x.shared_terms, str) else []
    return f"{int(x.year)}年：{x.text}（{themes.basis(category, bool(x.by_category), shared, labels)}；{where(x)}）"


def strength(score) -> str:
    if score is None or pd.isna(score):
        return "—"
    if score <= 0:
        return "无匹配"
    return "强" if score >= tax.strong else "弱"


if not dbread.query("problem_schema")["ready"].iloc[0]:
    st.info("数据库是由较早版本写入的，还没有问题归类所需的字段（归类依据得分、人工修正）。运行下面的命令即可补齐"
            "（几秒钟，不需要重新导入），然后刷新本页：", icon=":material/update:")
    st.code(f"python -m perfeval reclassify --db {dbread.db_path()}", language="bash")
    st.stop()


@st.cache_data(max_entries=32, ttl=3600, show_spinner="正在分词并归纳主题…")
def grouped(version: tuple, filters: dbread.Filters, strong: float, fingerprint: str):
    """Candidate themes of the filtered weak problems, once per data version and filters: the key
    terms stored at ingest (problem_statements), computed here only at a non-default strong line."""
    weak = dbread.query("problem_weak", filters, strong=strong, limit=2000)
    if strong == rollups.WEAK_BELOW:
        terms = [t.split("、") if isinstance(t, str) else [] for t in weak["key_terms"]]
        hints = [h if isinstance(h, str) else None for h in weak["hint"]]
    else:
        terms, hints = themes.terms_and_hints(weak["text"].tolist())
    res = themes.group_by_terms(terms, hints)
    return [(t.term, t.related, t.items, t.hint, t.hint_share) for t in res.themes], res.ungrouped


cy = dbread.query("findings_category_year", f)
if cy.empty:
    ui.no_rows("当前筛选条件下的评价没有列出问题")
    st.stop()
cy = cy.assign(cat=cy["category"].map(lambda c: labels.get(c, c)),
               yl=cy["year"].map(lambda y: f"{int(y)}年" if y else "年度不详"))
counts = dbread.query("problem_counts", f, strong=tax.strong).iloc[0]
rec = dbread.query("problem_recurrence", f, limit=50)
n_pairs = int(rec["n_pairs"].iloc[0]) if len(rec) else 0
c = st.columns(5)
ui.kpi(c[0], "问题条数", ui.fmt_int(cy["n_findings"].sum()))
ui.kpi(c[1], "涉及问题类别", ui.fmt_int(cy["category"].nunique()))
ui.kpi(c[2], "屡次出现（单位×类别）", ui.fmt_int(n_pairs))
ui.kpi(c[3], "归入「其他」或弱匹配", ui.fmt_int(counts["n_other"] + counts["n_weak"]),
       help=f"「其他」{ui.fmt_int(counts['n_other'])} 条，弱匹配 {ui.fmt_int(counts['n_weak'])} 条"
            f"（得分低于 {tax.strong:g}）；见页面下方「候选主题」")
ui.kpi(c[4], "人工修正", ui.fmt_int(counts["n_manual"]), help="管理人员修正过类别的问题条数")

# ---- heat maps and trend ------------------------------------------------------------------------
# Full width, one column per year of the range (a year without problems keeps its slot), counts
# in 12 px: readable up to 12 categories or 25 units × 10 years.
terms = dbread.query("problem_category_terms", f)
term_of = {(r.category, int(r.year)): r.terms for r in terms.itertuples()}
year_labels = [f"{y}年" for y in ui.year_range(f, cy["year"])]
if (cy["year"] == 0).any():
    year_labels.append("年度不详")
st.subheader("问题类别 × 年度")
piv = cy.pivot_table(index="cat", columns="yl", values="n_findings", aggfunc="sum", fill_value=0)
piv = piv.reindex(columns=year_labels, fill_value=0)
piv = piv.loc[piv.sum(axis=1).sort_values(ascending=False).index]
code_of = {v: k for k, v in labels.items()}
year_of = {yl: (int(yl[:-1]) if yl.endswith("年") and yl[:-1].isdigit() else 0) for yl in piv.columns}
hover = [[hover_terms(term_of.get((code_of.get(cat, cat), year_of[yl]))) for yl in piv.columns]
         for cat in piv.index]
fig = go.Figure(go.Heatmap(z=piv.to_numpy(), x=list(piv.columns), y=list(piv.index), colorscale="Blues",
                           text=piv.to_numpy(), texttemplate="%{text}", textfont=dict(size=12),
                           colorbar=dict(title="条数", thickness=12), customdata=hover, xgap=2, ygap=2,
                           hovertemplate="%{y}｜%{x}：%{z} 条<br>主要归类依据：<br>%{customdata}<extra></extra>"))
fig.update_yaxes(autorange="reversed")
ui.heatmap_year_columns(fig, list(piv.columns))
fig.update_layout(height=max(260, 30 * len(piv) + 110))
ev = ui.chart(fig, "cat_year", clickable=True)
st.caption("鼠标悬停可看到该格问题最常见的归类依据（命中的短语及次数）；点击格子可在下方列出对应的问题原文。")

st.subheader("单位 × 年度")
uy = dbread.query("findings_unit_year", f, limit=25)
uy = uy.assign(yl=uy["year"].map(lambda y: f"{int(y)}年" if y else "年度不详"),
               unit=uy["unit"].map(lambda u: u or "（未注明单位）"))
piv2 = uy.pivot_table(index="unit", columns="yl", values="n_findings", aggfunc="sum", fill_value=0)
piv2 = piv2.reindex(columns=[y for y in year_labels if y != "年度不详" or y in piv2.columns], fill_value=0)
piv2 = piv2.loc[piv2.sum(axis=1).sort_values(ascending=False, kind="stable").index]
fig = go.Figure(go.Heatmap(z=piv2.to_numpy(), x=list(piv2.columns), y=ui.short_units(piv2.index),
                           colorscale="Oranges", text=[[f"{v:.0f}" if v else "" for v in row] for row in piv2.to_numpy()],
                           texttemplate="%{text}", textfont=dict(size=12),  # zeros blank: the counts stand out
                           colorbar=dict(title="条数", thickness=12), xgap=2, ygap=2,
                           customdata=[[u] * len(piv2.columns) for u in piv2.index],
                           hovertemplate="%{customdata}｜%{x}：%{z} 条<extra></extra>"))
fig.update_yaxes(autorange="reversed")
ui.heatmap_year_columns(fig, list(piv2.columns))
fig.update_layout(height=max(260, 30 * len(piv2) + 110))
ui.chart(fig, "unit_year")
st.caption("列出问题最多的至多 25 个单位，问题最多的在上。")

st.subheader("问题类别趋势")
# Small multiples, one panel per category on a shared scale: 10–12 categories as lines in one
# plot are a tangle; every year of the range is on each axis, a year without problems at 0.
trend = piv.drop(columns=[c for c in piv.columns if c == "年度不详"])
# two panels a row: a category's name and the years fit half of a 1024 px screen's page
n_cols = 2
n_rows = -(-len(trend) // n_cols)
# every year a tick: "2018" fits half the page up to 8 years, "’18" up to 12 and more
ticks = [yl[:-1] if len(trend.columns) <= 8 else "’" + yl[2:4] for yl in trend.columns]
fig = make_subplots(rows=n_rows, cols=n_cols, shared_yaxes=True, vertical_spacing=0.55 / max(n_rows, 1),
                    horizontal_spacing=0.03,
                    subplot_titles=[f"{cat}（{int(trend.loc[cat].sum())} 条）" for cat in trend.index])
for i, cat in enumerate(trend.index):
    fig.add_scatter(x=list(trend.columns), y=trend.loc[cat].tolist(), mode="lines+markers", name=cat,
                    line=dict(color="#1f5fa8", width=2), marker=dict(size=6), showlegend=False,
                    hovertemplate=cat + "｜%{x}：%{y} 条<extra></extra>", row=i // n_cols + 1, col=i % n_cols + 1)
fig.update_xaxes(type="category", categoryorder="array", categoryarray=list(trend.columns), tickangle=0,
                 tickfont=dict(size=12), tickmode="array", tickvals=list(trend.columns), ticktext=ticks)
fig.update_yaxes(rangemode="tozero", range=[0, float(trend.to_numpy().max()) * 1.15 + 0.5])
fig.update_annotations(font=dict(size=13))
fig.update_layout(height=180 * n_rows + 40, margin=dict(t=40, b=10))
ui.chart(fig, "trend")
st.caption("每个小图为一个问题类别各年度的问题条数（纵轴刻度相同，可直接比较），按问题总数从多到少排列。")

# ---- recurrence -----------------------------------------------------------------------------------
st.subheader("屡次出现的问题")
if rec.empty:
    st.caption("当前筛选范围内没有同一单位在两个及以上年度出现的同类问题。")
else:
    st.markdown("**哪类问题最常反复出现**（按涉及单位数、出现年度数、问题条数排序，第一行即反复出现最多的类别）")
    ranked = dbread.query("problem_recurrence_rank", f, limit=max(n_pairs, 1))
    ranked = ranked.assign(cat=ranked["category"].map(lambda c: labels.get(c, c)))
    ui.table(ranked, {"rank": ("排名", "int"), "cat": ("问题类别", "text"), "n_units": ("涉及单位数", "int"),
                      "n_years": ("出现年度数", "int"), "years": ("出现年度", "text"),
                      "n_findings": ("问题条数", "int"), "max_years": ("单个单位最多出现年度", "int"),
                      "n_all": ("该类问题总条数（全部单位）", "int")},
             key="t_repeat_rank", height=min(400, 38 + 35 * len(ranked)))
    st.caption("并列时再按该类问题在筛选范围内的总条数排序；排名相同表示四项都相同。")
    st.markdown("**按单位列出**（同一单位、同一类问题在两个及以上年度出现）")
    rec = rec.assign(cat=rec["category"].map(lambda c: labels.get(c, c)))
    st.caption("同一单位、同一类问题在两个及以上年度出现。「之前年度建议是否针对」检查较早年度报告中的建议和整改措施"
               "是否涉及这类问题：" + STATUS_HELP)
    ev_rec = ui.table(rec, {"unit": ("单位", "unit"), "cat": ("问题类别", "text"), "n_years": ("出现年度数", "int"),
                            "years": ("出现年度", "text"), "n_findings": ("问题条数", "int"),
                            "status": ("之前年度建议是否针对", "text"), "detail": ("依据", "text")},
                      key="t_repeat", select=True, height=min(400, 38 + 35 * len(rec)))
    if n_pairs > len(rec):
        st.caption(f"共 {ui.fmt_int(n_pairs)} 组，列出出现年度最多的 {len(rec)} 组。")
    r = ui.selected_row(ev_rec, rec)
    if r is None:
        st.caption("选中一行可查看之前年度的建议、整改原文和最近一年的问题原文。")
    else:
        texts = dbread.query("problem_recurrence_texts", f, unit=r["unit"], category=r["category"],
                             last_year=int(r["last_year"]))
        advice = texts[texts["kind"] != "problem"]
        hits = advice[advice["addresses"]]
        a, b = st.columns(2)
        with a:
            st.markdown(f"**之前年度针对此类问题的建议和整改**（{ui.plain(r['status'])}）")
            st.text("\n".join(advice_line(x, r["category"]) for x in hits.itertuples())
                    or "（之前年度的建议和整改未涉及此类问题）")
            rest = advice[~advice["addresses"]]
            if len(rest):
                with st.expander(f"之前年度其他 {len(rest)} 条建议和整改（未涉及此类问题）"):
                    st.text("\n".join(f"{int(x.year)}年：{x.text}" for x in rest.itertuples()))
        with b:
            st.markdown(f"**{int(r['last_year'])}年仍出现的问题**")
            last = texts[texts["kind"] == "problem"]
            st.text("\n".join(f"{x.text}（{where(x)}）" for x in last.itertuples()) or "—")

# ---- statements, explanation, correction -----------------------------------------------------------
st.subheader("问题原文与归类依据")
st.caption("选择类别、年度、单位（或点击上方「问题类别 × 年度」中的格子），查看对应的问题表述、归类依据和出处；"
           "选中一行可查看完整的归类说明，并可人工修正类别。")
cats = list(piv.index)
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
    stm = stm.assign(matched_terms=stm["matched_terms"].fillna("—"),
                     cat=stm["category"].map(lambda c: labels.get(c, c)),
                     cat2=stm["categories_secondary"].map(cat_names),
                     src=stm["category_source"].map(lambda s: SOURCE_LABELS.get(s, s)),
                     strength=stm["match_score"].map(strength),
                     source=[f"{fn} {ui.line_range(ls)}" for fn, ls in zip(stm["file_name"], stm["line_start"])])
    ev2 = ui.table(stm, {"text": ("问题表述", "text"), "cat": ("类别", "text"), "matched_terms": ("归类依据", "text"),
                         "cat2": ("兼属类别", "text"), "strength": ("匹配强度", "text"), "src": ("归类来源", "text"),
                         "unit": ("单位", "unit"), "year": ("年度", "int"), "project": ("项目", "project"),
                         "source": ("出处", "text")}, key="t_stm", select=True,
                   height=min(480, 38 + 35 * len(stm)))
    st.caption(f"共 {len(stm)} 条" + ("（仅显示前 200 条）" if len(stm) >= 200 else "") +
               "。「归类依据」是分类规则在原文中命中的短语；「匹配强度」为弱时，类别仅由个别话题词决定。")
    row = ui.selected_row(ev2, stm)
    if row is not None:
        with st.container(border=True):
            st.markdown(f"**问题原文**（{ui.plain(row['unit'] or '未注明单位')} · "
                        f"{int(row['year']) if pd.notna(row['year']) else '年度不详'}年 · {ui.plain(row['source'])}）")
            st.text(row["text"])
            result = classify.classify(row["text"], taxonomy=tax)
            st.markdown(f"**当前类别：{ui.plain(row['cat'])}**（{ui.plain(row['src'])}）"
                        + (f"；兼属：{ui.plain(row['cat2'])}" if row["cat2"] else ""))
            ranked = sorted(result.scores.items(), key=lambda kv: -kv[1])
            if ranked:
                ev_rows = []
                for code, score in ranked:
                    for e in result.evidence[code]:
                        ev_rows.append({"cat": labels.get(code, code), "score": score, "phrase": e.phrase,
                                        "rule": e.pattern if e.pattern in RULE_KINDS else "信号短语",
                                        "weight": e.weight, "pts": e.points,
                                        "where": "标题句（计两倍）" if e.in_title else "正文"})
                st.markdown("**归类说明**：各类别的得分及命中的短语（按当前分类文件计算；得分最高且不低于 "
                            f"{tax.min_score:g} 分的类别为主类别）")
                ui.table(pd.DataFrame(ev_rows), {"cat": ("类别", "text"), "score": ("类别得分", "score"),
                                                 "phrase": ("命中原文", "text"), "rule": ("规则类型", "text"),
                                                 "weight": ("权重", "score"), "where": ("位置", "text"),
                                                 "pts": ("得分", "score")},
                         key="t_explain")
            else:
                st.caption("分类规则在这条问题中没有命中任何短语，因此归入「其他」。")
            if result.category != row["category"] and row["category_source"] != "manual":
                st.caption(f"按当前分类文件，这条问题会归入「{labels.get(result.category, result.category)}」；"
                           "运行 python -m perfeval reclassify 可把修改后的分类应用到已入库的问题。")
            if not access.current().can("correct"):
                st.caption("修正类别需要编辑者及以上角色（请在左侧登录）。")
                ui.detail_link(row["eval_id"])
            else:
                st.markdown("**修正类别**")
                k1, k2 = st.columns([1, 2])
                new_cat = k1.selectbox("正确的类别", CODES, index=CODES.index(row["category"]) if row["category"] in CODES else 0,
                                       format_func=lambda c: labels.get(c, c), key="fix_cat")
                note = k2.text_input("修正说明（可选）", key="fix_note", placeholder="例如：问题实质是合同签订滞后")
                b1, b2, b3 = st.columns([1, 1, 2])
                if b1.button("保存修正", type="primary", key="fix_save", disabled=new_cat == row["category"]
                             and row["category_source"] == "manual"):
                    try:  # store.writer waits for the write lock and holds this process's readers off meanwhile
                        n = problems.correct(dbread.db_path(), row["eval_id"], row["kind"], int(row["seq"]), new_cat,
                                             note, actor=access.current())
                    except Exception:  # the database stayed locked (a long import) or changed meanwhile
                        st.error("保存失败：数据库正被其他程序写入或已发生变化，请稍后刷新页面重试。", icon=":material/error:")
                    else:
                        dbread.invalidate()
                        st.session_state["fix_msg"] = f"已将 {n} 条问题修正为「{labels.get(new_cat, new_cat)}」。"
                        st.rerun()
                if row["category_source"] == "manual" and b2.button("恢复自动归类", key="fix_clear"):
                    try:
                        problems.clear_correction(dbread.db_path(), row["eval_id"], row["kind"], int(row["seq"]),
                                                 actor=access.current())
                    except Exception:
                        st.error("恢复失败：数据库正被其他程序写入或已发生变化，请稍后刷新页面重试。", icon=":material/error:")
                    else:
                        dbread.invalidate()
                        st.session_state["fix_msg"] = "已恢复为自动归类。"
                        st.rerun()
                with b3:
                    ui.detail_link(row["eval_id"])
                st.caption("修正记在文档指纹和问题原文上：重新运行分类（reclassify）或删除后重新导入同一文件，修正依然有效。")
if st.session_state.get("fix_msg"):
    st.success(st.session_state.pop("fix_msg"), icon=":material/check_circle:")

# ---- candidate themes ---------------------------------------------------------------------------------
st.subheader("候选主题：归入「其他」或弱匹配的问题")
weak = dbread.query("problem_weak", f, strong=tax.strong, limit=2000)
if weak.empty:
    st.caption("当前筛选范围内的问题都被分类规则明确归类，没有需要归纳的问题。")
else:
    groups, ungrouped = grouped(dbread.data_version(), f, tax.strong, tax.fingerprint)
    total = int(counts["n_other"] + counts["n_weak"])
    st.caption(f"共 {ui.fmt_int(total)} 条问题归入「其他」或只被个别话题词弱匹配"
               + (f"（人工修正过的除外，归纳其中年度最近的 {len(weak)} 条）" if total > len(weak) else "")
               + "。下面按共同关键词（jieba 分词 + 领域词典）归纳为候选主题："
               "若某个主题确属某一类别，可把关键词加入 data/taxonomy.yaml 中该类别的话题词（topics）或信号短语（signals），"
               "再运行 python -m perfeval reclassify。")
    if not groups:
        st.caption("这些问题之间没有共同的关键词，暂不能归纳出主题。")
    else:
        th = pd.DataFrame([{"label": "、".join([t] + rel), "n": len(items),
                            "hint": (f"{labels.get(h, h)}（{share:.0%}）" if h else "—"),
                            "example": weak["text"].iloc[items[0]]} for t, rel, items, h, share in groups])
        ev_th = ui.table(th, {"label": ("共同关键词", "text"), "n": ("问题条数", "int"),
                              "hint": ("倾向类别（弱证据）", "text"), "example": ("示例", "text")},
                         key="t_themes", select=True, height=min(400, 38 + 35 * len(th)))
        st.caption(f"{len(ungrouped)} 条问题没有与其他问题共同的关键词，未归入主题。选中一个主题可查看其全部问题。")
        sel = ui.selected_row(ev_th, th)
        if sel is not None:
            items = groups[int(sel.name)][2]
            part = weak.iloc[items].assign(cat=lambda d: d["category"].map(lambda c: labels.get(c, c)),
                                           matched_terms=lambda d: d["matched_terms"].fillna("—"))
            ui.table(part, {"text": ("问题表述", "text"), "cat": ("当前类别", "text"),
                            "matched_terms": ("归类依据", "text"), "unit": ("单位", "unit"), "year": ("年度", "int")},
                     key="t_theme_items")
