"""perfeval.app.uploads without the page: safe names and staging, Chinese reasons, checks."""
from __future__ import annotations

import io
import os
import pathlib
import zipfile

import pytest

from perfeval.app import uploads
from perfeval.ingest.readers import MAX_FILE_BYTES, ReadError, read_document

HOSTILE_NAMES = [
    "../../etc/passwd", "..\\..\\windows\\system32\\evil.dll", "C:\\x\\..\\y.docx", "\x00a.txt",
    "/etc/passwd", "/tmp/x/../../root/.ssh/authorized_keys", "..", ".", "", "...", "a/../../b.txt",
    "./.hidden.txt", "dir/sub/", "name\r\nwith\tcontrols.txt", "\u202ecod.exe", "C:evil.txt",
    "aux:stream.txt", "报告/../../../上级目录.txt", "\\\\server\\share\\报告.docx", "x" * 5000 + ".txt",
    "file:///etc/passwd", "%2e%2e%2fetc%2fpasswd", "..%2f..%2fx.txt",
]


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_safe_name_cannot_leave_the_folder(name):
    out = uploads.safe_name(name)
    assert out and out not in (".", "..")
    assert "/" not in out and "\\" not in out and "\x00" not in out
    assert not out.startswith(".")
    assert all(ord(ch) >= 32 and ch not in "\x7f\u202e" for ch in out)
    assert len(out) <= uploads.MAX_NAME_CHARS and len(out.encode()) <= uploads.MAX_NAME_BYTES


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_staged_files_stay_under_the_staging_folder(name, tmp_path):
    root = tmp_path / "uploads"
    outside = set(tmp_path.iterdir())
    path = uploads.stage(b"content of " + name.encode("utf-8", "replace"), name, root)
    assert path.resolve().is_relative_to(root.resolve())
    assert path.parent.parent == root.resolve() and path.exists()
    assert set(tmp_path.iterdir()) - outside == {root}  # nothing written beside the staging folder
    for dirpath, _, files in os.walk(tmp_path):
        for f in files:
            assert pathlib.Path(dirpath, f).resolve().is_relative_to(root.resolve())


def test_safe_name_examples():
    assert uploads.safe_name("../../etc/passwd") == "passwd"
    assert uploads.safe_name("C:\\x\\..\\y.docx") == "y.docx"
    assert uploads.safe_name("\x00a.txt") == "a.txt"
    assert uploads.safe_name("/abs/path/报告.pdf") == "报告.pdf"
    assert uploads.safe_name("..") == "upload"
    assert uploads.safe_name("2021年度北京市丰台区城市管理监督指挥中心部门整体支出绩效评价报告.docx") == \
        "2021年度北京市丰台区城市管理监督指挥中心部门整体支出绩效评价报告.docx"  # Chinese is kept
    long = uploads.safe_name("很长的文件名" * 50 + ".docx")
    assert long.endswith(".docx") and long.startswith("很长的文件名")
    assert len(long.encode()) <= uploads.MAX_NAME_BYTES
    assert uploads.safe_name('a<b>c:d"e|f?g*h.txt') == "a_b_c_d_e_f_g_h.txt"


def test_stage_is_keyed_by_content_and_unstage_removes_it(tmp_path):
    root = tmp_path / "uploads"
    a = uploads.stage(b"same", "a.txt", root)
    b = uploads.stage(b"same", "../b.txt", root)
    assert a.parent == b.parent and a.parent.name == __import__("hashlib").sha256(b"same").hexdigest()[:16]
    uploads.unstage(a.parent.name, root)
    assert not a.parent.exists()
    uploads.unstage("../../etc", root)  # not a document id: ignored
    assert root.exists()


def _docx_zip(member: str = "word/document.xml", body: bytes = b"<not xml") -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr(member, body)
    return buf.getvalue()


@pytest.mark.parametrize("data", [
    b"", b"PK\x03\x04" + bytes(200), b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(1024),
    _docx_zip(), _docx_zip("xl/workbook.xml"), _docx_zip("other.xml"), b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4,
    b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\ngarbage",
])
def test_every_reader_refusal_has_a_chinese_reason(data):
    with pytest.raises(ReadError) as info:
        read_document(data, "x")
    text = uploads.chinese_reason(str(info.value))
    assert text != uploads.GENERIC_REASON, str(info.value)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in text)


def test_unknown_reason_is_generic():
    assert uploads.chinese_reason("something nobody anticipated") == uploads.GENERIC_REASON
    assert "50 MB" in uploads.chinese_reason(f"file is larger than {MAX_FILE_BYTES // 2**20} MB")


def test_text_cut_inside_a_character():
    text = "项目支出绩效评价报告，预算执行率为96.36%。"
    for enc in ("utf-8", "gb18030"):
        data = text.encode(enc)
        assert not uploads._ends_inside_a_character(data)
        assert uploads._ends_inside_a_character(data[:-1] if enc == "gb18030" else data[:-2])
    u16 = b"\xff\xfe" + text.encode("utf-16-le")
    assert not uploads._ends_inside_a_character(u16)
    assert uploads._ends_inside_a_character(u16[:-1])


def test_check_does_not_stage_refused_files(tmp_path):
    root = tmp_path / "uploads"
    item = uploads.check(b"\x89PNG\r\n\x1a\n" + bytes(100), "../../图.docx", db=str(tmp_path / "none.duckdb"),
                         root=root)
    assert item.status == "refused" and "扩展名与内容不符" in item.message and item.name == "图.docx"
    assert not root.exists()


def test_technical_detail_agrees_with_the_message(tmp_path):
    """An unrecognisable file is not called "content txt" in the detail while the message says
    it is neither a document nor text; an oversized one states its size and the limit."""
    garbage = bytes(range(256)) * 8  # no magic bytes, not decodable as text
    item = uploads.check(garbage, "报告.docx", db=str(tmp_path / "none.duckdb"))
    assert item.status == "refused" and "无法识别的内容" in item.message
    assert "unrecognised" in item.detail and "content txt" not in item.detail
    big = uploads.too_large("大文件.pdf", 60 * 2**20)
    assert big.status == "refused" and "60.0 MB" in big.message and "超过 50 MB" in big.message
    assert f"{60 * 2**20:,} bytes" in big.detail and f"{MAX_FILE_BYTES:,}" in big.detail
