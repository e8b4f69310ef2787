"""Backups of the database: ``python -m perfeval backup DIR`` and ``restore FILE``; a schema
migration takes one first (``store.backup_before_migration``).

A backup is a byte copy of the DuckDB file taken while this process holds the file's write lock
right after a CHECKPOINT: no other process can write meanwhile (an ingest waits, or has committed
whole batches only), so the copy holds exactly the committed transactions; the dashboard keeps
serving (its readers wait a moment, as for an ingest batch). The uploaded originals (content
addressed, never changed once written) are copied beside it.
"""
from __future__ import annotations

import os
import pathlib
import shutil

import duckdb

from perfeval.store import audit, roles
from perfeval.store import writer as store
from perfeval.store.writer import BACKUP_DIR_NAME, backup_stamp, copy_file_synced


def backup(db: str, out_dir: str | os.PathLike, uploads: pathlib.Path | None = None) -> pathlib.Path:
    """Write ``out_dir/perfeval-<time>.duckdb`` (and ``…-uploads/`` with the stored originals)."""
    src = pathlib.Path(db).resolve()
    if not src.exists():
        raise FileNotFoundError(db)
    out = pathlib.Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    target = out / f"perfeval-{backup_stamp()}.duckdb"
    con = store._open_for_writing(str(src))  # the lock, not a schema check: a backup changes nothing
    try:
        con.execute(f"CHECKPOINT {store._WRITE_ALIAS}")
        copy_file_synced(src, target)
    finally:
        store._close_for_writing(con)
    if uploads is not None and pathlib.Path(uploads).is_dir():
        shutil.copytree(uploads, target.with_name(target.stem + "-uploads"), dirs_exist_ok=True)
    return target


def check_backup(path: str | os.PathLike) -> None:
    """Refuse a file that is not a perfeval database (opened read-only in memory, not attached for long)."""
    con = duckdb.connect(":memory:")
    try:
        quoted = str(pathlib.Path(path).resolve()).replace("'", "''")
        con.execute(f"ATTACH '{quoted}' AS b (READ_ONLY)")
        con.execute("SELECT count(*) FROM b.meta").fetchone()
        con.execute("SELECT count(*) FROM b.documents").fetchone()
    except duckdb.Error as exc:
        raise ValueError(f"{path} is not a perfeval database backup ({exc})") from exc
    finally:
        con.close()


def restore(backup_file: str | os.PathLike, db: str, actor=None) -> pathlib.Path | None:
    """Put the backup in place of ``db``. The current file is first backed up beside it
    (``backups/…-before-restore-…``, returned). The swap happens under the write lock; one
    audit row in the restored database records it."""
    actor = actor or roles.cli_principal()
    actor.require("restore")
    check_backup(backup_file)
    dst = pathlib.Path(db).resolve()
    dst.parent.mkdir(parents=True, exist_ok=True)
    tmp = dst.with_name(dst.name + ".restoring")
    copy_file_synced(pathlib.Path(backup_file), tmp)
    saved = None
    if dst.exists():
        saved = backup(str(dst), dst.parent / BACKUP_DIR_NAME)
        con = store._open_for_writing(str(dst))
        try:
            con.execute(f"CHECKPOINT {store._WRITE_ALIAS}")
            os.replace(tmp, dst)
        finally:
            store._close_for_writing(con)
    else:
        os.replace(tmp, dst)
    with store.writer(str(dst)) as con, store.data_change(con):
        audit.record(con, actor, "backup_restore", file_name=pathlib.Path(backup_file).name,
                     old=saved.name if saved else None, new=pathlib.Path(backup_file).name, result="restored")
    return saved
