"""The running dashboard from outside: it listens on this machine only, keeps XSRF protection on,
and serves no file by its path (the database, the upload staging folder, stored originals)."""
from __future__ import annotations

import socket
import tomllib
import urllib.error
import urllib.parse
import urllib.request

import pytest

from conftest_app import ROOT, build_sample_db
from test_browser_dashboard import Server

MARK = "ORIGINAL-FILE-CONTENT-7f3c"


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hardening")
    db = build_sample_db(folder / "perfeval.duckdb")
    original = folder / "uploads" / "0123456789abcdef" / "原件.txt"
    original.parent.mkdir(parents=True)
    original.write_text(MARK, encoding="utf-8")
    srv = Server(db, folder / "streamlit.log")
    yield srv, db, original
    srv.stop()


def get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def test_config_binds_to_localhost_with_xsrf_on_and_no_static_files():
    server = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))["server"]
    assert server["address"] == "127.0.0.1"
    assert server["enableXsrfProtection"] is True
    assert server["enableStaticServing"] is False
    assert "HOST ?= 127.0.0.1" in (ROOT / "Makefile").read_text(encoding="utf-8")


def test_no_stored_file_is_reachable_by_path(served):
    srv, db, original = served
    rel = original.relative_to(db.parent).as_posix()
    paths = [f"/{rel}", f"/app/static/{rel}", f"/static/{rel}", f"/media/{rel}", f"/{db.name}",
             f"/app/static/{db.name}", f"/data/{rel}", f"/static/../../{rel}", f"/app/static/../{db.name}",
             f"/component/../{rel}", "/_stcore/../" + rel, f"/{original.as_posix()}"]
    db_magic = db.read_bytes()[8:12]  # "DUCK"
    for path in paths:
        status, body = get(srv.base + urllib.parse.quote(path))
        assert MARK.encode() not in body, path
        assert db_magic not in body[:64], path
        assert status in (200, 400, 403, 404), path  # 200: the app's own page, not the file


def test_writes_without_the_xsrf_token_are_refused(served):
    srv, _, _ = served
    req = urllib.request.Request(srv.base + "/_stcore/upload_file/session/file", data=b"x", method="PUT")
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(req, timeout=10)
    assert err.value.code == 403


def test_not_reachable_from_the_network(served):
    srv, _, _ = served
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.connect(("192.0.2.1", 9))  # no packet is sent: this finds the address of the outgoing interface
        address = s.getsockname()[0]
    port = int(srv.base.rsplit(":", 1)[1])
    status, _ = get(f"http://127.0.0.1:{port}/_stcore/health")
    assert status == 200
    if address.startswith("127."):  # a machine without a network interface: nothing else to reach it by
        return
    with pytest.raises(OSError):
        urllib.request.urlopen(f"http://{address}:{port}/_stcore/health", timeout=5)
