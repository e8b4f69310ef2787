"""数据导入 page under AppTest: upload several files, preview, commit, every page sees the new data;
each bad input gets its Chinese message and leaves the database exactly as it was; delete."""
from __future__ import annotations

import hashlib
import io
import os
import pathlib
import shutil
import tomllib
import zipfile

import docx
import duckdb
import openpyxl
import pytest
from msoffcrypto.format.ooxml import OOXMLFile
from PIL import Image
from reportlab.lib import pdfencrypt
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas
from streamlit.testing.v1 import AppTest

from perfeval.app import dbread, uploads
from perfeval.ingest.readers import MAX_FILE_BYTES
from perfeval.ingest.readers.render import MAX_UNPACKED_BYTES
from perfeval.ingest.readers.text import read_text
from perfeval.pipeline import parse_bytes

from conftest_app import ROOT, SAMPLES, account_session, build_sample_db, truth_evaluations
from test_readers_formats import FONT, _minimal_docx, _with_member, _xlsx, docx_from_blocks
from test_rollups import assert_maintained_equals_rebuilt

IMPORT = "pages/6_import.py"
SEEDS = sorted(SAMPLES.glob("*.txt"))


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory) -> pathlib.Path:
    db = build_sample_db(tmp_path_factory.mktemp("import") / "samples.duckdb")
    account_session(db, "admin")  # the account the page is used with (uploading needs editor, deleting admin)
    return db


@pytest.fixture
def db_copy(sample_db, tmp_path, monkeypatch) -> pathlib.Path:
    """A private copy of the sample database, used by the app (staging folder beside it)."""
    db = tmp_path / "db" / "perfeval.duckdb"
    db.parent.mkdir()
    shutil.copy(sample_db, db)
    monkeypatch.setenv("PERFEVAL_DB", str(db))
    monkeypatch.delenv("PERFEVAL_UPLOADS", raising=False)
    yield db
    dbread.lease.close()


def open_page(page: str = IMPORT, role: str | None = "admin") -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    if role:
        at.session_state["perfeval_session"] = account_session(pathlib.Path(os.environ["PERFEVAL_DB"]), role)
    if page != "app.py":
        at.switch_page(page)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def upload(at: AppTest, files: list[tuple[str, bytes]]) -> AppTest:
    at.file_uploader[0].set_value([(name, data, "application/octet-stream") for name, data in files])
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def commit_button(at: AppTest):
    return next(b for b in at.button if b.key and b.key.startswith("commit_"))


def snapshot(db: pathlib.Path) -> tuple[str, dict]:
    """The file's hash and every table's full content (sorted rows)."""
    dbread.lease.close()
    digest = hashlib.sha256(db.read_bytes()).hexdigest()
    con = duckdb.connect(str(db), read_only=True)
    try:
        tables = [r[0] for r in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() ORDER BY 1").fetchall()]
        content = {t: sorted(con.execute(f"SELECT * FROM {t}").fetchall(), key=repr) for t in tables}
    finally:
        con.close()
    return digest, content


def texts(at: AppTest) -> str:
    parts = ([m.value for m in at.markdown] + [c.value for c in at.caption] + [e.value for e in at.error]
             + [s.value for s in at.success] + [i.value for i in at.info] + [w.value for w in at.warning])
    return "\n".join(str(p) for p in parts)


# ------------------------------------------------------------------------------- bad files

def seed_docx(i: int = 0) -> bytes:
    return docx_from_blocks(read_text(SEEDS[i].read_bytes(), SEEDS[i].name).blocks)[0]


def png() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(buf, "PNG")
    return buf.getvalue()


def pdf_without_text() -> bytes:
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    img = Image.new("L", (400, 300), 255)
    for x in range(50, 350):
        img.putpixel((x, 150), 0)
    c.drawImage(ImageReader(img), 50, 300, width=400, height=300)
    c.showPage()
    c.save()
    return buf.getvalue()


def pdf_report(encrypted: bool = False) -> bytes:
    buf = io.BytesIO()
    kw = {"encrypt": pdfencrypt.StandardEncryption("secret", "owner")} if encrypted else {}
    c = canvas.Canvas(buf, pagesize=A4, **kw)
    c.setFont(FONT, 12)
    for i, line in enumerate(read_text(SEEDS[3].read_bytes()).lines[:40]):
        c.drawString(40, 800 - 18 * i, line.strip()[:40])
    c.showPage()
    c.save()
    return buf.getvalue()


def broken_xlsx() -> bytes:
    wb = openpyxl.Workbook()
    wb.active["A1"] = "项目名称"
    data = _xlsx(wb)
    return data[: len(data) // 2]


def notice_docx() -> bytes:
    d = docx.Document()
    d.add_paragraph("关于召开2023年度工作会议的通知")
    d.add_paragraph("各科室：定于下周一上午九时在三楼会议室召开年度工作会议，请准时参加。")
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


BAD = {
    "empty": ("空文件.txt", lambda: b"", "文件是空的"),
    "unsupported_type": ("安装程序.exe", lambda: b"MZ\x90\x00" + bytes(500), "不支持的文件类型"),
    "image_without_text": ("图表.png", png, "没有识别出文字"),
    "corrupt_legacy_word": ("旧版报告.doc", lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(2048),
                            "已损坏或无法转换"),
    "corrupt_legacy_wps": ("旧版报告.wps", lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(2048),
                           "已损坏或无法转换"),
    "extension_lies_image_as_docx": ("评价报告.docx", png, "扩展名与内容不符"),
    "extension_lies_docx_as_pdf": ("评价报告.pdf", lambda: seed_docx(0), "扩展名与内容不符"),
    "extension_lies_text_as_xlsx": ("评价结果.xlsx", lambda: SEEDS[0].read_bytes(), "扩展名与内容不符"),
    "corrupt_docx_broken_zip": ("损坏.docx", lambda: b"PK\x03\x04" + bytes(300), "已损坏或不完整"),
    "corrupt_xlsx_broken_zip": ("损坏.xlsx", broken_xlsx, "已损坏或不完整"),
    "corrupt_docx_bad_xml": ("损坏内容.docx", lambda: _garbage_docx(), "Word 文件已损坏"),
    "password_protected_docx": ("加密.docx", lambda: _encrypted(seed_docx(0)), "设有密码"),
    "password_protected_xlsx": ("加密.xlsx", lambda: _encrypted(_xlsx(openpyxl.Workbook())), "设有密码"),
    "zip_of_nothing": ("材料.zip", lambda: _zip({"说明.exe": b"MZ"}), "不支持的文件类型"),
    "password_protected_pdf": ("加密.pdf", lambda: pdf_report(encrypted=True), "设有密码"),
    "zip_bomb": ("炸弹.docx", lambda: _with_member(_minimal_docx(), "word/media/image1.bin",
                                                 MAX_UNPACKED_BYTES + (1 << 20)), "压缩炸弹"),
    "over_size_limit": ("超大.txt", lambda: SEEDS[0].read_bytes() * (MAX_FILE_BYTES // SEEDS[0].stat().st_size + 1),
                        "超过 50 MB"),
    "pdf_without_text": ("扫描件.pdf", pdf_without_text, "没有可提取的文字"),
    "no_recognisable_evaluation_txt": ("会议通知.txt", lambda: "关于召开年度工作会议的通知\n各科室：请准时参加。\n".encode(),
                                       "没有找到可识别的绩效评价"),
    "no_recognisable_evaluation_docx": ("会议通知.docx", notice_docx, "没有找到可识别的绩效评价"),
    "truncated_docx": ("半份报告.docx", lambda: seed_docx(1)[: len(seed_docx(1)) // 2], "已损坏或不完整"),
    "truncated_pdf": ("半份报告.pdf", lambda: pdf_report()[: len(pdf_report()) // 2], "PDF 文件已损坏或不完整"),
    "truncated_txt": ("半份报告.txt", lambda: _cut_in_character(SEEDS[1].read_bytes()), "文件不完整"),
}


def _garbage_docx() -> bytes:
    import zipfile
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<not xml")
    return buf.getvalue()


def _cut_in_character(data: bytes) -> bytes:
    half = data[: len(data) // 2]
    while half[-1] < 0xC0:  # end right after the lead byte of a multi-byte UTF-8 character
        half = half[:-1]
    return half


def _encrypted(data: bytes) -> bytes:
    out = io.BytesIO()
    OOXMLFile(io.BytesIO(data)).encrypt("secret", out)
    return out.getvalue()


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def test_an_archive_gives_one_document_per_member(db_copy):
    """A year's submissions in one .zip: each member previewed and loaded under its path in the
    archive; a member that escapes the archive is refused on its own."""
    at = open_page()
    upload(at, [("2023年度材料.zip", _zip({"水利局/自评表.docx": seed_docx(2), "../越界.txt": SEEDS[0].read_bytes(),
                                            "交通局/通知.txt": "关于召开会议的通知\n请准时参加。\n".encode()}))])
    assert "共 3 个文件：可以导入 **1** 个" in texts(at) and "无法导入 **2** 个" in texts(at)
    errors = [e.value for e in at.error]
    assert any("指向压缩包之外" in e for e in errors) and any("没有找到可识别的绩效评价" in e for e in errors)
    commit_button(at).click().run()
    assert not at.exception and "已导入 1 个文件" in texts(at)
    with duckdb.connect(str(db_copy), read_only=True) as con:
        names = {r[0] for r in con.execute("SELECT file_name FROM documents").fetchall()}
    assert "水利局/自评表.docx" in names and not any("越界" in n or "通知" in n for n in names)


@pytest.mark.parametrize("case", list(BAD))
def test_bad_input_gets_chinese_message_and_database_unchanged(case, db_copy):
    name, build, expected = BAD[case]
    data = build()
    before = snapshot(db_copy)
    at = open_page()
    upload(at, [(name, data)])
    errors = [e.value for e in at.error]
    assert len(errors) == 1 and expected in errors[0], (case, errors)
    assert "无法导入 **1** 个" in texts(at)
    assert commit_button(at).disabled  # nothing to import
    assert not (db_copy.parent / "uploads").exists() or not any((db_copy.parent / "uploads").iterdir())
    assert snapshot(db_copy) == before, case


def test_bad_and_good_files_together(db_copy):
    """One click imports the good file; the bad ones change nothing."""
    good = seed_docx(2)  # a seed as .docx: new content (another sha256) for the database
    at = open_page()
    upload(at, [("部门整体评价.docx", good), ("损坏.docx", BAD["corrupt_docx_broken_zip"][1]()), ("空文件.txt", b"")])
    assert "可以导入 **1** 个" in texts(at) and "无法导入 **2** 个" in texts(at)
    commit_button(at).click().run()
    assert not at.exception
    assert "已导入 1 个文件" in texts(at) and "另有 2 个文件未能导入" in texts(at)
    con = duckdb.connect(str(db_copy), read_only=True)
    try:
        names = {r[0] for r in con.execute("SELECT file_name FROM documents").fetchall()}
    finally:
        con.close()
    assert "部门整体评价.docx" in names and "损坏.docx" not in names and "空文件.txt" not in names
    assert_maintained_equals_rebuilt(db_copy, db_copy.parent)


# ------------------------------------------------------------------------------ good path

def test_upload_ceiling_is_set_explicitly_above_the_readers_limit():
    """The transfer ceiling lets a file over the readers' limit reach the page's own Chinese refusal."""
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["maxUploadSize"] == uploads.UPLOAD_CEILING_MB
    assert uploads.UPLOAD_CEILING_MB * 1024 * 1024 > MAX_FILE_BYTES


def test_two_files_preview_commit_and_every_page_shows_them(tmp_path, monkeypatch):
    db = tmp_path / "fresh" / "perfeval.duckdb"  # no document yet: only the first admin (`make run`)
    monkeypatch.setenv("PERFEVAL_DB", str(db))
    at = open_page()
    before = snapshot(db)
    assert at.file_uploader[0].proto.max_upload_size_mb == uploads.UPLOAD_CEILING_MB
    assert f"单个文件不超过 {MAX_FILE_BYTES // 2**20} MB" in texts(at)  # the limit, in Chinese, by the uploader
    assert at.file_uploader[0].accept_multiple_files
    assert "数据库中还没有任何文档" in texts(at)
    files = [(SEEDS[1].name, SEEDS[1].read_bytes()), (SEEDS[2].name, SEEDS[2].read_bytes())]
    upload(at, files)
    assert "可以导入 **2** 个" in texts(at)
    assert snapshot(db) == before  # the preview never writes
    assert dbread.run(str(db), "data_status", {})["n_documents"].iloc[0] == 0
    previews = [d.value for d in at.dataframe if "单位" in d.value.columns and "执行率" in d.value.columns]
    expected = sum(parse_bytes(data, name).counts()["evaluations"] for name, data in files)
    assert sum(len(p) for p in previews) == expected
    assert any("数据质量提示（" in m.value for m in at.markdown)
    button = commit_button(at)
    assert button.label == "导入 2 个文件" and not button.disabled
    button.click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert "已导入 2 个文件" in texts(at)
    assert not at.file_uploader[0].value  # a fresh uploader: the files left the list
    docs = next(d.value for d in at.dataframe if "文档编号" in d.value.columns)
    assert set(docs["文件"]) == {SEEDS[1].name, SEEDS[2].name}
    staged = sorted(p.name for p in (db.parent / "uploads").glob("*/*"))
    assert staged == sorted([SEEDS[1].name, SEEDS[2].name])
    # the same session goes on to the dashboard pages: they show the new data at once
    at.switch_page("app.py").run()
    assert not at.exception
    assert {m.label: m.value for m in at.metric}["评价项数"] == str(expected)
    at.switch_page("pages/1_execution.py").run()
    assert not at.exception
    m = {x.label: x.value for x in at.metric}
    con = duckdb.connect(str(db), read_only=True)
    try:
        n_rate, = con.execute("SELECT count(execution_rate) FROM evaluations").fetchone()
    finally:
        con.close()
    assert m["有执行率的评价"] == str(n_rate) and n_rate > 0


def test_already_loaded_file_is_not_loaded_twice(db_copy):
    before = snapshot(db_copy)
    at = open_page()
    upload(at, [(SEEDS[0].name, SEEDS[0].read_bytes()), ("改了名字.txt", SEEDS[0].read_bytes())])
    assert "已导入过 **2** 个" in texts(at)
    assert all("已导入过" in i.value or "内容完全相同" in i.value for i in at.info)
    assert commit_button(at).disabled
    assert snapshot(db_copy) == before


def test_same_file_twice_in_one_upload_loads_once(db_copy):
    data = seed_docx(0)
    at = open_page()
    upload(at, [("一.docx", data), ("二.docx", data)])
    assert "可以导入 **1** 个" in texts(at) and "已导入过 **1** 个" in texts(at)
    commit_button(at).click().run()
    con = duckdb.connect(str(db_copy), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM documents WHERE file_name IN ('一.docx', '二.docx')").fetchone()[0] == 1
    finally:
        con.close()


def test_hostile_file_name_is_shown_as_text_and_staged_inside(db_copy):
    at = open_page()
    upload(at, [("../../**[点我](javascript:alert(1))**<img src=x onerror=alert(1)>.docx", seed_docx(1))])
    md = [m.value for m in at.markdown if "点我" in m.value]
    # the markdown brackets are escaped (no link) and <> are gone from the name (no HTML)
    assert md and "\\[点我\\]\\(javascript" in md[0] and "](javascript" not in md[0] and "<img" not in md[0]
    commit_button(at).click().run()
    staged = list((db_copy.parent / "uploads").rglob("*"))
    assert staged and all(p.resolve().is_relative_to((db_copy.parent / "uploads").resolve()) for p in staged)


def test_delete_removes_every_row_of_the_document(db_copy):
    con = duckdb.connect(str(db_copy), read_only=True)
    try:
        doc_id, file_name, n_evals = con.execute(
            "SELECT d.doc_id, d.file_name, count(*) FROM documents d JOIN evaluations e USING (doc_id) "
            "GROUP BY ALL ORDER BY count(*) DESC LIMIT 1").fetchone()
        total = con.execute("SELECT count(*) FROM evaluations").fetchone()[0]
    finally:
        con.close()
    at = open_page()
    docs = next(d.value for d in at.dataframe if "文档编号" in d.value.columns)
    row = int(docs.index[docs["文档编号"] == doc_id][0])
    table_key = next(d.key for d in at.dataframe if d.key and d.key.startswith("t_docs_"))
    at.session_state[table_key] = {"selection": {"rows": [row], "columns": [], "cells": []}}
    at.run()
    assert any(file_name.split(".")[0][:10] in w.value.replace("\\", "") and f"全部 {n_evals} 项评价" in w.value
               for w in at.warning)
    at.button(key=f"delete_{doc_id}").click().run()
    assert not at.exception
    assert "已删除" in texts(at)
    con = duckdb.connect(str(db_copy), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM documents WHERE doc_id = ?", [doc_id]).fetchone()[0] == 0
        assert con.execute("SELECT count(*) FROM evaluations").fetchone()[0] == total - n_evals
        for table in ("indicators", "spending_progress", "disbursements", "budget_lines", "findings", "checks",
                      "field_sources", "eval_progress"):
            orphans = con.execute(f"SELECT count(*) FROM {table} t WHERE NOT EXISTS "
                                  f"(SELECT 1 FROM evaluations e WHERE e.eval_id = t.eval_id)").fetchone()[0]
            assert orphans == 0, table
        assert con.execute("SELECT count(*) FROM field_sources WHERE doc_id = ?", [doc_id]).fetchone()[0] == 0
    finally:
        con.close()
    assert_maintained_equals_rebuilt(db_copy, db_copy.parent)
    at.switch_page("app.py").run()
    assert {m.label: m.value for m in at.metric}["评价项数"] == str(len(truth_evaluations()) - n_evals)


def test_import_page_holds_no_sql_and_no_html():
    import re
    src = (ROOT / IMPORT).read_text(encoding="utf-8")
    assert not re.search(r"\b(SELECT|FROM|WHERE)\b", src)
    assert "duckdb" not in src and "unsafe_allow_html" not in src
    assert "unsafe_allow_html" not in (ROOT / "perfeval" / "app" / "uploads.py").read_text(encoding="utf-8")


def test_a_write_in_this_process_holds_the_dashboard_readers_off(db_copy):
    """store.writer detaches the dashboard's shared read attachment and makes readers of other
    sessions (threads) wait until the write is done; they then see the new data."""
    import threading
    import time

    from perfeval import pipeline as ingest
    from perfeval.store import writer as store
    path = str(db_copy)
    before = int(dbread.run(path, "data_status", {})["n_documents"].iloc[0])
    assert dbread.lease.con is not None  # attached by the query above
    seen = []
    with store.writer(path) as con:
        assert dbread.lease.con is None  # detached while this process writes
        reader = threading.Thread(target=lambda: seen.append(dbread.run(path, "data_status", {})))
        reader.start()
        time.sleep(0.3)
        assert reader.is_alive() and not seen  # waiting, not reading a file being written
        assert ingest.save(con, ingest.parse_bytes(seed_docx(3), "新文件.docx"))
    reader.join(30)
    assert int(seen[0]["n_documents"].iloc[0]) == before + 1
