"""数据导入: upload report files, preview what they hold, commit; loaded documents with delete."""
import pandas as pd
import streamlit as st

from perfeval.app import access, dbread, ui, uploads
from perfeval.ingest.readers import MAX_FILE_BYTES

ui.setup_page("数据导入", "上传预算绩效评价报告（绩效自评表、评价报告、评价结果信息表），可一次选择多个文件。"
                      "先预览识别出的评价和数据质量提示，确认后再导入；导入后各页面立即显示新数据。",
              require_data=False, require="upload")
me = access.current()

db = dbread.db_path()
root = uploads.staging_root(db)
LIMIT_MB = MAX_FILE_BYTES // (1024 * 1024)
STATUS_LABELS = {"ready": "可以导入", "duplicate": "已导入过", "refused": "无法导入",
                 "loaded": "已导入", "skipped": "未重复导入", "failed": "导入失败"}
state = st.session_state
state.setdefault("upload_round", 0)
state.setdefault("upload_memo", {})

# The outcome of the last commit or delete, shown once after the rerun that cleared the uploader.
done = state.pop("import_done", None)
if done:
    kind, text, rows = done
    (st.success if kind == "ok" else st.warning)(text, icon=":material/check_circle:" if kind == "ok"
                                                 else ":material/warning:")
    if rows:
        res = pd.DataFrame(rows)
        ui.table(res, {"name": ("文件", "text"), "status_l": ("结果", "text"), "message": ("说明", "text")},
                 key=f"t_done_{state['upload_round']}")
    if kind == "ok":
        c1, c2, _ = st.columns([1, 1, 3])
        with c1:
            st.page_link("app.py", label="查看总览", icon=":material/dashboard:")
        with c2:
            st.page_link("pages/1_execution.py", label="查看预算执行", icon=":material/account_balance_wallet:")

st.subheader("上传文件")
st.markdown(f"**上传说明：** 点击「选择文件」或把文件拖到下面的框中，可一次选择多个文件（{uploads.ACCEPTED}）。"
            f"**单个文件不超过 {LIMIT_MB} MB**；超过上限、格式不符或无法识别的文件会在下方列出原因，不会导入。")
ui.uploader_in_chinese(LIMIT_MB)  # Streamlit's own texts ("Upload", "50MB per file") replaced
files = st.file_uploader(
    "选择报告文件（Word、Excel、WPS、PDF、网页、扫描件或照片，也可以是装有这些文件的 .zip 压缩包）",
    accept_multiple_files=True, max_upload_size=uploads.UPLOAD_CEILING_MB, key=f"uploader_{state['upload_round']}",
    help=f"可以导入：{uploads.ACCEPTED}。每个文件不超过 {LIMIT_MB} MB。文件格式按内容识别；扫描件和照片经文字识别（OCR）读取，"
         "识别的数值会标注来源；扩展名与内容不符、加密、损坏或没有可识别评价的文件不会导入。")
st.caption(f"单个文件上限 {LIMIT_MB} MB。上传的文件先保存在暂存区，只有点击「导入」后才写入数据库。")

if files:
    # a bar per file: reading a scan (OCR) or an old Office file takes seconds
    bars: dict[str, object] = {}
    reading = st.empty()  # the bars go once every file is read; the list below says what became of each
    progress_box = reading.container()

    def show_progress(done: int, total: int, name: str) -> None:
        for shown, bar in bars.items():
            bar.progress(1.0, text=f"{ui.plain(shown)} · 已读取")
        if name:
            bars[name] = progress_box.progress(0.0, text=f"{ui.plain(name)} · 正在读取（第 {done + 1}/{total} 个）")

    # sizes checked here, before the bytes are read: an oversized file is refused in the list (an
    # archive is judged member by member)
    fits = [f.size <= MAX_FILE_BYTES or f.name.lower().endswith(".zip") for f in files]
    items = uploads.check_all([(f.name, f.getvalue()) for f, ok in zip(files, fits) if ok], db=db,
                              root=root, memo=state["upload_memo"], progress=show_progress)
    items += [uploads.too_large(f.name, f.size) for f, ok in zip(files, fits) if not ok]
    reading.empty()
    ready = [i for i in items if i.status == "ready"]
    n_dup = sum(i.status == "duplicate" for i in items)
    n_bad = sum(i.status == "refused" for i in items)
    st.markdown(f"共 {len(items)} 个文件：可以导入 **{len(ready)}** 个，已导入过 **{n_dup}** 个，"
                f"无法导入 **{n_bad}** 个。")
    for n, item in enumerate(items):
        with st.container(border=True):
            st.markdown(f"**{ui.plain(item.name)}** · {item.size / 1024:,.1f} KB · {STATUS_LABELS[item.status]}")
            if item.status == "ready":
                st.success(item.message, icon=":material/task_alt:")
                evals, checks = uploads.preview_frames(item.parsed)
                evals = evals.assign(scope_l=evals["scope"].map(lambda s: ui.SCOPE_LABELS.get(s, s)),
                                     kind_l=evals["source_kind"].map(lambda k: ui.KIND_LABELS.get(k, k)))
                st.markdown("识别出的评价")
                ui.table(evals, {"unit": ("单位", "text"), "year": ("年度", "int"), "project": ("项目", "text"),
                                 "scope_l": ("评价范围", "text"), "kind_l": ("来源类型", "text"),
                                 "budget_yuan": ("全年预算数", "wan"), "spent_yuan": ("全年执行数", "wan"),
                                 "execution_rate": ("执行率", "pct"), "score": ("得分", "score"),
                                 "grade": ("等级", "text"), "n_indicators": ("指标数", "int"),
                                 "n_findings": ("问题与建议", "int"), "n_checks": ("数据质量提示", "int")},
                         key=f"t_prev_{state['upload_round']}_{n}")
                if checks.empty:
                    st.caption("没有数据质量提示。")
                else:
                    checks = checks.assign(sev=checks["severity"].map(lambda s: ui.SEVERITY_LABELS.get(s, s)),
                                           rule_l=checks["rule"].map(lambda r: ui.RULE_LABELS.get(r, r)))
                    st.markdown(f"数据质量提示（{len(checks)} 条）")
                    ui.table(checks, {"project": ("项目", "text"), "sev": ("级别", "text"),
                                      "rule_l": ("检查项", "text"), "message": ("说明", "text")},
                             key=f"t_chk_{state['upload_round']}_{n}")
            elif item.status == "duplicate":
                st.info(item.message, icon=":material/content_copy:")
                if item.loaded_as:
                    st.caption(f"数据库中的文件：{ui.plain(item.loaded_as.get('file_name'))}，导入时间 "
                               f"{pd.Timestamp(item.loaded_as.get('ingested_at')):%Y-%m-%d %H:%M}。")
            else:
                st.error(item.message, icon=":material/block:")
                if item.detail:
                    st.caption(f"技术信息：{ui.plain(item.detail)}")
    if st.button(f"导入 {len(ready)} 个文件" if ready else "没有可以导入的文件", type="primary",
                 disabled=not ready, key=f"commit_{state['upload_round']}", icon=":material/database_upload:"):
        with st.spinner("正在写入数据库…"):
            results = uploads.commit(items, db=db, actor=me)
        n_ok = sum(r.status == "loaded" for r in results)
        n_failed = sum(r.status == "failed" for r in results)
        rows = [{"name": r.name, "status_l": STATUS_LABELS[r.status], "message": r.message} for r in results]
        text = f"已导入 {n_ok} 个文件。" + (f"另有 {n_failed} 个文件未能导入，原因见下表。" if n_failed else "")
        state["import_done"] = ("ok" if n_ok else "warn", text, rows)
        state["upload_round"] += 1  # a fresh uploader: the committed files leave the list
        state["upload_memo"] = {}
        st.rerun()

st.subheader("已导入的文档")
status = dbread.app_status()
if status in ("missing", "uninitialised"):
    st.caption("数据库中还没有任何文档。")
    st.stop()
q = st.text_input("按文件名查找", key="doc_q", placeholder="输入文件名中的文字", icon=":material/search:")
docs = dbread.query("documents_loaded", q=q.strip() or None, limit=500)
if docs.empty:
    st.caption("没有符合条件的文档。" if q.strip() else "数据库中还没有任何文档。")
    st.stop()
docs = docs.assign(fmt=docs["file_format"].str.upper(), size_kb=docs["size_bytes"] / 1024)
ev = ui.table(docs, {"file_name": ("文件", "text"), "title": ("文档标题", "text"), "fmt": ("格式", "text"),
                     "n_evaluations": ("评价项数", "int"),
                     "size_kb": ("大小（KB）", "score"), "ingested_at": ("导入时间", "date"),
                     "doc_id": ("文档编号", "text")},
              key=f"t_docs_{state['upload_round']}", select=True, height=min(420, 38 + 35 * len(docs)))
st.caption(f"共 {len(docs)} 份文档" + ("（仅显示最近的 500 份）" if len(docs) >= 500 else "")
           + ("。选中一行可删除该文档。" if me.can("delete") else "。"))
row = ui.selected_row(ev, docs)
if row is not None and me.can("delete"):
    doc_id, n_evals = row["doc_id"], int(row["n_evaluations"])
    st.warning(f"删除「{ui.plain(row['file_name'])}」会在一个事务中移除该文档以及由它产生的全部 {n_evals} 项评价"
               "及其指标、问题、支出进度、数据质量提示和出处记录（移入回收站，管理员可在「管理」页面恢复）。确认删除吗？",
               icon=":material/delete:")
    if st.button("确认删除", type="primary", key=f"delete_{doc_id}", icon=":material/delete_forever:"):
        with st.spinner("正在删除…"):
            uploads.delete(doc_id, db=db, root=root, actor=me)
        state["import_done"] = ("ok", f"已删除「{ui.plain(row['file_name'])}」及其 {n_evals} 项评价（已移入回收站）。", [])
        state["upload_round"] += 1  # clears the table's selection
        st.rerun()
