"""管理 (admins): the 回收站 (restore or empty), the audit log (filter, CSV), the accounts and
reclassifying the stored problems. Every change goes through the data layer with the signed-in
admin (perfeval.app.auth / perfeval.store.writer check the role and write the audit row)."""
import datetime as dt

import pandas as pd
import streamlit as st

from perfeval.app import access, auth, dbread, ui, uploads
from perfeval.classify import taxonomy as classify
from perfeval.store import audit, problems, roles
from perfeval.store import writer as store

ui.setup_page("管理", "回收站、审计日志与账号。只有管理员可以打开本页面。", require_data=False, require="audit")
me = access.current()
db = dbread.db_path()
state = st.session_state
state.setdefault("admin_round", 0)
if dbread.app_status() in ("missing", "uninitialised"):
    st.info("数据库尚未初始化：导入第一份报告后再来。", icon=":material/info:")
    st.stop()

done = state.pop("admin_done", None)
if done:
    (st.success if done[0] == "ok" else st.error)(done[1], icon=":material/check_circle:" if done[0] == "ok"
                                                  else ":material/error:")

t_trash, t_audit, t_users, t_tax = st.tabs(["回收站", "审计日志", "账号", "重新分类"], key="admin_tab",
                                          bind="query-params")
shown = state.pop("admin_password", None)  # a generated password, shown once

with t_trash:
    trash = dbread.query("trash_documents")
    if trash.empty:
        st.caption("回收站是空的。在「数据导入」页面删除的文档会先放在这里，管理员可以恢复或永久清除。")
    else:
        st.caption(f"回收站中有 {len(trash)} 份文档。恢复会把文档及其全部评价、指标、问题（含人工修正的类别）原样放回；"
                   "清空回收站后无法恢复。选中一行可恢复该文档。")
        ev = ui.table(trash, {"file_name": ("文件", "text"), "n_evaluations": ("评价项数", "int"),
                              "deleted_at": ("删除时间", "date"), "deleted_by": ("删除人", "text"),
                              "ingested_at": ("导入时间", "date"), "doc_id": ("文档编号", "text")},
                      key=f"t_trash_{state['admin_round']}", select=True, height=min(420, 38 + 35 * len(trash)))
        row = ui.selected_row(ev, trash)
        c1, c2, _ = st.columns([1, 1, 2])
        if row is not None and c1.button(f"恢复「{ui.plain(row['file_name'])}」", type="primary", key="trash_restore",
                                         icon=":material/restore_from_trash:"):
            try:
                uploads.restore(row["doc_id"], db, actor=me)
            except store.RestoreConflict:
                state["admin_done"] = ("error", "无法恢复：同一文件在删除后已重新导入，数据库中已有这份文档。")
            else:
                state["admin_done"] = ("ok", f"已恢复「{ui.plain(row['file_name'])}」及其 {int(row['n_evaluations'])} 项评价。")
            state["admin_round"] += 1
            st.rerun()
        with c2.popover("清空回收站", icon=":material/delete_forever:"):
            st.markdown(f"永久删除回收站中的 **{len(trash)}** 份文档及其保存的原始文件，**无法恢复**。")
            if st.button("确认清空", type="primary", key="trash_purge"):
                gone = uploads.purge(db, uploads.staging_root(db), actor=me)
                state["admin_done"] = ("ok", f"已永久删除 {len(gone)} 份文档。")
                state["admin_round"] += 1
                st.rerun()

with t_audit:
    opts = dbread.query("audit_actors")
    c1, c2, c3, c4 = st.columns([1, 1, 1, 1])
    actor = c1.selectbox("操作人", sorted(opts["actor"].unique()), index=None, placeholder="全部", key="audit_actor")
    action = c2.selectbox("操作", sorted(opts["action"].unique()), index=None, placeholder="全部",
                          format_func=lambda a: audit.ACTION_LABELS.get(a, a), key="audit_action")
    q = c3.text_input("查找（文件名、内容）", key="audit_q").strip()
    today = dt.date.today()
    days = c4.date_input("日期范围", (today - dt.timedelta(days=30), today), key="audit_days")
    day_from, day_to = (days + (None, None))[:2] if isinstance(days, tuple) else (days, days)
    log = dbread.query("audit_log", actor=actor, action=action, q=q or None, day_from=day_from, day_to=day_to,
                       limit=5000)
    if log.empty:
        st.caption("没有符合条件的记录。")
    else:
        log = log.assign(action_l=log["action"].map(lambda a: audit.ACTION_LABELS.get(a, a)),
                         role_l=log["role"].map(lambda r: roles.ROLE_LABELS.get(r, r)),
                         via_l=log["via"].map({"app": "看板", "oidc": "统一身份认证", "cli": "命令行"}),
                         when=log["happened_at"].map(lambda t: f"{pd.Timestamp(t):%Y-%m-%d %H:%M:%S}"))
        cols = {"when": ("时间", "text"), "actor": ("操作人", "text"), "role_l": ("角色", "text"), "via_l": ("途径", "text"),
                "action_l": ("操作", "text"), "file_name": ("文件", "text"), "finding_key": ("问题编号", "text"),
                "old_value": ("原值", "text"), "new_value": ("新值", "text"), "result": ("结果", "text"),
                "sha256": ("文件指纹（SHA-256）", "text")}
        ui.table(log, cols, key="t_audit", height=min(520, 38 + 35 * len(log)))
        st.caption(f"{len(log)} 条记录" + ("（仅显示最近的 5,000 条，请缩小范围）" if len(log) >= 5000 else "") + "。")
        csv = log.rename(columns={k: v[0] for k, v in cols.items()})[[v[0] for v in cols.values()]]
        st.download_button("下载审计日志（CSV）", csv.to_csv(index=False).encode("utf-8-sig"),
                           file_name=f"审计日志_{today:%Y%m%d}.csv", mime="text/csv", key="dl_audit",
                           on_click="ignore", icon=":material/download:")

with t_users:
    users = pd.DataFrame(auth.list_users(db))
    if users.empty:
        st.caption("还没有本地账号。")
    else:
        users = users.assign(role_l=users["role"].map(roles.ROLE_LABELS),
                             scope=[("、".join(list(r if r is not None else []) + list(u if u is not None else []))
                                     or "全部") for r, u in zip(users["regions"], users["units"])])
        ui.table(users, {"name": ("账号", "text"), "role_l": ("角色", "text"), "scope": ("可见范围", "text"),
                         "created_at": ("创建时间", "date"), "password_changed_at": ("密码设置时间", "date")},
                 key="t_users")
    if shown:
        st.success(f"账号 {shown[0]} 的初始密码（只显示这一次，请当面或通过安全渠道交给本人，登录后可由管理员重设）：",
                   icon=":material/key:")
        st.code(shown[1], language=None)
    opts = dbread.query("filter_options")
    with st.expander("新建账号", icon=":material/person_add:"):
        with st.form("user_add", clear_on_submit=True, border=False):
            c1, c2 = st.columns(2)
            name = c1.text_input("账号名", help="字母、数字、汉字和 . _ @ -")
            role = c2.selectbox("角色", roles.ROLES, index=0, format_func=roles.ROLE_LABELS.get)
            regions = c1.multiselect("限定地区（不选为全部）", sorted(opts["region"].dropna().unique()))
            units = c2.multiselect("限定单位（不选为全部）", sorted(opts["unit"].dropna().unique()))
            if st.form_submit_button("新建", type="primary"):
                password = auth.generate_password()
                try:
                    auth.add_user(db, name.strip(), role, password, actor=me, regions=regions, units=units)
                except (ValueError, roles.PermissionDenied) as exc:
                    state["admin_done"] = ("error", f"未能新建账号：{exc}")
                else:
                    state["admin_done"] = ("ok", f"已新建账号 {name.strip()}。")
                    state["admin_password"] = (name.strip(), password)
                st.rerun()
    if not users.empty:
        with st.expander("重设密码或删除账号", icon=":material/manage_accounts:"):
            who = st.selectbox("账号", users["name"].tolist(), key="user_pick")
            c1, c2, _ = st.columns([1, 1, 2])
            if c1.button("重设密码（生成新密码）", key="user_reset"):
                password = auth.generate_password()
                auth.set_password(db, who, password, actor=me)
                state["admin_done"] = ("ok", f"已重设账号 {who} 的密码，该账号已登录的会话全部结束。")
                state["admin_password"] = (who, password)
                st.rerun()
            if c2.button("删除账号", key="user_remove", disabled=who == me.name,
                         help="不能删除自己正在使用的账号" if who == me.name else None):
                auth.remove_user(db, who, actor=me)
                state["admin_done"] = ("ok", f"已删除账号 {who}。")
                st.rerun()
    st.caption("也可以在服务器上用命令行管理账号（每次操作同样记入审计日志）：")
    st.code(f"python -m perfeval user add 张三 --role editor --unit 某某单位 --db {db}\n"
            f"python -m perfeval user passwd 张三 --db {db}\npython -m perfeval user remove 张三 --db {db}",
            language="bash")

with t_tax:
    st.caption("修改分类文件 data/taxonomy.yaml 后，把新的分类规则应用到已入库的全部问题（不需要重新导入；人工修正过的类别保持不变）。")
    if st.button("重新分类", key="reclassify", icon=":material/sync:"):
        try:
            with st.spinner("正在重新分类…"):
                summary = problems.reclassify(db, actor=me)
        except classify.TaxonomyError as exc:
            state["admin_done"] = ("error", f"分类文件有误，未作任何修改：{exc}")
        else:
            state["admin_done"] = ("ok", f"已重新分类 {summary.problems} 条问题，其中 {summary.changed} 条类别有变化，"
                                         f"{summary.manual} 条保留人工修正。")
        dbread.invalidate()
        st.rerun()
