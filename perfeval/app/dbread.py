"""The dashboard's one data-access module: named queries from queries/*.sql, bound parameters.

Locking and freshness (see perfeval.store.writer):

* queries run on a short-lived read-only attachment of the file (``lease``: the file is ATTACHed
  to one in-memory DuckDB kept for the process, shared by the queries of a rerun, DETACHed after
  0.15 s idle or 1 s of age), so a concurrent ``perfeval ingest`` gets the write lock within a
  fraction of a second; while an ingest holds the lock we retry briefly;
* a write from this process (数据导入, category corrections) runs inside ``exclusive()``, which
  ``store.writer`` enters by itself (readers wait, the file is detached); ``invalidate()``
  afterwards drops the cached results, so every page shows the change on its next run;
* results are cached (bounded ``st.cache_data``) under a data version made from ``os.stat`` of the
  database file and its ``.wal`` (mtime_ns + size), so the first rerun after an ingest reads the
  new data without a restart;
* the lease re-attaches whenever the data version changes, so a replaced file is opened afresh.

Query files may write ``{filters(x)}``: it expands to the shared filter predicate of
queries/_filters.sql on alias ``x``. Values are always bound (``$name``), never formatted in.
"""
from __future__ import annotations

import atexit
import os
import re
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Callable, Iterator

import duckdb
import pandas as pd

from perfeval import REPO_ROOT
from perfeval.store import rollups
from perfeval.store import writer as store
from perfeval.store.roles import ANONYMOUS, Principal

# Who is asking: perfeval.app.access sets this to the signed-in principal of the page run when the
# app loads it (so this module needs nothing above it). Without the app nobody is signed in (the
# command line, tests): the anonymous principal, without scope.
current_principal: Callable[[], Principal] = lambda: ANONYMOUS

QUERY_DIR = REPO_ROOT / "queries"
_FILTER_RE = re.compile(r"\{filters\((\w+)\)\}")
_INCLUDE_RE = re.compile(r"\{include\((_[a-z0-9_]+)\)\}")
_PARAM_RE = re.compile(r"\$([A-Za-z_]\w*)")
_SQL_CACHE: dict[str, tuple[str, frozenset[str]]] = {}
LOCK_RETRY_SECONDS = 10.0
DYNAMIC_IN_LIST_MAX = 2000


class DataUnavailable(RuntimeError):
    """The database is missing or has not been initialised (no ingest yet)."""


@dataclass(frozen=True)
class Filters:
    """Sidebar filters; None / empty means "all". ``allowed_regions`` / ``allowed_units``: the
    scope of the account the filters were made for (perfeval.app.auth); the app's ``query`` sets them
    from the signed-in account whatever a caller passes, and exports built from these filters
    (briefing pack, CSV, Excel) carry them."""
    regions: tuple[str, ...] = ()
    units: tuple[str, ...] = ()
    year_from: int | None = None
    year_to: int | None = None
    scope: str | None = None
    kinds: tuple[str, ...] = ()
    allowed_regions: tuple[str, ...] = ()
    allowed_units: tuple[str, ...] = ()

    def params(self) -> dict[str, Any]:
        return {
            "regions": list(self.regions) or None,
            "units": list(self.units) or None,
            "year_from": self.year_from,
            "year_to": self.year_to,
            "scope": self.scope,
            "kinds": list(self.kinds) or None,
            "allowed_regions": list(self.allowed_regions) or None,
            "allowed_units": list(self.allowed_units) or None,
        }


def db_path() -> str:
    return store.default_db_path()


def data_version(path: str | None = None) -> tuple:
    """Cheap fingerprint of the database state: (mtime_ns, size) of the file and its WAL."""
    path = path or db_path()
    out = []
    for p in (path, path + ".wal"):
        try:
            st = os.stat(p)
            out.append((st.st_mtime_ns, st.st_size))
        except FileNotFoundError:
            out.append(None)
    return tuple(out)


def load_sql(name: str) -> tuple[str, frozenset[str]]:
    """The SQL text of queries/<name>.sql with fragments and filters expanded, and its parameter names."""
    if name not in _SQL_CACHE:
        if not re.fullmatch(r"[a-z0-9_]+", name):
            raise ValueError(f"bad query name {name!r}")
        text = (QUERY_DIR / f"{name}.sql").read_text(encoding="utf-8")
        # shared CTEs (queries/_<fragment>.sql) first: they may use {filters(x)} themselves
        text = _INCLUDE_RE.sub(lambda m: _strip_comments((QUERY_DIR / f"{m.group(1)}.sql").read_text(encoding="utf-8")),
                               text)
        if _FILTER_RE.search(text):
            pred = _strip_comments((QUERY_DIR / "_filters.sql").read_text(encoding="utf-8"))
            text = _FILTER_RE.sub(lambda m: "(" + re.sub(r"\bx\.", m.group(1) + ".", pred) + ")", text)
        _SQL_CACHE[name] = (text, frozenset(_PARAM_RE.findall(_strip_comments(text))))
    return _SQL_CACHE[name]


def _strip_comments(sql: str) -> str:
    return "\n".join(line for line in sql.splitlines() if not line.lstrip().startswith("--")).strip()


_ALIAS = "perfeval_data"
_MEMORY: duckdb.DuckDBPyConnection | None = None


def _connect(path: str) -> duckdb.DuckDBPyConnection:
    """ATTACH the file read-only to one in-memory DuckDB kept for the process, and USE it.

    Creating a DuckDB instance costs ~10 ms (as much as several dashboard queries); attaching a
    file to an existing one ~1 ms. DETACH (``_detach``) releases the file lock just as closing a
    connection does. Waits (``store.retry_while_locked``) while a writer holds the file."""
    global _MEMORY
    if not os.path.exists(path):
        raise DataUnavailable(path)
    if _MEMORY is None:
        _MEMORY = duckdb.connect(":memory:")
        # A join on a few hundred evaluation ids (a department's 历年对比 at 1M+ evaluations) then
        # passes them on as an IN list, which the eval_id indexes answer; past DuckDB's default of
        # 50 it passed a min/max range instead, which read whole tables (0.5 s instead of 0.1 s).
        _MEMORY.execute(f"SET dynamic_or_filter_threshold = {DYNAMIC_IN_LIST_MAX}")
    quoted = os.path.abspath(path).replace("'", "''")
    store.retry_while_locked(lambda: _MEMORY.execute(f"ATTACH '{quoted}' AS {_ALIAS} (READ_ONLY)"),
                             LOCK_RETRY_SECONDS)
    _MEMORY.execute(f"USE {_ALIAS}")
    return _MEMORY


def _detach(con: duckdb.DuckDBPyConnection) -> None:
    global _MEMORY
    try:
        con.execute("USE memory")
        con.execute(f"DETACH {_ALIAS}")
    except duckdb.Error:  # never keep a file attached: drop the whole instance instead
        con.close()
        if con is _MEMORY:
            _MEMORY = None


class _Lease:
    """One shared read-only connection that is never held for long.

    Even attaching a DuckDB file (``_connect``) and warming its blocks costs more than most of our
    queries, so the queries of one page rerun share a connection. It is closed as soon as it has
    been idle for IDLE seconds (a background timer) and at the first release after MAX_AGE seconds, so a waiting
    ``perfeval ingest`` (which retries for 30 s) gets the write lock within a fraction of a
    second. It is also reopened whenever the file's data version changed (file replaced).
    """
    IDLE = 0.15
    MAX_AGE = 1.0

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.con: duckdb.DuckDBPyConnection | None = None
        self.key: tuple | None = None
        self.opened = 0.0
        self.used = 0.0
        self.timer: threading.Timer | None = None

    @contextmanager
    def __call__(self, path: str) -> Iterator[duckdb.DuckDBPyConnection]:
        with self.lock:
            key = (os.path.abspath(path), data_version(path))
            if self.con is not None and self.key != key:
                self._close()
            if self.con is None:
                self.con = _connect(path)
                self.key = key
                self.opened = time.monotonic()
            try:
                yield self.con
            finally:
                self.used = time.monotonic()
                if self.used - self.opened > self.MAX_AGE:
                    self._close()
                else:
                    self._arm()

    def _arm(self) -> None:
        if self.timer is None:
            self.timer = threading.Timer(self.IDLE, self._idle_check)
            self.timer.daemon = True
            self.timer.start()

    def _idle_check(self) -> None:
        with self.lock:
            self.timer = None
            if self.con is None:
                return
            if time.monotonic() - self.used >= self.IDLE * 0.9:
                self._close()
            else:
                self._arm()

    def _close(self) -> None:
        if self.con is not None:
            try:
                _detach(self.con)
            finally:
                self.con = None
                self.key = None

    def close(self) -> None:
        with self.lock:
            self._close()


lease = _Lease()


@atexit.register
def _shutdown() -> None:
    global _MEMORY
    lease.close()
    if _MEMORY is not None:  # close the in-memory instance before the interpreter tears down
        _MEMORY.close()
        _MEMORY = None


# cleared while this process writes (one write at a time: the store's lock): a query waits on it before
# it looks at the per-version cache, without waiting behind other sessions' queries on the lease
_no_write = threading.Event()
_no_write.set()


@contextmanager
def exclusive(path: str | None = None) -> Iterator[None]:
    """Keep this process's readers out while it writes to the database (数据导入).

    The file lock keeps other processes apart, but not two DuckDB instances of one process: the
    shared read connection is detached and the lease held until the write is done, so concurrent
    page runs in other sessions wait for it instead of reading a file being written."""
    with lease.lock:
        _no_write.clear()
        lease._close()
        try:
            yield
        finally:
            lease._close()
            _no_write.set()


store.WRITE_GUARDS.append(exclusive)  # every store.writer of this process holds the readers off


def invalidate() -> None:
    """Forget every cached query result and status (after this process changed the database)."""
    if _CACHE_FUNCS is not None:
        for func in _CACHE_FUNCS:
            func.clear()
    version_cache.clear()
    lease.close()


UNSCOPED = {"allowed_regions": None, "allowed_units": None}


class _VersionCache:
    """Results of the queries that depend on nothing but the data and the account's scope (the
    sidebar's filter options and data-as-of line, the database status), kept per data version.

    Every rerun of every page asks for them and only an ingest or delete changes them: at 1M
    evaluations they cost ≈25 ms of each rerun, paid again on every filter change because
    Streamlit's cache keys a page's queries together with its filters. A new data version (or
    ``invalidate``) empties the cache, so it never serves another version's rows."""
    PARAMS = frozenset(UNSCOPED)

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.key: tuple | None = None
        self.entries: dict[tuple, Any] = {}

    def get(self, version_key: tuple, entry: tuple) -> Any:
        with self.lock:
            return self.entries.get(entry) if self.key == version_key else None

    def put(self, version_key: tuple, entry: tuple, value: Any) -> None:
        with self.lock:
            if self.key != version_key:
                self.key, self.entries = version_key, {}
            self.entries[entry] = value

    def clear(self) -> None:
        with self.lock:
            self.key, self.entries = None, {}


version_cache = _VersionCache()


def run_many(path: str, batch: list[tuple[str, dict[str, Any]]]) -> list[pd.DataFrame]:
    """Run several named queries on the shared short-lived read-only connection.

    Uncached, except the queries whose only parameters are the account's scope (``_VersionCache``):
    those are answered from the results for this data version when there are any (a copy each time)."""
    _no_write.wait()  # a write of this process in progress (exclusive): wait for it, then see what it wrote
    version_key = (os.path.abspath(path), data_version(path))
    out: list[pd.DataFrame | None] = []
    todo = []
    for name, params in batch:
        sql, used = load_sql(name)
        # no scope given (CLI, tests): everything. The app's ``query`` always gives one.
        params = {**UNSCOPED, **params}
        missing = used - params.keys()
        if missing:
            raise KeyError(f"query {name} needs parameters {sorted(missing)}")
        bound = {k: v for k, v in params.items() if k in used}
        entry = (name, _freeze(bound)) if used <= _VersionCache.PARAMS else None
        hit = version_cache.get(version_key, entry) if entry else None
        out.append(None if hit is None else hit.copy())
        if hit is None:
            todo.append((len(out) - 1, sql, bound, entry))
    if todo:
        with lease(path) as con:
            for i, sql, bound, entry in todo:
                try:
                    df = con.execute(sql, bound).df()
                except duckdb.CatalogException as exc:
                    raise DataUnavailable(str(exc)) from exc
                if entry:
                    version_cache.put(version_key, entry, df.copy())
                out[i] = df
    return out


def run(path: str, name: str, params: dict[str, Any] | None = None) -> pd.DataFrame:
    return run_many(path, [(name, params or {})])[0]


def status(path: str | None = None) -> str:
    """'missing' (no file), 'uninitialised' (no tables, or rollups of another version than this
    code's: the next ingest migrates them), 'empty' (no evaluations), 'ok'."""
    path = path or db_path()
    if not os.path.exists(path):
        return "missing"
    version_key = (os.path.abspath(path), data_version(path))
    known = version_cache.get(version_key, ("status",))
    if known is None:
        known = _status(path)
        if known in ("ok", "empty"):  # not a lock that kept the file out for a moment
            version_cache.put(version_key, ("status",), known)
    return known


def _status(path: str) -> str:
    try:
        ctx = lease(path)
        con = ctx.__enter__()
    except duckdb.Error:
        return "uninitialised"
    try:
        try:  # the version, not a probe of some tables: a table added later would pass unnoticed
            version = con.execute("SELECT value FROM meta WHERE key = 'rollups_version'").fetchone()
            if version is None or version[0] != rollups.ROLLUPS_VERSION:
                return "uninitialised"
            n = con.execute("SELECT count(*) FROM evaluations").fetchone()[0]
        except duckdb.CatalogException:
            return "uninitialised"
        return "ok" if n else "empty"
    finally:
        ctx.__exit__(None, None, None)


# ---- Streamlit cache layer ---------------------------------------------------------------

def _freeze(params: dict[str, Any]) -> tuple:
    return tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in params.items()))


def _cached():
    import streamlit as st

    @st.cache_data(max_entries=512, ttl=3600, show_spinner=False)
    def cached_query(path: str, version: tuple, name: str, frozen: tuple) -> pd.DataFrame:
        params = {k: list(v) if isinstance(v, tuple) else v for k, v in frozen}
        deadline = time.monotonic() + LOCK_RETRY_SECONDS
        while True:
            try:
                return run(path, name, params)
            except duckdb.IOException as exc:  # lock held by a writer beyond _connect's wait
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
                del exc

    @st.cache_data(max_entries=64, ttl=3600, show_spinner=False)
    def cached_status(path: str, version: tuple) -> str:
        return status(path)

    return cached_query, cached_status


_CACHE_FUNCS = None


def _funcs():
    global _CACHE_FUNCS
    if _CACHE_FUNCS is None:
        _CACHE_FUNCS = _cached()
    return _CACHE_FUNCS


def query(name: str, filters: Filters | None = None, **params: Any) -> pd.DataFrame:
    """Run a named query for the app (cached per data version). Filters add the shared params.

    Scoped access is applied here, for every page: the signed-in account's regions and units
    (perfeval.app.access) replace whatever ``allowed_*`` the caller passed, and an evaluation named by
    ``eval_id`` / ``eval_ids`` outside them is read as no evaluation at all."""
    path = db_path()
    full = dict(filters.params()) if filters is not None else {}
    full.update(params)
    p = current_principal()
    full["allowed_regions"] = list(p.regions) or None
    full["allowed_units"] = list(p.units) or None
    if p.scoped:
        if full.get("eval_id") is not None and not evals_in_scope([full["eval_id"]], p):
            full["eval_id"] = ""  # no evaluation has this id: the query returns no rows
        if full.get("eval_ids"):
            full["eval_ids"] = evals_in_scope(list(full["eval_ids"]), p) or [""]
    return _funcs()[0](path, data_version(path), name, _freeze(full))


def evals_in_scope(eval_ids: list[str], principal) -> list[str]:
    """Those of ``eval_ids`` the principal may see (all of them for an account without scope)."""
    if not principal.scoped:
        return list(eval_ids)
    df = run(db_path(), "evals_in_scope", {"eval_ids": list(eval_ids), "allowed_regions": list(principal.regions) or None,
                                           "allowed_units": list(principal.units) or None})
    return df["eval_id"].tolist()


def units_in_scope(units: list[str], principal) -> list[str]:
    """Those of ``units`` that hold evaluations the principal may see."""
    if not principal.scoped:
        return list(units)
    df = run(db_path(), "units_in_scope", {"units": list(units), "allowed_regions": list(principal.regions) or None,
                                           "allowed_units": list(principal.units) or None})
    return df["unit"].tolist()


def app_status() -> str:
    path = db_path()
    return _funcs()[1](path, data_version(path))
