"""Roles, accounts, the audit trail, the 回收站 and backups on real DuckDB files (no browser;
tests/test_browser_access.py drives the same through Chromium)."""
from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import pathlib
import shutil
import subprocess
import sys
import time

import duckdb
import pytest

from perfeval.app import auth, dbread, uploads
from perfeval.store import audit, backup, problems, roles
from perfeval.store import writer as store
from perfeval.store.roles import PermissionDenied, Principal

from conftest import FIXTURES, ROOT, SAMPLES, run_cli
from conftest_app import build_sample_db
from test_rollups import assert_maintained_equals_rebuilt

ADMIN = Principal("管理员甲", "admin")
EDITOR = Principal("编辑乙", "editor")
VIEWER = Principal("查看丙", "viewer")
NEW_FILE = FIXTURES / "general"


@pytest.fixture(scope="module")
def base_db(tmp_path_factory) -> pathlib.Path:
    return build_sample_db(tmp_path_factory.mktemp("access") / "samples.duckdb")


@pytest.fixture
def db(base_db, tmp_path) -> pathlib.Path:
    path = tmp_path / "db" / "perfeval.duckdb"
    path.parent.mkdir()
    shutil.copy(base_db, path)
    yield path
    dbread.lease.close()


def q(db: pathlib.Path, sql: str, *params):
    dbread.lease.close()
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()


def audit_rows(db: pathlib.Path) -> list[tuple]:
    return q(db, "SELECT actor, role, via, action, sha256, file_name, finding_key, old_value, new_value, result "
                 "FROM audit_log ORDER BY happened_at")


def live_state(db: pathlib.Path) -> dict:
    """Every table except the audit trail, the trash and meta, sorted: what the dashboard shows."""
    dbread.lease.close()
    con = duckdb.connect(str(db), read_only=True)
    try:
        tables = [r[0] for r in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() "
            "AND table_name NOT IN ('audit_log', 'meta') AND table_name NOT LIKE 'trash_%' ORDER BY 1").fetchall()]
        return {t: sorted(con.execute(f"SELECT * FROM {t}").fetchall(), key=repr) for t in tables}
    finally:
        con.close()


def a_problem(db: pathlib.Path) -> tuple[str, int, str, str]:
    """(eval_id, seq, category, doc_id) of a problem statement of a document with several evaluations."""
    return q(db, """SELECT f.eval_id, f.seq, f.category, e.doc_id FROM findings f JOIN evaluations e USING (eval_id)
                    WHERE f.kind = 'problem' AND f.category <> 'coordination' ORDER BY e.doc_id, f.eval_id, f.seq
                    LIMIT 1""")[0]


def new_upload(name: str = "新报告.txt") -> uploads.Checked:
    path = sorted(NEW_FILE.glob("*.txt"))[0]
    item = uploads.check(path.read_bytes(), name, loaded={})
    assert item.status == "ready", item.message
    return item


# ---- roles ------------------------------------------------------------------------------------------

def test_roles_are_cumulative_and_checked_where_data_changes(db):
    assert [p.can("upload") for p in (roles.ANONYMOUS, VIEWER, EDITOR, ADMIN)] == [False, False, True, True]
    assert [p.can("correct") for p in (roles.ANONYMOUS, VIEWER, EDITOR, ADMIN)] == [False, False, True, True]
    assert [p.can("delete") for p in (roles.ANONYMOUS, VIEWER, EDITOR, ADMIN)] == [False, False, False, True]
    before, log = live_state(db), audit_rows(db)
    eval_id, seq, _, doc_id = a_problem(db)
    for who in (roles.ANONYMOUS, VIEWER):
        with pytest.raises(PermissionDenied, match="没有权限"):
            uploads.commit([new_upload()], str(db), actor=who)
        with pytest.raises(PermissionDenied):
            problems.correct(str(db), eval_id, "problem", seq, "coordination", actor=who)
    for who in (roles.ANONYMOUS, VIEWER, EDITOR, Principal("限定管理员", "admin", units=("某单位",))):
        with pytest.raises(PermissionDenied):
            uploads.delete(doc_id, str(db), actor=who)
        with store.writer(str(db)) as con, pytest.raises(PermissionDenied):
            store.delete_document(con, doc_id, who)
        with pytest.raises(PermissionDenied):
            problems.reclassify(str(db), actor=who)
        with pytest.raises(PermissionDenied):
            auth.add_user(str(db), "someone", "admin", "a-long-password", actor=who)
    # a unit-scoped editor corrects nothing outside its units
    other = q(db, "SELECT unit FROM evaluations WHERE eval_id = ?", eval_id)[0][0] + "之外"
    with pytest.raises(PermissionDenied, match="可见范围"):
        problems.correct(str(db), eval_id, "problem", seq, "coordination", actor=Principal("x", "editor", units=(other,)))
    assert live_state(db) == before and audit_rows(db) == log


def test_the_dashboard_never_acts_as_the_cli_admin():
    """Inside a script run a write must name the signed-in principal (no silent OS-user admin)."""
    from streamlit.testing.v1 import AppTest
    at = AppTest.from_string("from perfeval.store import roles\n"
                             "try:\n    roles.cli_principal()\nexcept roles.PermissionDenied as e:\n"
                             "    import streamlit as st\n    st.write('refused: ' + str(e))\n")
    at.run()
    assert at.markdown and at.markdown[0].value.startswith("refused")


# ---- audit trail ------------------------------------------------------------------------------------

def test_every_data_changing_action_writes_exactly_one_audit_row(db):
    def added(before: int) -> list[tuple]:
        return audit_rows(db)[before:]

    n = len(audit_rows(db))
    docs = q(db, "SELECT count(*) FROM documents")[0][0]
    assert n == docs and {r[3] for r in audit_rows(db)} == {"ingest"}  # one per document the CLI loaded
    assert all(r[2] == "cli" and r[1] == "admin" and r[4] and r[5] for r in audit_rows(db))

    item = new_upload()
    res = uploads.commit([item], str(db), actor=EDITOR)
    assert [r.status for r in res] == ["loaded"]
    (row,) = added(n)
    assert row[:6] == ("编辑乙", "editor", "app", "upload", item.sha256, "新报告.txt") and row[9] == "loaded"
    n += 1

    eval_id, seq, old_cat, doc_id = a_problem(db)
    sha, name = q(db, "SELECT sha256, file_name FROM documents WHERE doc_id = ?", doc_id)[0]
    problems.correct(str(db), eval_id, "problem", seq, "coordination", "复核", actor=EDITOR)
    (row,) = added(n)
    key = q(db, "SELECT finding_key FROM findings WHERE eval_id = ? AND kind = 'problem' AND seq = ?", eval_id, seq)[0][0]
    assert row[3:9] == ("correct", sha, name, key, old_cat, "coordination")
    n += 1
    problems.clear_correction(str(db), eval_id, "problem", seq, actor=EDITOR)
    (row,) = added(n)
    assert row[3] == "uncorrect" and row[6] == key and row[7] == "coordination"
    n += 1

    uploads.delete(doc_id, str(db), actor=ADMIN)
    (row,) = added(n)
    assert row[:6] == ("管理员甲", "admin", "app", "delete", sha, name)
    n += 1
    uploads.restore(doc_id, str(db), actor=ADMIN)
    assert [r[3] for r in added(n)] == ["restore"]
    n += 1
    uploads.delete(doc_id, str(db), actor=ADMIN)
    uploads.purge(str(db), actor=ADMIN)
    assert [r[3] for r in added(n)] == ["delete", "purge"]
    n += 2

    res = run_cli("reclassify", "--db", str(db))
    assert res.returncode == 0, res.stderr
    (row,) = added(n)
    assert row[2:4] == ("cli", "reclassify")
    n += 1
    run_cli("reclassify", "--dry-run", "--db", str(db))
    assert not added(n)  # a dry run changes nothing

    for args, action in ((["user", "add", "新账号", "--role", "viewer", "--unit", "某单位", "--password-stdin"], "user_add"),
                         (["user", "passwd", "新账号", "--password-stdin"], "user_passwd"),
                         (["user", "remove", "新账号"], "user_remove")):
        res = subprocess.run([sys.executable, "-m", "perfeval", *args, "--db", str(db)], cwd=ROOT, text=True,
                             input="一个足够长的密码-123\n", capture_output=True, timeout=120)
        assert res.returncode == 0, res.stderr
        (row,) = added(n)
        assert row[2:4] == ("cli", action)
        n += 1


@pytest.mark.parametrize("where", ["before the audit row", "after the audit row"])
@pytest.mark.parametrize("action", ["upload", "delete", "correct"])
def test_a_failed_change_leaves_no_audit_row_and_no_change(db, monkeypatch, action, where):
    """The audit row and the change are one transaction: a failure on either side of the audit
    insert rolls both back."""
    eval_id, seq, _, doc_id = a_problem(db)
    item = new_upload()
    before, log = live_state(db), audit_rows(db)
    if where == "before the audit row":
        def fail(*args, **kwargs):
            raise RuntimeError("disk full")
        target = {"upload": (store.rollups, "apply_documents"), "delete": (store.rollups, "apply_documents"),
                  "correct": (problems.rollups, "apply_findings")}[action]
        monkeypatch.setattr(*target, fail)
    else:
        # an upload writes its documents' audit rows with record_many, the other actions with record
        name = "record_many" if action == "upload" else "record"
        real = getattr(audit, name)

        def record_then_fail(*args, **kwargs):
            real(*args, **kwargs)
            assert q_in_tx(args[0]) == len(log) + 1  # the row is there, inside the transaction
            raise RuntimeError("connection lost")
        monkeypatch.setattr(audit, name, record_then_fail)
    if action == "upload":
        res = uploads.commit([item], str(db), actor=EDITOR)
        assert [r.status for r in res] == ["failed"]
    elif action == "delete":
        with pytest.raises(RuntimeError):
            uploads.delete(doc_id, str(db), actor=ADMIN)
    else:
        with pytest.raises(RuntimeError):
            problems.correct(str(db), eval_id, "problem", seq, "coordination", actor=EDITOR)
    monkeypatch.undo()
    assert audit_rows(db) == log
    assert live_state(db) == before


def q_in_tx(con) -> int:
    return con.execute("SELECT count(*) FROM audit_log").fetchone()[0]


# ---- passwords and sign-in ----------------------------------------------------------------------------

def test_passwords_are_never_stored_or_logged_in_clear(db, caplog):
    password, wrong = "Ma-Lan-山-2024-秘密", "Not-The-Password-99"
    caplog.set_level(logging.DEBUG)
    res = subprocess.run([sys.executable, "-m", "perfeval", "user", "add", "马兰", "--role", "editor",
                          "--password-stdin", "--db", str(db)], cwd=ROOT, text=True, input=password + "\n",
                         capture_output=True, timeout=120)
    assert res.returncode == 0, res.stderr
    assert auth.authenticate(str(db), "马兰", password).role == "editor"
    with pytest.raises(auth.SignInError, match="账号或密码不正确"):
        auth.authenticate(str(db), "马兰", wrong)
    auth._FAILURES.clear()
    stored = q(db, "SELECT password_hash FROM accounts WHERE name = '马兰'")[0][0]
    assert stored.startswith("$argon2id$") and password not in stored
    dbread.lease.close()
    raw = b"".join(p.read_bytes() for p in db.parent.iterdir() if p.is_file())
    for secret in (password, wrong):
        for enc in ("utf-8", "utf-16-le"):
            assert secret.encode(enc) not in raw
        assert secret not in res.stdout + res.stderr + caplog.text
        assert all(secret not in (r[7] or "") + (r[8] or "") for r in audit_rows(db))
    # the account list never shows the hash
    listed = run_cli("user", "list", "--db", str(db))
    assert "马兰" in listed.stdout and "$argon2" not in listed.stdout


def test_repeated_failed_sign_ins_are_slowed_down(db):
    auth._FAILURES.clear()
    auth.add_user(str(db), "王会计", "viewer", "correct-horse-99", actor=ADMIN)
    for _ in range(auth.FREE_FAILURES):
        with pytest.raises(auth.SignInError, match="不正确"):
            auth.authenticate(str(db), "王会计", "guess")
    # now even the right password waits: the answer is refused without being checked
    with pytest.raises(auth.SignInError, match="秒后再试"):
        auth.authenticate(str(db), "王会计", "correct-horse-99")
    # each further failure doubles the wait, up to the cap
    delays = [auth.failure_delay(n) for n in range(20)]
    assert delays[:auth.FREE_FAILURES] == [0] * auth.FREE_FAILURES
    assert delays[auth.FREE_FAILURES:auth.FREE_FAILURES + 3] == [2, 4, 8] and max(delays) == auth.MAX_DELAY
    assert delays == sorted(delays)
    # once the wait is over (the last failure long ago), the right password works and resets the count
    n, _ = auth._FAILURES["王会计"]
    auth._FAILURES["王会计"] = (n, time.monotonic() - auth.MAX_DELAY - 1)
    assert auth.authenticate(str(db), "王会计", "correct-horse-99").name == "王会计"
    assert "王会计" not in auth._FAILURES
    # an unknown account name is answered the same way as a wrong password
    with pytest.raises(auth.SignInError, match="账号或密码不正确"):
        auth.authenticate(str(db), "没有这个人", "whatever-123")
    auth._FAILURES.clear()


def test_sessions_expire_and_follow_the_account(db):
    auth.add_user(str(db), "李审计", "viewer", "first-password-1", actor=ADMIN, units=["宋故居纪念馆"])
    p = auth.authenticate(str(db), "李审计", "first-password-1")
    assert p.units == ("宋故居纪念馆",) and p.scoped
    token = auth.start_session(p)
    assert auth.resume(str(db), token) == p
    assert auth.resume(str(db), "forged-token") is None
    # idle too long
    late = dt.datetime.now() + auth.SESSION_IDLE + dt.timedelta(minutes=1)
    assert auth.resume(str(db), token, now=late) is None
    assert auth.resume(str(db), token) is None  # and gone for good
    # a password change ends the account's sessions
    token = auth.start_session(auth.authenticate(str(db), "李审计", "first-password-1"))
    auth.set_password(str(db), "李审计", "second-password-2", actor=ADMIN)
    assert auth.resume(str(db), token) is None
    # a removed account's session ends
    token = auth.start_session(auth.authenticate(str(db), "李审计", "second-password-2"))
    auth.remove_user(str(db), "李审计", actor=ADMIN)
    assert auth.resume(str(db), token) is None
    with pytest.raises(auth.SignInError):
        auth.authenticate(str(db), "李审计", "second-password-2")


def test_account_rules(db):
    with pytest.raises(ValueError, match="至少"):
        auth.add_user(str(db), "short", "viewer", "abc", actor=ADMIN)
    with pytest.raises(ValueError, match="角色"):
        auth.add_user(str(db), "x1", "superuser", "long-enough-pw", actor=ADMIN)
    with pytest.raises(ValueError, match="账号名"):
        auth.add_user(str(db), "a b/c", "viewer", "long-enough-pw", actor=ADMIN)
    auth.add_user(str(db), "x1", "viewer", "long-enough-pw", actor=ADMIN)
    with pytest.raises(ValueError, match="已存在"):
        auth.add_user(str(db), "x1", "admin", "long-enough-pw", actor=ADMIN)


# ---- OIDC mapping ------------------------------------------------------------------------------------

def test_oidc_claims_map_to_role_and_scope(tmp_path):
    path = tmp_path / "oidc_access.yaml"
    path.write_text("""
claim: email
rules:
  - match: zhang.san@czj.example.gov.cn
    role: admin
  - match: "*@fengtai.example.gov.cn"
    role: viewer
    regions: [北京市丰台区]
  - match: "*@czj.example.gov.cn"
    role: editor
""", encoding="utf-8")
    m = auth.load_oidc_map(path)
    p = auth.principal_from_claims({"email": "Zhang.San@CZJ.example.gov.cn", "email_verified": True}, m)
    assert (p.name, p.role, p.via, p.scoped) == ("zhang.san@czj.example.gov.cn", "admin", "oidc", False)
    assert auth.principal_from_claims({"email": "li@czj.example.gov.cn"}, m).role == "editor"  # first rule wins
    p = auth.principal_from_claims({"email": "wang@fengtai.example.gov.cn"}, m)
    assert p.role == "viewer" and p.regions == ("北京市丰台区",)
    assert auth.principal_from_claims({"email": "x@gmail.com"}, m) is None
    assert auth.principal_from_claims({"email": "li@czj.example.gov.cn", "email_verified": False}, m) is None
    assert auth.principal_from_claims({"sub": "123"}, m) is None
    # another claim, e.g. the directory's user id
    path.write_text("claim: preferred_username\nrules:\n  - {match: 'czj-*', role: viewer, units: [宋故居纪念馆]}\n",
                    encoding="utf-8")
    p = auth.principal_from_claims({"preferred_username": "czj-0042"}, auth.load_oidc_map(path))
    assert p.units == ("宋故居纪念馆",)
    path.write_text("rules:\n  - {match: '*', role: root}\n", encoding="utf-8")
    with pytest.raises(ValueError, match="role"):
        auth.load_oidc_map(path)
    assert auth.load_oidc_map(tmp_path / "missing.yaml").rules == []


def test_secrets_example_configures_st_login():
    import tomllib
    example = tomllib.loads((ROOT / ".streamlit" / "secrets.toml.example").read_text(encoding="utf-8"))
    assert {"redirect_uri", "cookie_secret", "client_id", "client_secret", "server_metadata_url"} <= set(example["auth"])
    assert auth.load_oidc_map(ROOT / "data" / "oidc_access.yaml.example").rules


# ---- 回收站 --------------------------------------------------------------------------------------------

def test_delete_then_restore_brings_back_exactly_what_was_there(db):
    eval_id, seq, _, doc_id = a_problem(db)
    problems.correct(str(db), eval_id, "problem", seq, "coordination", "复核", actor=EDITOR)
    before = live_state(db)
    n_evals = q(db, "SELECT count(*) FROM evaluations WHERE doc_id = ?", doc_id)[0][0]
    assert uploads.delete(doc_id, str(db), actor=ADMIN)
    assert q(db, "SELECT count(*) FROM evaluations WHERE doc_id = ?", doc_id) == [(0,)]
    assert q(db, "SELECT count(*) FROM trash_evaluations WHERE doc_id = ?", doc_id) == [(n_evals,)]
    assert_maintained_equals_rebuilt(db, db.parent)
    assert dbread.run(str(db), "trash_documents", {})["doc_id"].tolist() == [doc_id]
    assert uploads.restore(doc_id, str(db), actor=ADMIN)
    assert live_state(db) == before  # every row, the manual category and every rollup
    assert q(db, "SELECT category, category_source FROM findings WHERE eval_id = ? AND kind = 'problem' AND seq = ?",
             eval_id, seq) == [("coordination", "manual")]
    assert q(db, "SELECT count(*) FROM trash_documents") == [(0,)]
    assert not uploads.restore(doc_id, str(db), actor=ADMIN)  # nothing left to restore


def test_purge_removes_the_trash_and_the_stored_original(db):
    root = uploads.staging_root(str(db))
    item = uploads.check(sorted(NEW_FILE.glob("*.txt"))[1].read_bytes(), "原件.txt", root=root, loaded={})
    uploads.commit([item], str(db), actor=EDITOR)
    assert item.staged.exists()
    uploads.delete(item.doc_id, str(db), root, actor=ADMIN)
    assert item.staged.exists()  # kept while the document is in the 回收站
    long_ago = time.time() - 3 * 24 * 3600
    os.utime(item.staged.parent, (long_ago, long_ago))
    assert uploads.prune(root, str(db)) == []  # even when the staging area is tidied
    assert item.staged.exists()
    assert uploads.purge(str(db), root, actor=ADMIN) == [item.doc_id]
    assert not item.staged.exists()
    for t in ("documents", "evaluations", "findings", "indicators", "field_sources"):
        assert q(db, f"SELECT count(*) FROM trash_{t}") == [(0,)]


def test_restore_refuses_a_document_loaded_again_meanwhile(db):
    path = sorted(SAMPLES.glob("*.txt"))[0]
    doc_id = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    uploads.delete(doc_id, str(db), actor=ADMIN)
    assert run_cli("ingest", str(path), "--db", str(db)).returncode == 0
    before = live_state(db)
    with pytest.raises(store.RestoreConflict):
        uploads.restore(doc_id, str(db), actor=ADMIN)
    assert live_state(db) == before


# ---- backups ------------------------------------------------------------------------------------------

def consistent(db: pathlib.Path) -> int:
    """Checks a database file on its own; returns how many documents it holds."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        n_docs, n_evals, rolled = con.execute(
            "SELECT (SELECT count(*) FROM documents), (SELECT count(*) FROM evaluations), "
            "(SELECT coalesce(sum(n), 0) FROM rollup_evals)").fetchone()
        assert n_evals == rolled  # the rollups moved with the rows: whole batches only
        assert con.execute("SELECT count(*) FROM evaluations e WHERE NOT EXISTS "
                           "(SELECT 1 FROM documents d WHERE d.doc_id = e.doc_id)").fetchone()[0] == 0
        assert con.execute("SELECT count(*) FROM documents d WHERE NOT EXISTS "
                           "(SELECT 1 FROM evaluations e WHERE e.doc_id = d.doc_id)").fetchone()[0] == 0
        # every loaded document has its audit row, and no row tells of a document that is not there
        assert con.execute("SELECT count(*) FROM audit_log WHERE action = 'ingest'").fetchone()[0] == n_docs
        return n_docs
    finally:
        con.close()


def test_backup_taken_during_an_ingest_restores_to_a_consistent_state(tmp_path):
    db = tmp_path / "live.duckdb"
    assert run_cli("ingest", str(SAMPLES), "--db", str(db)).returncode == 0
    folders = [FIXTURES / d for d in ("general", "holdout", "holdout2", "holdout3", "holdout4")]
    ingest_run = subprocess.Popen([sys.executable, "-m", "perfeval", "ingest", *map(str, folders), "--db", str(db)],
                                  cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    taken, during = [], 0
    try:
        while True:
            running = ingest_run.poll() is None
            res = run_cli("backup", str(tmp_path / "backups"), "--db", str(db))
            assert res.returncode == 0, res.stderr
            taken.append(pathlib.Path(res.stdout.split()[1]))
            if running and ingest_run.poll() is None:
                during += 1  # the ingest was running before and after this backup
            if not running:
                break
    finally:
        ingest_run.wait(600)
    assert during >= 1, "no backup was taken while the ingest ran"
    counts = [consistent(b) for b in taken]
    assert counts == sorted(counts) and counts[-1] == consistent(db)
    # restore a backup taken mid-ingest over the live database: the dashboard reads it as it was
    mid = taken[0]
    res = run_cli("restore", str(mid), "--db", str(db))
    assert res.returncode == 0, res.stderr
    assert consistent(db) == counts[0]
    assert dbread.status(str(db)) == "ok"
    assert_maintained_equals_rebuilt(db, tmp_path)
    assert q(db, "SELECT action, via FROM audit_log ORDER BY happened_at DESC LIMIT 1") == [("backup_restore", "cli")]
    kept = list((tmp_path / "backups").glob("*.duckdb"))  # the replaced database was backed up first
    assert len(kept) == len(taken) + 1


def test_a_schema_migration_takes_a_backup_first(db):
    con = duckdb.connect(str(db))
    try:
        con.execute("UPDATE meta SET value = 'older' WHERE key = 'schema_version'")
        con.execute("DROP TABLE audit_log")  # as a database from before the audit trail
    finally:
        con.close()
    old = live_state(db)
    with store.writer(str(db)):
        pass
    (copy,) = (db.parent / backup.BACKUP_DIR_NAME).glob("*-before-migration-*.duckdb")
    con = duckdb.connect(str(copy), read_only=True)
    try:
        assert con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0] == "older"
        assert not con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'audit_log'").fetchone()[0]
    finally:
        con.close()
    assert q(db, "SELECT count(*) FROM audit_log") == [(0,)]  # migrated
    assert live_state(db).keys() >= old.keys()


# ---- scoped access ------------------------------------------------------------------------------------

SCOPED_UNIT = "上海市机关事务管理局"


def rendered_text(at) -> str:
    """Everything a page put on screen: texts, tables, chart data, widget options."""
    parts = [str(e.value) for kind in ("markdown", "caption", "subheader", "header", "title", "info", "warning",
                                       "error", "success", "code") for e in getattr(at, kind)]
    parts += [f"{m.label} {m.value}" for m in at.metric]
    parts += [d.value.to_csv() for d in at.dataframe]
    parts += [" ".join(map(str, w.options)) for w in list(at.selectbox) + list(at.multiselect)]
    parts += [c.proto.spec for c in at.get("plotly_chart")]
    return "\n".join(parts)


def test_a_scoped_account_sees_only_its_unit_on_every_page_and_export(db, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from perfeval.app import briefing

    from conftest_app import PAGES, account_session
    monkeypatch.setenv("PERFEVAL_DB", str(db))
    others = [u for (u,) in q(db, "SELECT DISTINCT unit FROM evaluations WHERE unit <> ?", SCOPED_UNIT)]
    other_eval = q(db, "SELECT eval_id FROM evaluations WHERE unit <> ? LIMIT 1", SCOPED_UNIT)[0][0]
    assert others
    # the same page for an account without scope names the other units (so their absence below means something)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.session_state["perfeval_session"] = account_session(db, "viewer", "everything")
    at.run()
    assert [u for u in others if u in rendered_text(at)]
    token = account_session(db, "viewer", "scoped", units=[SCOPED_UNIT])
    for page in PAGES:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
        at.session_state["perfeval_session"] = token
        if page != "app.py":
            at.switch_page(page)
        at.run()
        assert not at.exception, (page, [e.message for e in at.exception])
        text = rendered_text(at)
        assert SCOPED_UNIT in text, page
        assert not [u for u in others if u in text], page
    # a link naming another unit's evaluation: a Chinese refusal, not the data
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.session_state["perfeval_session"] = token
    at.query_params["eval"] = other_eval
    at.switch_page("pages/5_detail.py").run()
    assert any("不在您的账号可见范围内" in e.value for e in at.error)
    assert not [u for u in others if u in rendered_text(at)]
    # the exports take the scope with the filters the page made
    f = dbread.Filters(allowed_units=(SCOPED_UNIT,))
    for key in briefing.EXPORTS:
        csv = briefing.table_csv(str(db), f, key).decode("utf-8-sig")
        assert not [u for u in others if u in csv], key
    html = briefing.html_bytes(str(db), f).decode("utf-8")
    assert SCOPED_UNIT in html and not [u for u in others if u in html]


# ---- the app's sign-in paths (AppTest runs the real pages in this process) ------------------------------

def app(page: str, *, token: str | None = None, secrets: dict | None = None, user: dict | None = None):
    from streamlit.testing.v1 import AppTest
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    if token:
        at.session_state["perfeval_session"] = token
    if secrets:
        at.secrets["auth"] = secrets
    if user is not None:
        at.user = user
    if page != "app.py":
        at.switch_page(page)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_without_anonymous_access_every_page_asks_to_sign_in(db, monkeypatch):
    from conftest_app import PAGES, account_session
    monkeypatch.setenv("PERFEVAL_DB", str(db))
    monkeypatch.setenv("PERFEVAL_ANONYMOUS", "none")
    for page in PAGES + ["pages/6_import.py", "pages/8_admin.py"]:
        at = app(page)
        assert any("请先在左侧「登录」" in i.value for i in at.info), page
        assert not at.metric and not at.dataframe and not at.get("plotly_chart"), page
    at = app("app.py", token=account_session(db, "viewer"))
    assert {m.label for m in at.metric} >= {"评价项数"}


def test_oidc_identity_gets_the_mapped_role_and_scope(db, monkeypatch, tmp_path):
    from conftest_app import account_session
    mapping = tmp_path / "oidc_access.yaml"
    mapping.write_text("claim: email\nrules:\n"
                       "  - {match: 'chen@czj.example.gov.cn', role: editor}\n"
                       f"  - {{match: '*@sh.example.gov.cn', role: viewer, units: [{SCOPED_UNIT}]}}\n", encoding="utf-8")
    monkeypatch.setenv("PERFEVAL_DB", str(db))
    monkeypatch.setenv("PERFEVAL_OIDC_MAP", str(mapping))
    secrets = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x" * 32,
               "client_id": "perfeval", "client_secret": "s", "server_metadata_url": "https://idp.example/.well-known"}
    # an editor by the mapping: the import page opens, the sidebar names them
    at = app("pages/6_import.py", secrets=secrets, user={"is_logged_in": True, "email": "chen@czj.example.gov.cn"})
    assert not at.error and at.get("file_uploader")
    assert any("chen@czj.example.gov.cn（编辑者）" in c.value for c in at.caption)
    # a scoped viewer: only its unit in the filters, and no import page
    at = app("app.py", secrets=secrets, user={"is_logged_in": True, "email": "liu@sh.example.gov.cn"})
    units = next(m for m in at.multiselect if m.label == "单位").options
    assert units == [SCOPED_UNIT]
    at = app("pages/6_import.py", secrets=secrets, user={"is_logged_in": True, "email": "liu@sh.example.gov.cn"})
    assert any("没有权限访问本页面" in e.value for e in at.error)
    # someone the mapping does not admit: a visitor, told so
    at = app("app.py", secrets=secrets, user={"is_logged_in": True, "email": "x@elsewhere.example"})
    assert any("尚未获授权" in w.value for w in at.warning)
    assert any(b.label == "使用统一身份认证登录" or b.label == "退出统一身份认证" for b in at.button)
    # not signed in with the provider: the button that starts st.login is offered next to the local form
    at = app("app.py", secrets=secrets, user={"is_logged_in": False})
    assert any(b.label == "使用统一身份认证登录" for b in at.button)
    # local accounts still work alongside
    at = app("app.py", token=account_session(db, "viewer"))
    assert any("test_viewer（查看者）" in c.value for c in at.caption)


def test_admin_page_manages_accounts_and_reclassifies_with_audit_rows(db, monkeypatch):
    from conftest_app import account_session
    monkeypatch.setenv("PERFEVAL_DB", str(db))
    token = account_session(db, "admin", "page_admin")
    n = len(audit_rows(db))
    at = app("pages/8_admin.py", token=token)
    next(t for t in at.text_input if t.label == "账号名").input("赵六")
    next(s for s in at.selectbox if s.label == "角色").select("editor")
    next(m for m in at.multiselect if m.label.startswith("限定单位")).select(SCOPED_UNIT)
    next(b for b in at.button if b.label == "新建").click()
    at.run()
    assert not at.exception and any("已新建账号 赵六" in s.value for s in at.success)
    password = next(c.value for c in at.code if "python -m" not in c.value)
    p = auth.authenticate(str(db), "赵六", password)
    assert (p.role, p.units) == ("editor", (SCOPED_UNIT,))
    next(s for s in at.selectbox if s.label == "账号").select("赵六")
    at.run()
    at.button(key="user_reset").click().run()
    new_password = next(c.value for c in at.code if "python -m" not in c.value)
    assert new_password != password and auth.authenticate(str(db), "赵六", new_password)
    next(s for s in at.selectbox if s.label == "账号").select("赵六")
    at.run()
    at.button(key="user_remove").click().run()
    assert not [u for u in auth.list_users(str(db)) if u["name"] == "赵六"]
    at.button(key="reclassify").click().run()
    assert any("已重新分类" in s.value for s in at.success)
    rows = audit_rows(db)[n:]
    assert [(r[0], r[2], r[3]) for r in rows] == [("page_admin", "app", a) for a in
                                                 ("user_add", "user_passwd", "user_remove", "reclassify")]
    assert all(password not in (r[8] or "") and new_password not in (r[8] or "") for r in rows)
