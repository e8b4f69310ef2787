"""DuckDB storage: schema, one transaction per batch of documents, idempotent by content hash.

Locking: DuckDB lets one process hold a database file for writing, and a process that holds it
open even read-only blocks writers. The dashboard therefore opens short-lived read-only
connections (perfeval.app.dbread) and the ingest attaches the file for writing only around the writes
(`_open_for_writing`), retrying for a while if a reader happens to hold the file at that moment.
"""
from __future__ import annotations

import atexit
import datetime as dt
import functools
import hashlib
import os
import pathlib
import shutil
import threading
import time
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from typing import Callable, Iterator, TypeVar

import duckdb
import pyarrow as pa

from perfeval.classify.taxonomy import finding_key
from perfeval.ingest import normalize
from perfeval.ingest.records import Evaluation
from perfeval.store import audit, roles, rollups
from perfeval.store.roles import Principal

SCHEMA_FILE = pathlib.Path(__file__).with_name("schema.sql")
DEFAULT_DB = "data/perfeval.duckdb"
LOCK_WAIT_SECONDS = 30.0
T = TypeVar("T")


def default_db_path() -> str:
    return os.environ.get("PERFEVAL_DB") or DEFAULT_DB


def _is_lock_error(exc: Exception) -> bool:
    text = str(exc).lower()
    return "lock" in text or "conflicting" in text or "being used" in text


def retry_while_locked(open_database: Callable[[], T], wait: float) -> T:
    """`open_database()`, retried with back-off for up to `wait` seconds while it fails on a lock
    another process holds."""
    deadline = time.monotonic() + wait
    delay = 0.05
    while True:
        try:
            return open_database()
        except duckdb.IOException as exc:
            if not _is_lock_error(exc) or time.monotonic() >= deadline:
                raise
            time.sleep(delay)
            delay = min(delay * 2, 0.5)


# Writes go through one in-memory DuckDB kept for the process, the file ATTACHed to it for a write
# session and DETACHed after (which checkpoints it and releases the file lock, as closing a
# connection does). Creating a DuckDB instance costs ~12 ms (its built-in catalog), attaching a file
# to a live one ~1.5 ms, and an upload or a batch session of an ingest opens the file each time.
# One thread: a batch's statements are small, and a second thread only adds scheduling to them
# (on one core, ~20% of the rollup pass). Commits go to the write-ahead log and DETACH checkpoints:
# checkpointing at every commit instead saves a one-batch session ~10 ms but costs a bulk ingest
# ~10 ms per batch (a session holds several).
_WRITE_ALIAS = "perfeval_write"
_WRITE_LOCK = threading.Lock()  # one write session at a time in this process: both would lock the file
_write_instance: duckdb.DuckDBPyConnection | None = None


def _open_for_writing(path: str) -> duckdb.DuckDBPyConnection:
    """The database file attached for writing (and USEd); `_close_for_writing` gives it back.
    Waits up to LOCK_WAIT_SECONDS for another process's lock."""
    global _write_instance
    wait = LOCK_WAIT_SECONDS
    pathlib.Path(path).parent.mkdir(parents=True, exist_ok=True)
    if not _WRITE_LOCK.acquire(timeout=wait):
        raise duckdb.IOException("Could not set lock: another write of this process holds the database")
    try:
        if _write_instance is None:
            _write_instance = duckdb.connect(":memory:", config={"threads": 1})
        con = _write_instance
        quoted = os.path.abspath(path).replace("'", "''")
        retry_while_locked(lambda: con.execute(f"ATTACH '{quoted}' AS {_WRITE_ALIAS}"), wait)
        con.execute(f"USE {_WRITE_ALIAS}")
        return con
    except BaseException:
        _WRITE_LOCK.release()
        raise


@atexit.register
def _close_write_instance() -> None:  # before the interpreter tears down the module
    global _write_instance
    if _write_instance is not None:
        _write_instance.close()
        _write_instance = None


def _close_for_writing(con: duckdb.DuckDBPyConnection) -> None:
    global _write_instance
    try:
        con.execute("USE memory")
        con.execute(f"DETACH {_WRITE_ALIAS}")
    except duckdb.Error:  # never keep the file attached (and locked): drop the instance instead
        con.close()
        _write_instance = None
    finally:
        _WRITE_LOCK.release()


# Context managers (called with the path) entered around every `writer` of this process. The file
# lock keeps other processes out, but not the dashboard's own reader (perfeval.app.dbread attaches the
# file to an in-memory DuckDB): dbread registers a guard that holds its readers off meanwhile.
WRITE_GUARDS: list = []


@contextmanager
def writer(path: str) -> Iterator[duckdb.DuckDBPyConnection]:
    with ExitStack() as guards:
        for guard in WRITE_GUARDS:
            guards.enter_context(guard(path))
        con = _open_for_writing(path)
        try:
            ensure_schema(con)
            yield con
        finally:
            _close_for_writing(con)


class WriteSession:
    """The write connection of an ingest run, held across batches for at most `hold` seconds.

    Opening the file and checking the schema per batch costs more than writing a small one;
    holding the lock for a whole run would keep the dashboard's readers out (they retry for 10 s).
    So the connection is reused while it is young and closed between documents once it is older
    than `hold` (`perfeval.pipeline.BatchWriter` asks after every parsed document and every batch),
    which lets waiting readers in. Every batch is its own transaction."""

    def __init__(self, path: str, hold: float = 1.0) -> None:
        self.path, self.hold = path, hold
        self._con: duckdb.DuckDBPyConnection | None = None
        self._opened = 0.0

    def connection(self) -> duckdb.DuckDBPyConnection:
        if self._con is None:
            con = _open_for_writing(self.path)
            try:
                ensure_schema(con)
            except BaseException:
                _close_for_writing(con)
                raise
            self._con, self._opened = con, time.monotonic()
        return self._con

    def release_if_due(self) -> None:
        if self._con is not None and time.monotonic() - self._opened >= self.hold:
            self.close()

    def close(self) -> None:
        if self._con is not None:
            con, self._con = self._con, None
            _close_for_writing(con)

    def __enter__(self) -> "WriteSession":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


BACKUP_DIR_NAME = "backups"


def backup_stamp() -> str:
    return dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")


def copy_file_synced(src: pathlib.Path, dst: pathlib.Path) -> None:
    tmp = dst.with_name(dst.name + ".part")
    shutil.copyfile(src, tmp)
    with open(tmp, "rb+") as f:
        os.fsync(f.fileno())
    os.replace(tmp, dst)


def backup_before_migration(con: duckdb.DuckDBPyConnection) -> pathlib.Path | None:
    """Inside ``ensure_schema`` (write lock held): copy the attached file to
    ``backups/perfeval-before-migration-<time>.duckdb`` beside it before the schema changes."""
    row = con.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()").fetchone()
    if not row or not row[0] or row[0] == ":memory:":
        return None
    src = pathlib.Path(row[0]).resolve()
    con.execute("CHECKPOINT")
    folder = src.parent / BACKUP_DIR_NAME
    folder.mkdir(exist_ok=True)
    target = folder / f"{src.stem}-before-migration-{backup_stamp()}.duckdb"
    copy_file_synced(src, target)
    return target


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create or migrate the tables. A database already at this schema (the fingerprint of
    schema.sql, so any edit of it counts) and rollups version gets one lookup instead of ~40
    statements (10 ms per write session, a fifth of a small batch's cost)."""
    try:
        versions = dict(con.execute("SELECT key, value FROM meta WHERE key IN ('schema_version', 'rollups_version')")
                        .fetchall())
    except duckdb.CatalogException:  # a new file
        versions = {}
    if versions == {"schema_version": _schema_fingerprint(), "rollups_version": rollups.ROLLUPS_VERSION}:
        return
    if versions:  # a database of another schema: keep a copy of it as it was before migrating
        backup_before_migration(con)
    with every_core(con):  # a migration may rebuild every rollup
        con.execute(SCHEMA_FILE.read_text(encoding="utf-8"))
        _normalize_indicator_levels(con)
        con.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", [_schema_fingerprint()])
        rollups.ensure(con)


def _normalize_indicator_levels(con: duckdb.DuckDBPyConnection) -> None:
    """Migration: indicator rows stored before level names were normalized get the normalized
    name in level1/level2 and the stated one in level1_stated/level2_stated. The distinct names
    are few, so they are mapped in Python and applied by one UPDATE per level; rollups version 10
    rebuilds rollup_indicators from the result."""
    for level in ("level1", "level2"):
        names = [n for (n,) in con.execute(
            f"SELECT DISTINCT {level} FROM indicators WHERE {level}_stated IS NULL AND {level} IS NOT NULL").fetchall()]
        if not names:
            continue
        mapping = pa.table({"stated": names, "normalized": [normalize.indicator_level(n) for n in names]})
        con.register("_level_names", mapping)
        try:
            con.execute(f"""UPDATE indicators SET {level}_stated = m.stated, {level} = m.normalized
                            FROM _level_names m
                            WHERE indicators.{level}_stated IS NULL AND indicators.{level} = m.stated""")
        finally:
            con.unregister("_level_names")


@contextmanager
def every_core(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """Work over the whole database (a migration's rollup rebuild, reclassify) on every core this
    process may use; the write instance's single thread is meant for batches (rebuilding the
    rollups of 1M evaluations: 37 s on one thread, 24 s on two)."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    previous = con.execute("SELECT current_setting('threads')").fetchone()[0]
    con.execute(f"SET threads = {int(cores)}")
    try:
        yield
    finally:
        con.execute(f"SET threads = {int(previous)}")


@functools.cache
def _schema_fingerprint() -> str:
    return hashlib.sha256(SCHEMA_FILE.read_bytes()).hexdigest()[:16]


def document_exists(con: duckdb.DuckDBPyConnection, sha256: str) -> bool:
    return con.execute("SELECT 1 FROM documents WHERE sha256 = ?", [sha256]).fetchone() is not None


# Fields derived from others rather than read from lines of the document: no field_sources row.
DERIVED_FIELDS = ("scope", "source_kind", "grade_from_score")
EVAL_COLUMNS = (
    "region", "unit", "department", "year", "project", "scope", "source_kind",
    "budget_initial_yuan", "budget_yuan", "funds_received_yuan", "spent_yuan", "execution_rate",
    "execution_rate_stated", "score", "grade", "score_decision", "score_process", "score_performance",
    "score_execution", "score_execution_max", "grade_from_score",
)


@contextmanager
def data_change(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """One transaction that changes the data: all or nothing, and a new data_version on success."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield
        con.execute("INSERT OR REPLACE INTO meta VALUES ('data_version', ?)", [dt.datetime.now().isoformat()])
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


_SET_SECONDARY_WITHOUT = ("nullif(array_to_string(list_filter(string_split(coalesce(f.categories_secondary, ''), ','), "
                          "lambda x: x <> '' AND x <> c.category), ','), '')")


def apply_corrections(con: duckdb.DuckDBPyConnection, doc_id: str, sha256: str) -> int:
    """Give the problems of one (just inserted) document the categories managers chose for it.
    Runs inside the caller's transaction; returns how many statements it changed."""
    row = con.execute("SELECT count(*) FROM finding_corrections WHERE sha256 = ?", [sha256]).fetchone()
    if not row or not row[0]:
        return 0
    n = con.execute(f"""
        UPDATE findings f SET category = c.category, category_source = 'manual',
               categories_secondary = {_SET_SECONDARY_WITHOUT}
        FROM finding_corrections c
        WHERE c.sha256 = $sha AND c.finding_key = f.finding_key AND f.kind = 'problem'
          AND f.eval_id IN (SELECT eval_id FROM evaluations WHERE doc_id = $doc)""",
                    {"sha": sha256, "doc": doc_id}).fetchone()
    return int(n[0]) if n else 0


def apply_corrections_many(con: duckdb.DuckDBPyConnection, documents: list[tuple[str, str]]) -> int:
    """`apply_corrections` for a batch of (doc_id, sha256); one query when none has corrections."""
    shas = [sha for _, sha in documents]
    corrected = {sha for (sha,) in con.execute(
        "SELECT DISTINCT sha256 FROM finding_corrections WHERE sha256 IN (SELECT unnest(?))", [shas]).fetchall()}
    return sum(apply_corrections(con, doc_id, sha) for doc_id, sha in documents if sha in corrected)


@dataclass
class NewDocument:
    """A parsed document as the tables store it (`snippet(line_start, line_end)` quotes its text)."""
    doc_id: str
    file_name: str
    sha256: str
    file_format: str
    size_bytes: int
    line_count: int
    genres: list[str]
    evaluations: list[Evaluation]
    snippet: Callable[[int, int], str]
    # the lowest OCR confidence of a line range; None where the text was not read by OCR
    confidence: Callable[[int, int], float | None] = lambda start, end: None
    title: str | None = None  # the document's own title (its first title-like line), shown with the file name


def save_documents(con: duckdb.DuckDBPyConnection, documents: list[NewDocument],
                   actor: Principal | None = None) -> None:
    """Write a batch of documents and all their rows in a single transaction (all or nothing).
    ``actor`` (default: the OS user of a CLI run) must be allowed to upload; one audit row per
    document goes in with it.

    The rows of the whole batch go in one multi-row INSERT per table and the rollups move in one
    pass: per-statement and per-transaction costs, not the rows, dominate small documents."""
    actor = actor or roles.cli_principal()
    actor.require("upload")
    rows = _BatchRows()
    ingested_at = dt.datetime.now().replace(microsecond=0)
    for d in documents:
        rows.documents.append([d.doc_id, d.file_name, d.sha256, d.file_format, ingested_at,
                               d.size_bytes, d.line_count, ",".join(d.genres), d.title])
        for ev in d.evaluations:
            rows.add_evaluation(d.doc_id, ev, d.snippet, d.confidence)
    try:
        with data_change(con):
            staged = rows.insert(con)
            # a manager's categories outlive re-ingests; they change findings after the staging
            corrected = apply_corrections_many(con, [(d.doc_id, d.sha256) for d in documents])
            # the aggregates move with the rows
            rollups.apply_documents(con, [d.doc_id for d in documents], 1, staged=staged and not corrected)
            action = "ingest" if actor.via == "cli" else "upload"
            audit.record_many(con, actor, action, [dict(sha256=d.sha256, file_name=d.file_name,
                                                        new=f"{len(d.evaluations)} 项评价", result="loaded")
                                                   for d in documents])
    finally:
        rows.unstage(con)  # after the rollback, if any: inside a failed transaction it fails too


class _BatchRows:
    """The rows of a batch of documents, per table, in the tables' column order."""

    def __init__(self) -> None:
        self.documents: list[list] = []
        self.evaluations: list[list] = []
        self.indicators: list[list] = []
        self.spending_progress: list[list] = []
        self.disbursements: list[list] = []
        self.budget_lines: list[list] = []
        self.findings: list[list] = []
        self.checks: list[list] = []
        self.field_sources: list[list] = []

    def add_evaluation(self, doc_id: str, ev: Evaluation, snippet, confidence) -> None:
        c = ev.candidate
        best = {name: c.best(name) for name in EVAL_COLUMNS}  # each field's chosen reading, once
        self.evaluations.append([ev.eval_id, doc_id] + [r.value if r else None for r in best.values()]
                                + [c.line_start, c.line_end])
        self.indicators += [[ev.eval_id, i + 1, normalize.indicator_level(x.level1), normalize.indicator_level(x.level2),
                             x.name, x.target, x.actual, x.weight, x.score, x.note, x.line_start, x.line_end,
                             x.level1, x.level2] for i, x in enumerate(c.indicators)]
        self.spending_progress += [[ev.eval_id, p.month, p.cumulative_rate, p.source, p.line_start, p.line_end]
                                   for p in c.progress]
        self.disbursements += [[ev.eval_id, i + 1, d.paid_on, d.amount_yuan, d.purpose, d.line_start, d.line_end]
                               for i, d in enumerate(c.disbursements)]
        self.budget_lines += [[ev.eval_id, i + 1, b.name, b.budget_yuan, b.spent_yuan, b.execution_rate,
                               b.line_start, b.line_end] for i, b in enumerate(c.budget_lines)]
        seq: dict[str, int] = {}
        for f in c.findings:
            seq[f.kind] = seq.get(f.kind, 0) + 1
            self.findings.append([ev.eval_id, f.kind, seq[f.kind], f.text, f.category,
                                  ",".join(f.categories_secondary) or None, "、".join(f.matched_terms) or None,
                                  f.line_start, f.line_end, finding_key(f.text), f.match_score,
                                  "auto" if f.category else None])
        self.checks += [[ev.eval_id, k.rule, k.severity, k.message] for k in ev.checks]
        for name, reading in best.items():
            if reading is None or name in DERIVED_FIELDS:
                continue
            self.field_sources.append([ev.eval_id, name, doc_id, reading.line_start, reading.line_end,
                                       snippet(reading.line_start, reading.line_end),
                                       confidence(reading.line_start, reading.line_end)])

    # the columns the findings rows hold, in order (the others are filled later or by migrations)
    FINDINGS_COLUMNS = ("eval_id", "kind", "seq", "text", "category", "categories_secondary", "matched_terms",
                        "line_start", "line_end", "finding_key", "match_score", "category_source")

    def insert(self, con: duckdb.DuckDBPyConnection) -> bool:
        """Insert every table's rows. The tables the rollups read stay registered as their
        ``rollups.STAGED`` views (``unstage`` drops them); True when all of them could be."""
        _insert_many(con, "documents", self.documents)
        staged = [_insert_many(con, "evaluations", self.evaluations, staged=True),
                  _insert_many(con, "indicators", self.indicators, staged=True),
                  _insert_many(con, "spending_progress", self.spending_progress, staged=True)]
        _insert_many(con, "disbursements", self.disbursements)
        _insert_many(con, "budget_lines", self.budget_lines)
        staged += [_insert_many(con, "findings", self.findings, self.FINDINGS_COLUMNS, staged=True),
                   _insert_many(con, "checks", self.checks, staged=True)]
        _insert_many(con, "field_sources", self.field_sources)
        return all(staged)

    @staticmethod
    def unstage(con: duckdb.DuckDBPyConnection) -> None:
        for view in rollups.STAGED.values():
            con.unregister(view)


def _insert_many(con, table: str, rows: list, columns: tuple[str, ...] | None = None, staged: bool = False) -> bool:
    """One INSERT of all `rows` (lists in the order of `columns`, default all the table's columns)
    into `table`; values are cast to the columns' types as VALUES would cast them.

    The rows go in as an Arrow table (~0.1 µs a value), or, when a column mixes types Arrow will
    not put in one array, as one list parameter per column, unnested (~0.4 µs a value). Binding a
    multi-row VALUES costs ~90 µs a row; executemany runs a statement per row.

    ``staged``: the Arrow table is built with the table's column types and stays registered as
    ``rollups.STAGED[table]`` (even without rows, so no earlier batch's view is left under that
    name). Returns whether it is (False when the rows went in unnested)."""
    target = f"{table} ({', '.join(columns)})" if columns else table
    schema = None
    if staged:
        con.unregister(rollups.STAGED[table])
        schema = con.sql(f"SELECT {', '.join(columns) if columns else '*'} FROM {table} LIMIT 0").to_arrow_table().schema
    if not rows:
        if staged:
            con.register(rollups.STAGED[table], schema.empty_table())
        return True
    values = [list(column) for column in zip(*rows, strict=True)]
    try:
        if schema is None:
            arrow = pa.table({f"c{i}": pa.array(column) for i, column in enumerate(values)})
        else:
            if len(values) != len(schema):
                raise ValueError(f"{len(schema)} columns for rows of {len(values)} values")
            arrow = pa.table([pa.array(column, field.type) for column, field in zip(values, schema)], schema=schema)
    except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError):
        con.execute(f"INSERT INTO {target} SELECT {', '.join(['unnest(?)'] * len(values))}", values)
        return False
    view = rollups.STAGED[table] if staged else "_insert_many_rows"
    con.register(view, arrow)
    con.execute(f"INSERT INTO {target} SELECT * FROM {view}")
    if not staged:
        # not in a finally: inside a failed transaction unregister fails too and would hide the
        # error; the next register replaces the view
        con.unregister(view)
    return staged


# The live tables of a document's rows, in the order they are moved (documents last on the way
# out, first on the way back); each has a trash_<table> twin (schema.sql).
_DOC_TABLES = ("indicators", "spending_progress", "disbursements", "budget_lines", "findings", "checks",
               "field_sources")


def delete_document(con: duckdb.DuckDBPyConnection, doc_id: str, actor: Principal | None = None) -> bool:
    """Move a document and every row derived from it to the 回收站 (trash_* tables), in one
    transaction with its audit row; ``restore_document`` brings them back as they were. ``actor``
    (default: the OS user of a CLI run) must be an admin. False when there is no such document."""
    actor = actor or roles.cli_principal()
    actor.require("delete")
    with data_change(con):
        doc = con.execute("SELECT sha256, file_name FROM documents WHERE doc_id = ?", [doc_id]).fetchone()
        if doc is None:
            return False
        n = con.execute("SELECT count(*) FROM evaluations WHERE doc_id = ?", [doc_id]).fetchone()[0]
        rollups.apply_documents(con, [doc_id], -1)
        ids = "SELECT eval_id FROM evaluations WHERE doc_id = $doc"
        # a document deleted, re-ingested and deleted again: the newer copy replaces the older
        for table in _DOC_TABLES:
            con.execute(f"DELETE FROM trash_{table} WHERE eval_id IN (SELECT eval_id FROM trash_evaluations "
                        "WHERE doc_id = $doc)", {"doc": doc_id})
        con.execute("DELETE FROM trash_evaluations WHERE doc_id = $doc", {"doc": doc_id})
        con.execute("DELETE FROM trash_documents WHERE doc_id = $doc", {"doc": doc_id})
        con.execute("INSERT INTO trash_documents BY NAME SELECT *, $now AS deleted_at, $who AS deleted_by "
                    "FROM documents WHERE doc_id = $doc",
                    {"doc": doc_id, "now": dt.datetime.now().replace(microsecond=0), "who": actor.name})
        con.execute("INSERT INTO trash_evaluations BY NAME SELECT * FROM evaluations WHERE doc_id = $doc",
                    {"doc": doc_id})
        for table in _DOC_TABLES:
            con.execute(f"INSERT INTO trash_{table} BY NAME SELECT * FROM {table} WHERE eval_id IN ({ids})",
                        {"doc": doc_id})
            con.execute(f"DELETE FROM {table} WHERE eval_id IN ({ids})", {"doc": doc_id})
        con.execute("DELETE FROM evaluations WHERE doc_id = ?", [doc_id])
        con.execute("DELETE FROM documents WHERE doc_id = ?", [doc_id])
        audit.record(con, actor, "delete", sha256=doc[0], file_name=doc[1], old=f"{n} 项评价", new="回收站",
                     result="deleted")
    return True


class RestoreConflict(ValueError):
    """The same file was loaded again after it was deleted: restoring would load it twice."""


def restore_document(con: duckdb.DuckDBPyConnection, doc_id: str, actor: Principal | None = None) -> bool:
    """Bring a document of the 回收站 back with every row exactly as it was deleted (manager
    corrections included); one transaction with its audit row. False when it is not in the
    回收站; RestoreConflict when the same content is loaded again meanwhile."""
    actor = actor or roles.cli_principal()
    actor.require("restore")
    with data_change(con):
        doc = con.execute("SELECT sha256, file_name FROM trash_documents WHERE doc_id = ?", [doc_id]).fetchone()
        if doc is None:
            return False
        if con.execute("SELECT 1 FROM documents WHERE doc_id = ? OR sha256 = ?", [doc_id, doc[0]]).fetchone():
            raise RestoreConflict(f"{doc[1]} is loaded again already")
        ids = "SELECT eval_id FROM trash_evaluations WHERE doc_id = $doc"
        con.execute("INSERT INTO documents BY NAME SELECT * EXCLUDE (deleted_at, deleted_by) FROM trash_documents "
                    "WHERE doc_id = $doc", {"doc": doc_id})
        con.execute("INSERT INTO evaluations BY NAME SELECT * FROM trash_evaluations WHERE doc_id = $doc",
                    {"doc": doc_id})
        for table in _DOC_TABLES:
            con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM trash_{table} WHERE eval_id IN ({ids})",
                        {"doc": doc_id})
            con.execute(f"DELETE FROM trash_{table} WHERE eval_id IN ({ids})", {"doc": doc_id})
        n = con.execute("DELETE FROM trash_evaluations WHERE doc_id = ? RETURNING 1", [doc_id]).fetchall()
        con.execute("DELETE FROM trash_documents WHERE doc_id = ?", [doc_id])
        rollups.apply_documents(con, [doc_id], 1)
        audit.record(con, actor, "restore", sha256=doc[0], file_name=doc[1], old="回收站", new=f"{len(n)} 项评价",
                     result="restored")
    return True


def purge_trash(con: duckdb.DuckDBPyConnection, actor: Principal | None = None,
                doc_ids: list[str] | None = None) -> list[str]:
    """Empty the 回收站 for good (``doc_ids``: only these): one transaction, one audit row per
    document. Returns the doc_ids removed (their original files can then be removed)."""
    actor = actor or roles.cli_principal()
    actor.require("purge")
    with data_change(con):
        docs = con.execute("SELECT doc_id, sha256, file_name FROM trash_documents "
                           "WHERE $ids IS NULL OR list_contains($ids, doc_id) ORDER BY deleted_at",
                           {"ids": doc_ids}).fetchall()
        gone = [d for d, _, _ in docs]
        ids = "SELECT eval_id FROM trash_evaluations WHERE list_contains($docs, doc_id)"
        for table in _DOC_TABLES:
            con.execute(f"DELETE FROM trash_{table} WHERE eval_id IN ({ids})", {"docs": gone})
        con.execute("DELETE FROM trash_evaluations WHERE list_contains($docs, doc_id)", {"docs": gone})
        con.execute("DELETE FROM trash_documents WHERE list_contains($docs, doc_id)", {"docs": gone})
        for _, sha, name in docs:
            audit.record(con, actor, "purge", sha256=sha, file_name=name, old="回收站", new=None, result="purged")
    return gone
