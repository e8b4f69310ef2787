"""The audit trail: one ``audit_log`` row per data-changing action, written by the function that
makes the change, inside its transaction (so a change that fails or is rolled back leaves no row,
and no change is committed without its row). Who: the signed-in account, the OIDC identity, or the
OS user of a CLI command (``perfeval.store.roles.Principal``)."""
from __future__ import annotations

import datetime as dt

import duckdb

from perfeval.store.roles import Principal

ACTION_LABELS = {"upload": "上传导入", "ingest": "命令行导入", "correct": "修正问题类别", "uncorrect": "恢复自动归类",
                 "delete": "删除文档（移入回收站）", "restore": "从回收站恢复", "purge": "清空回收站（永久删除）",
                 "reclassify": "重新分类", "user_add": "新建账号", "user_remove": "删除账号",
                 "user_passwd": "修改密码", "backup_restore": "从备份恢复数据库"}


def record(con: duckdb.DuckDBPyConnection, actor: Principal, action: str, *, sha256: str | None = None,
           file_name: str | None = None, finding_key: str | None = None, old: str | None = None,
           new: str | None = None, result: str = "ok") -> None:
    """Insert one audit row. Call inside the transaction of the change it records."""
    record_many(con, actor, action, [dict(sha256=sha256, file_name=file_name, finding_key=finding_key, old=old,
                                          new=new, result=result)])


def record_many(con: duckdb.DuckDBPyConnection, actor: Principal, action: str, changes: list[dict]) -> None:
    """One audit row per change (keyword arguments of `record`), in one statement: a batch of
    documents is one transaction, and a statement per row cost more than the rows."""
    if action not in ACTION_LABELS:
        raise ValueError(f"unknown audit action {action!r}")
    if not changes:
        return
    at = dt.datetime.now()
    rows = []
    for c in changes:
        old, new = c.get("old"), c.get("new")
        rows.append((at, actor.name, actor.role, actor.via, action, c.get("sha256"), c.get("file_name"),
                     c.get("finding_key"), None if old is None else str(old), None if new is None else str(new),
                     c.get("result", "ok")))
    one = "(" + ", ".join("?" * len(rows[0])) + ")"
    con.execute("INSERT INTO audit_log VALUES " + ", ".join([one] * len(rows)), [v for row in rows for v in row])
