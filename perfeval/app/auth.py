"""Local accounts, sign-in sessions, OIDC claim mapping (the roles themselves: perfeval.store.roles).

Roles, cumulative: ``viewer`` (every analysis page and download), ``editor`` (also upload and
category corrections), ``admin`` (also delete, restore, empty the 回收站, reclassify, accounts,
the audit log). An anonymous visitor gets the analysis pages read-only unless
``PERFEVAL_ANONYMOUS=none`` (then nothing without signing in).

Where the checks are: every data-changing function of the store (perfeval.store.writer,
perfeval.store.problems, the account functions below) takes the acting ``Principal`` and calls
``require`` before it writes, and writes one ``audit_log`` row in the same transaction
(perfeval.store.audit). The scope (regions/units) of a principal is applied by perfeval.app.dbread to every
query the app runs. Pages only hide controls a principal cannot use.

Accounts live in the DuckDB file itself (table ``accounts``), so a backup carries them: name,
argon2id hash (argon2-cffi), role, scope. Sign-in sessions are kept in this process's memory
(a random token; the browser holds it in a SameSite=Strict cookie, the server only its SHA-256),
end after ``SESSION_IDLE`` of inactivity or ``SESSION_MAX`` in all, and when the account is
removed, its password changed or the server restarts. Failed sign-ins of one account name are
slowed down: from the ``FREE_FAILURES``-th failure on, each further attempt must wait twice as
long as the last (up to ``MAX_DELAY``).
"""
from __future__ import annotations

import datetime as dt
import fnmatch
import hashlib
import os
import pathlib
import re
import secrets
import threading
import time
from dataclasses import dataclass, field

from perfeval.app import dbread
from perfeval.store import audit
from perfeval.store import writer as store
from perfeval.store.roles import ROLES, Principal

SESSION_IDLE = dt.timedelta(minutes=int(os.environ.get("PERFEVAL_SESSION_IDLE_MINUTES", "60")))
SESSION_MAX = dt.timedelta(hours=int(os.environ.get("PERFEVAL_SESSION_HOURS", "10")))
FREE_FAILURES = 3
MAX_DELAY = 300.0
NAME_RE = re.compile(r"[\w.@-]{1,64}")
MIN_PASSWORD = 10


class SignInError(ValueError):
    """Sign-in refused; the message is Chinese and says nothing about which part was wrong."""


# ---- passwords ----------------------------------------------------------------------------------

def _hasher():
    from argon2 import PasswordHasher
    return PasswordHasher()  # argon2id, the library's current recommended parameters


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def check_password_rules(password: str, name: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise ValueError(f"密码至少 {MIN_PASSWORD} 个字符。")
    if password.strip().lower() == name.strip().lower():
        raise ValueError("密码不能与账号名相同。")


def generate_password() -> str:
    return secrets.token_urlsafe(12)


def verify_password(stored_hash: str, password: str) -> bool:
    from argon2.exceptions import InvalidHashError, VerificationError
    try:
        return _hasher().verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


_DUMMY_HASH: str | None = None


def _dummy_hash() -> str:
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        _DUMMY_HASH = hash_password(secrets.token_hex(16))
    return _DUMMY_HASH


# ---- accounts (in the DuckDB file) ---------------------------------------------------------------

def _clean_list(values) -> list[str]:
    return [v.strip() for v in (values or []) if v and v.strip()]


def add_user(db: str, name: str, role: str, password: str, *, actor: Principal, regions=(), units=()) -> None:
    actor.require("accounts")
    if not NAME_RE.fullmatch(name or ""):
        raise ValueError("账号名只能包含字母、数字、汉字和 . _ @ -，最长 64 个字符。")
    if role not in ROLES:
        raise ValueError(f"角色必须是 {', '.join(ROLES)} 之一。")
    check_password_rules(password, name)
    digest = hash_password(password)
    now = dt.datetime.now().replace(microsecond=0)
    regions, units = _clean_list(regions), _clean_list(units)
    with store.writer(db) as con, store.data_change(con):
        if con.execute("SELECT 1 FROM accounts WHERE name = ?", [name]).fetchone():
            raise ValueError(f"账号 {name} 已存在。")
        con.execute("INSERT INTO accounts VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [name, digest, role, regions or None, units or None, now, now])
        audit.record(con, actor, "user_add", old=None, new=_account_text(name, role, regions, units))


def remove_user(db: str, name: str, *, actor: Principal) -> bool:
    actor.require("accounts")
    with store.writer(db) as con, store.data_change(con):
        row = con.execute("SELECT role, regions, units FROM accounts WHERE name = ?", [name]).fetchone()
        if row is None:
            return False
        con.execute("DELETE FROM accounts WHERE name = ?", [name])
        audit.record(con, actor, "user_remove", old=_account_text(name, *row), new=None)
    end_sessions_of(name)
    return True


def set_password(db: str, name: str, password: str, *, actor: Principal) -> bool:
    if actor.name != name or actor.via == "cli":
        actor.require("accounts")
    check_password_rules(password, name)
    digest = hash_password(password)
    with store.writer(db) as con, store.data_change(con):
        n = con.execute("UPDATE accounts SET password_hash = ?, password_changed_at = ? WHERE name = ? RETURNING 1",
                        [digest, dt.datetime.now(), name]).fetchall()
        if not n:
            return False
        audit.record(con, actor, "user_passwd", old=name, new="（新密码，不记录）")
    end_sessions_of(name)
    return True


def _account_text(name: str, role: str, regions, units) -> str:
    scope = "、".join(list(regions or []) + list(units or [])) or "全部"
    return f"{name}：{role}，范围 {scope}"


def list_users(db: str) -> list[dict]:
    if dbread.status(db) in ("missing", "uninitialised"):
        return []
    df = dbread.run(db, "accounts_list", {})
    return df.to_dict("records")


def _account(db: str, name: str) -> dict | None:
    try:
        df = dbread.run(db, "account_by_name", {"name": name})
    except dbread.DataUnavailable:
        return None
    return df.iloc[0].to_dict() if len(df) else None


def _principal_of(row: dict) -> Principal:
    return Principal(row["name"], row["role"], tuple(row["regions"] if row["regions"] is not None else ()),
                     tuple(row["units"] if row["units"] is not None else ()), via="app",
                     since=_epoch(row["password_changed_at"]))


def _epoch(ts) -> float:
    try:
        return float(ts.timestamp())
    except AttributeError:
        return 0.0


# ---- sign-in, throttled -------------------------------------------------------------------------

_FAILURES: dict[str, tuple[int, float]] = {}  # account name → (failures in a row, monotonic time of the last)
_FAIL_LOCK = threading.Lock()


def failure_delay(failures: int) -> float:
    """Seconds an account name must wait after ``failures`` failed sign-ins in a row."""
    if failures < FREE_FAILURES:
        return 0.0
    return min(MAX_DELAY, 2.0 ** (failures - FREE_FAILURES + 1))


def _wait_left(name: str) -> float:
    with _FAIL_LOCK:
        n, last = _FAILURES.get(name, (0, 0.0))
    return max(0.0, last + failure_delay(n) - time.monotonic())


def authenticate(db: str, name: str, password: str) -> Principal:
    """The account's principal when the password is right; SignInError (Chinese) otherwise.
    While an account name is being slowed down, attempts are refused without checking."""
    name = (name or "").strip()
    wait = _wait_left(name)
    if wait > 0:
        raise SignInError(f"登录失败次数过多，请 {int(wait) + 1} 秒后再试。")
    row = _account(db, name) if NAME_RE.fullmatch(name) else None
    # hash even for an unknown name, so the answer takes as long either way
    ok = verify_password(row["password_hash"] if row else _dummy_hash(), password or "") and row is not None
    if not ok:
        with _FAIL_LOCK:
            n, _ = _FAILURES.get(name, (0, 0.0))
            _FAILURES[name] = (n + 1, time.monotonic())
        raise SignInError("账号或密码不正确。")
    with _FAIL_LOCK:
        _FAILURES.pop(name, None)
    return _principal_of(row)


# ---- sessions (this process's memory) -----------------------------------------------------------

@dataclass
class _Session:
    principal: Principal
    started: dt.datetime
    seen: dt.datetime


_SESSIONS: dict[str, _Session] = {}
_SESSION_LOCK = threading.Lock()


def _key(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(principal: Principal) -> str:
    token = secrets.token_urlsafe(32)
    now = dt.datetime.now()
    with _SESSION_LOCK:
        _SESSIONS[_key(token)] = _Session(principal, now, now)
    return token


def end_session(token: str | None) -> None:
    if token:
        with _SESSION_LOCK:
            _SESSIONS.pop(_key(token), None)


def end_sessions_of(name: str) -> None:
    with _SESSION_LOCK:
        for k in [k for k, s in _SESSIONS.items() if s.principal.name == name]:
            del _SESSIONS[k]


def resume(db: str, token: str | None, now: dt.datetime | None = None) -> Principal | None:
    """The principal of a live session, re-read from the accounts table (a changed role or scope
    applies at once; a removed account or a changed password ends the session)."""
    if not token:
        return None
    now = now or dt.datetime.now()
    k = _key(token)
    with _SESSION_LOCK:
        s = _SESSIONS.get(k)
        if s is None:
            return None
        if now - s.seen > SESSION_IDLE or now - s.started > SESSION_MAX:
            del _SESSIONS[k]
            return None
        s.seen = now
        principal = s.principal
    if principal.via != "app":
        return principal
    row = _account(db, principal.name)
    if row is None or _epoch(row["password_changed_at"]) != principal.since:
        end_session(token)
        return None
    fresh = _principal_of(row)
    if fresh != principal:
        with _SESSION_LOCK:
            if k in _SESSIONS:
                _SESSIONS[k].principal = fresh
    return fresh


# ---- OIDC (st.login): identity claims → role and scope -----------------------------------------

OIDC_MAP = "data/oidc_access.yaml"  # default; $PERFEVAL_OIDC_MAP names another file


@dataclass
class OidcRule:
    match: str          # shell-style pattern on the claim value, case-insensitive ("*@czj.example.gov.cn")
    role: str
    regions: tuple[str, ...] = ()
    units: tuple[str, ...] = ()


@dataclass
class OidcMap:
    claim: str = "email"
    rules: list[OidcRule] = field(default_factory=list)


def load_oidc_map(path: str | os.PathLike | None = None) -> OidcMap:
    """The mapping file (YAML): ``claim`` (default email) and ``rules``: a list of
    {match, role, regions, units}; the first rule whose pattern matches the claim wins."""
    import yaml
    p = pathlib.Path(path or os.environ.get("PERFEVAL_OIDC_MAP") or OIDC_MAP)
    if not p.exists():
        return OidcMap()
    data = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
    rules = []
    for i, r in enumerate(data.get("rules") or []):
        role = str(r.get("role", ""))
        if role not in ROLES:
            raise ValueError(f"{p}: rule {i + 1}: role must be one of {', '.join(ROLES)}")
        if not r.get("match"):
            raise ValueError(f"{p}: rule {i + 1}: match is missing")
        rules.append(OidcRule(str(r["match"]), role, tuple(_clean_list(r.get("regions"))),
                              tuple(_clean_list(r.get("units")))))
    return OidcMap(str(data.get("claim") or "email"), rules)


def principal_from_claims(claims: dict, mapping: OidcMap) -> Principal | None:
    """The principal of a signed-in OIDC user, or None when no rule admits them. An e-mail claim
    counts only when the provider says it is verified (``email_verified`` absent counts as
    verified: several providers leave it out for their own domain)."""
    value = claims.get(mapping.claim)
    if not isinstance(value, str) or not value.strip():
        return None
    if mapping.claim == "email" and claims.get("email_verified") is False:
        return None
    value = value.strip().lower()
    for rule in mapping.rules:
        if fnmatch.fnmatchcase(value, rule.match.strip().lower()):
            return Principal(value, rule.role, rule.regions, rule.units, via="oidc")
    return None
