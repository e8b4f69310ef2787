"""The formats portals and units publish besides .docx/.xlsx/.txt/PDF: .doc/.xls/.wps/.et, web pages
(.html/.mht), scans and photos (OCR) and .zip archives of them.

Every test file in a new format is made here from the repository's own test documents (LibreOffice
converts them, pypdfium2 rasterizes a rendered page), and what it gives is compared with what the
original gives: the same evaluations with the same fields, indicators and findings.
"""
from __future__ import annotations

import io
import os
import pathlib
import shutil
import subprocess
import sys
import zipfile

import docx
import duckdb
import numpy as np
import pypdfium2 as pdfium
import pytest
from msoffcrypto.format.ooxml import OOXMLFile
from PIL import Image
from streamlit.testing.v1 import AppTest

from perfeval.app import dbread
from perfeval.ingest.readers import ReadError, read_document, sniff_format
from perfeval.ingest.readers.archive import read_members
from perfeval.pipeline import _check_ocr_readings, parse_bytes
from perfeval.store.writer import EVAL_COLUMNS

ROOT = pathlib.Path(__file__).resolve().parents[1]
H2 = ROOT / "tests" / "fixtures" / "holdout2"
WORD = ["h2_01_sichuan_santai_2023_zipingbiao_hebing", "h2_03_heilongjiang_longjiang_2022_xiangmu_baogao",
        "h2_04_henan_luanchuan_2024_bumen_zhengti"]
EXCEL = ["h2_05_shanxi_datong_2020_jieguo_xinxibiao", "h2_07_hubei_yiling_2023_yuedu_jindu"]
SCANNED_FORM = H2 / "h2_08_jilin_yanji_2022_zipingbiao.pdf"
# h2_10 is left out of the .doc round trip: LibreOffice 7.4's own Word 97 *export* writes its second
# form (a table right after a page break) as one paragraph, so the test file itself would be wrong.


def _soffice() -> str:
    exe = shutil.which("soffice")
    if not exe:
        pytest.fail("LibreOffice is not installed: apt-get install libreoffice-writer-nogui libreoffice-calc-nogui "
                    "(.ci/run and the README install it)")
    return exe


def _convert(sources: list[pathlib.Path], target: str, outdir: pathlib.Path, profile: pathlib.Path) -> None:
    subprocess.run([_soffice(), f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", target,
                    "--outdir", str(outdir), *map(str, sources)], check=True, capture_output=True, timeout=300)


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> pathlib.Path:
    """The test documents in the new formats, converted once for the module."""
    out = tmp_path_factory.mktemp("published")
    profile = out / "profile"
    word = [H2 / f"{n}.docx" for n in WORD]
    excel = [H2 / f"{n}.xlsx" for n in EXCEL]
    notice = out / "notice.docx"  # a meeting notice: no evaluation in it
    d = docx.Document()
    d.add_paragraph("关于召开2023年度工作总结会议的通知")
    d.add_paragraph("各科室：定于12月28日下午召开年度工作总结会议，请准时参加。")
    d.save(str(notice))
    _convert(word + [notice], "doc", out / "doc", profile)
    _convert(excel, "xls", out / "xls", profile)
    _convert(word + excel, "html", out / "html", profile)
    _convert(word[:1], "html:XHTML Writer File:UTF8", out / "xhtml", profile)
    _convert(word[:1], "pdf", out / "pdf", profile)
    _convert(word[:1], "rtf", out / "rtf", profile)
    _convert(word[:1], "xml:MS Word 2003 XML", out / "xml", profile)
    return out


def records(data: bytes, name: str) -> list[dict]:
    parsed = parse_bytes(data, name)
    out = []
    for ev in parsed.evaluations:
        c = ev.candidate
        out.append({"fields": {k: c.get(k) for k in EVAL_COLUMNS},
                    "indicators": [(x.level1, x.level2, x.name, x.target, x.actual, x.weight, x.score)
                                   for x in c.indicators],
                    "findings": [(f.kind, f.text, f.category) for f in c.findings],
                    "progress": [(p.month, p.cumulative_rate) for p in c.progress],
                    "budget_lines": [(b.name, b.budget_yuan, b.spent_yuan) for b in c.budget_lines]})
    return sorted(out, key=lambda r: (str(r["fields"]["project"]), str(r["fields"]["year"]), str(r["fields"]["unit"])))


@pytest.mark.parametrize("name", WORD + EXCEL)
def test_binary_office_files_give_the_records_of_their_originals(made, name):
    original = (H2 / f"{name}.docx") if name in WORD else (H2 / f"{name}.xlsx")
    binary = made / ("doc" if name in WORD else "xls") / (name + (".doc" if name in WORD else ".xls"))
    want = records(original.read_bytes(), original.name)
    assert want, "the original gives evaluations"
    assert records(binary.read_bytes(), binary.name) == want
    # WPS writes the same compound-file formats under its own suffixes; the content decides
    alias = ".wps" if name in WORD else ".et"
    doc = read_document(binary.read_bytes(), name + alias)
    assert doc.file_format == alias[1:]
    assert records(binary.read_bytes(), name + alias) == want


def test_rtf_saved_as_doc_gives_the_records_of_its_original(made):
    rtf = (made / "rtf" / f"{WORD[0]}.rtf").read_bytes()
    assert sniff_format(rtf) == "rtf"
    assert records(rtf, "自评表.doc") == records((H2 / f"{WORD[0]}.docx").read_bytes(), "a.docx")


def test_word_2003_xml_is_read_as_a_word_document(made):
    """Word 2003 XML goes through LibreOffice's XSLT filters, whose export and import of merged
    cells are lossy: the evaluation and its identity are found; figures are not compared here."""
    xml = (made / "xml" / f"{WORD[0]}.xml").read_bytes()
    assert sniff_format(xml) == "doc"
    got = records(xml, "自评表.doc")
    want = records((H2 / f"{WORD[0]}.docx").read_bytes(), "a.docx")
    assert [(r["fields"]["project"], r["fields"]["year"], r["fields"]["unit"]) for r in got] == \
        [(r["fields"]["project"], r["fields"]["year"], r["fields"]["unit"]) for r in want]


RESULTS = [["项目名称", "主管部门", "预算数（万元）", "执行数（万元）", "执行率", "评价得分", "评价等级"],
           ["城乡居民医疗救助资金", "县医疗保障局", "320.5", "301.27", "94%", "91", "优秀"],
           ["农村公路养护补助", "县交通运输局", "86", "70.52", "82%", "78.5", "良好"]]


def test_excel_2003_xml_export_gives_the_records_of_the_same_sheet():
    """What finance systems export as .xls is often SpreadsheetML (Office 2003 XML)."""
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.title = "2023年度绩效评价结果"
    for row in RESULTS:
        wb.active.append(row)
    xlsx = io.BytesIO()
    wb.save(xlsx)
    cells = "".join("<Row>" + "".join(f'<Cell><Data ss:Type="String">{v}</Data></Cell>' for v in row) + "</Row>"
                    for row in RESULTS)
    xml = ('<?xml version="1.0" encoding="UTF-8"?><?mso-application progid="Excel.Sheet"?>'
           '<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" '
           'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">'
           f'<Worksheet ss:Name="2023年度绩效评价结果"><Table>{cells}</Table></Worksheet></Workbook>').encode()
    assert sniff_format(xml) == "xls"
    want = records(xlsx.getvalue(), "结果.xlsx")
    assert len(want) == 2
    assert records(xml, "结果.xls") == want


def test_upload_accepts_what_portals_save_under_another_suffix(made, tmp_path):
    """A .doc that is RTF and an "Excel" export that is an HTML table are what they are, not lies."""
    from perfeval.app.uploads import check

    rtf = check((made / "rtf" / f"{WORD[0]}.rtf").read_bytes(), "自评表.doc", db=str(tmp_path / "none.duckdb"))
    page = check((made / "html" / f"{EXCEL[0]}.html").read_bytes(), "结果.xls", db=str(tmp_path / "none.duckdb"))
    assert (rtf.status, page.status) == ("ready", "ready"), (rtf.message, page.message)
    lie = check((made / "html" / f"{EXCEL[0]}.html").read_bytes(), "结果.pdf", db=str(tmp_path / "none.duckdb"))
    assert lie.status == "refused" and "扩展名与内容不符" in lie.message


@pytest.mark.parametrize("name", WORD + EXCEL)
def test_web_pages_give_the_records_of_their_originals(made, name):
    original = (H2 / f"{name}.docx") if name in WORD else (H2 / f"{name}.xlsx")
    page = made / "html" / f"{name}.html"
    assert sniff_format(page.read_bytes()) == "html"
    assert records(page.read_bytes(), page.name) == records(original.read_bytes(), original.name)


def test_xhtml_page_with_an_xml_declaration(made):
    page = made / "xhtml" / f"{WORD[0]}.html"
    assert page.read_bytes().lstrip().startswith(b"<?xml")
    assert records(page.read_bytes(), page.name) == records((H2 / f"{WORD[0]}.docx").read_bytes(), "a.docx")


PORTAL = """<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>关于2023年度项目支出绩效评价结果的公告</title>
<script>var nav = "首页 | 政务公开";</script><style>.x{color:red}</style></head>
<body>
<div class="top-nav"><a href="/">首页</a> | <a href="/zwgk">政务公开</a> | 网站地图</div>
<div class="breadcrumb">当前位置：首页 &gt; 财政资金 &gt; 绩效评价</div>
<div class="article-content">
<h1>某县财政局2023年度项目支出绩效评价结果公告</h1>
<p>根据《项目支出绩效评价管理办法》，现将2023年度重点项目绩效评价结果公告如下：</p>
<table border="1">
<tr><td>序号</td><td>项目名称</td><td>主管部门</td><td>预算金额<br>（万元）</td><td>评价得分</td><td>评价等级</td></tr>
<tr><td>1</td><td>农村饮水安全巩固提升工程</td><td rowspan="2">县水利局</td><td>1,200.00</td><td>91.5</td><td>优</td></tr>
<tr><td>2</td><td>小型水库除险加固</td><td>860.00</td><td>84</td><td>良</td></tr>
<tr><td colspan="3">合计</td><td>2,060.00</td><td></td><td></td></tr>
</table>
<p>特此公告。<br>某县财政局<br>2024年6月10日</p>
</div>
<div id="footer">版权所有：某县人民政府 主办单位：某县财政局 ICP备案号</div>
</body></html>"""


def test_portal_page_content_without_its_furniture():
    data = PORTAL.encode("gb18030")
    doc = read_document(data, "notice.htm")
    text = "\n".join(doc.lines)
    assert doc.file_format == "html"
    assert "某县财政局2023年度项目支出绩效评价结果公告" in text
    for furniture in ("首页", "当前位置", "版权所有", "var nav", "color:red"):
        assert furniture not in text
    table = next(b for b in doc.blocks if hasattr(b, "rows"))
    rows = [[c.text for c in r] for r in table.rows]
    assert rows[0] == ["序号", "项目名称", "主管部门", "预算金额\n（万元）", "评价得分", "评价等级"]
    assert rows[2] == ["2", "小型水库除险加固", "", "860.00", "84", "良"]  # rowspan: "" below its first row
    assert rows[3] == ["合计", "", "", "2,060.00", "", ""]  # colspan: "" right of its first column
    paragraphs = [b.text for b in doc.blocks if not hasattr(b, "rows")]
    assert paragraphs[-3:] == ["特此公告。", "某县财政局", "2024年6月10日"]  # <br> breaks a line
    # every block's line range points at its own text in the rendering
    for block in doc.blocks:
        if not hasattr(block, "rows"):
            assert doc.lines[block.line_start - 1] == block.text


def test_saved_web_archive_reads_like_the_page():
    body = PORTAL.encode("gb18030")
    import quopri
    mht = (b"From: <Saved by Windows Internet Explorer>\r\nSubject: notice\r\nMIME-Version: 1.0\r\n"
           b'Content-Type: multipart/related; boundary="----=_NextPart_000"; type="text/html"\r\n\r\n'
           b"------=_NextPart_000\r\nContent-Type: text/html; charset=\"gb2312\"\r\n"
           b"Content-Transfer-Encoding: quoted-printable\r\nContent-Location: http://example.invalid/a.htm\r\n\r\n"
           + quopri.encodestring(body) + b"\r\n------=_NextPart_000--\r\n")
    assert sniff_format(mht) == "mht"
    assert read_document(mht, "notice.mht").lines == read_document(body, "notice.htm").lines


def test_page_declaring_a_wrong_charset_falls_back_to_strict_decoding():
    data = PORTAL.replace("gb2312", "utf-8").encode("gb18030")
    assert "某县财政局2023年度项目支出绩效评价结果公告" in read_document(data, "a.html").lines


# ------------------------------------------------------------------------------ scans and photos

@pytest.fixture(scope="module")
def scans(made) -> dict[str, bytes]:
    """Rendered pages rasterized at 150 dpi: the two pages of a .docx 自评表 as an image-only PDF,
    and a one-page PDF 自评表 as a PNG (a photo of a form is one page)."""
    pdf = pdfium.PdfDocument(str(made / "pdf" / f"{WORD[0]}.pdf"))
    images = [pdf[i].render(scale=150 / 72).to_pil().convert("RGB") for i in range(len(pdf))]
    assert len(images) >= 2
    scan = io.BytesIO()
    images[0].save(scan, "PDF", save_all=True, append_images=images[1:], resolution=150)
    png = io.BytesIO()
    pdfium.PdfDocument(str(SCANNED_FORM))[0].render(scale=150 / 72).to_pil().convert("RGB").save(png, "PNG")
    return {"pdf": scan.getvalue(), "png": png.getvalue()}


def _field_agreement(want: list[dict], got: list[dict]) -> tuple[int, int]:
    ok = total = 0
    for w in want:
        g = next((r for r in got if r["fields"]["project"] == w["fields"]["project"]), None)
        for name, value in w["fields"].items():
            if value is None:
                continue
            total += 1
            ok += g is not None and g["fields"][name] == value
    return ok, total


@pytest.mark.parametrize("kind", ["pdf", "png"])
def test_scanned_page_gives_the_evaluation_of_the_original(scans, kind):
    original = H2 / f"{WORD[0]}.docx" if kind == "pdf" else SCANNED_FORM
    want = records(original.read_bytes(), original.name)
    parsed = parse_bytes(scans[kind], f"scan.{kind}")
    got = records(scans[kind], f"scan.{kind}")
    assert [r["fields"]["project"] for r in got] == [r["fields"]["project"] for r in want]
    ok, total = _field_agreement(want, got)
    assert total >= 15 and ok / total >= 0.97, (ok, total)
    # read by OCR, and every line it read carries a confidence
    assert parsed.document.file_format == ("pdf" if kind == "pdf" else "image")
    assert parsed.document.ocr_confidence
    assert all(0 < c <= 1 for c in parsed.document.ocr_confidence.values())
    assert any("OCR" in w for w in parsed.document.warnings)


def test_a_photo_taken_askew_is_turned_straight(scans):
    photo = Image.open(io.BytesIO(scans["png"])).rotate(2.0, resample=Image.Resampling.BICUBIC, expand=False,
                                                         fillcolor="white")
    buf = io.BytesIO()
    photo.save(buf, "JPEG", quality=85)
    want = records(SCANNED_FORM.read_bytes(), SCANNED_FORM.name)
    got = records(buf.getvalue(), "photo.jpg")
    ok, total = _field_agreement(want, got)
    assert len(got) == len(want) and ok / total >= 0.97, (ok, total)


def test_ocr_values_are_marked_and_low_confidence_gets_a_check(scans, tmp_path, monkeypatch):
    db = tmp_path / "scan.duckdb"
    scan = tmp_path / "自评表扫描件.pdf"
    scan.write_bytes(scans["pdf"])
    run = subprocess.run([sys.executable, "-m", "perfeval", "ingest", str(scan), "--db", str(db)],
                         cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr
    with duckdb.connect(str(db), read_only=True) as con:
        marked = con.execute("SELECT count(*), min(ocr_confidence), max(ocr_confidence) FROM field_sources "
                             "WHERE field = 'budget_yuan'").fetchone()
        assert marked[0] == 1 and 0 < marked[1] <= marked[2] <= 1
        assert con.execute("SELECT count(*) FROM field_sources WHERE ocr_confidence IS NULL "
                           "AND line_start IS NOT NULL").fetchone()[0] == 0
        eval_id = con.execute("SELECT eval_id FROM evaluations").fetchone()[0]
    # the detail page says which figures came from a scan, with their confidence
    monkeypatch.setenv("PERFEVAL_DB", str(db))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.query_params["eval"] = eval_id
    at.switch_page("pages/5_detail.py")
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    fields = at.dataframe[0].value
    budget_row = fields[fields["字段"] == "全年预算数"].iloc[0]
    assert "自评表扫描件.pdf" in budget_row["出处"] and budget_row["读取方式"].startswith("扫描件 OCR（置信度 ")
    assert any("由扫描件或照片经文字识别读出" in c.value for c in at.caption)
    dbread.lease.close()
    # a reading whose lines were recognised with low confidence is named in a check
    parsed = parse_bytes(scans["pdf"], "scan.pdf")
    ev = parsed.evaluations[0]
    budget = ev.candidate.best("budget_yuan")
    for n in range(budget.line_start, budget.line_end + 1):
        parsed.document.ocr_confidence[n] = 0.5
    ev.checks = [c for c in ev.checks if c.rule != "ocr_low_confidence"]
    _check_ocr_readings(parsed.document, parsed.evaluations)
    low = [c for c in ev.checks if c.rule == "ocr_low_confidence"]
    assert len(low) == 1 and "全年预算数" in low[0].message and "0.50" in low[0].message


def test_a_text_pdf_is_not_read_by_ocr():
    doc = read_document(SCANNED_FORM.read_bytes(), "a.pdf")
    assert not doc.ocr_confidence


def test_an_image_without_text_is_refused():
    rng = np.random.default_rng(1)
    noise = Image.fromarray(rng.integers(0, 255, (600, 800, 3), dtype=np.uint8))
    buf = io.BytesIO()
    noise.save(buf, "PNG")
    with pytest.raises(ReadError, match="no text could be read"):
        read_document(buf.getvalue(), "photo.png")


# ------------------------------------------------------------------------------ archives

class _GbkName(zipfile.ZipInfo):
    """A member name written in GBK without the UTF-8 flag, as Chinese Windows archivers write it."""

    marked_encrypted = False  # zipfile cannot write real encryption; the flag is what readers see

    def _encodeFilenameFlags(self):
        return self.filename.encode("gbk"), (self.flag_bits & ~0x800) | (0x1 if self.marked_encrypted else 0)


def _gbk_zip(members: dict[str, bytes], encrypted: set[str] = frozenset()) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            info = _GbkName(name)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.marked_encrypted = name in encrypted
            zf.writestr(info, data)
    return buf.getvalue()


def _bomb() -> bytes:
    return bytes(64 << 20)


def test_archive_members_are_documents_of_their_own(tmp_path, made):
    sample = (ROOT / "data" / "samples").glob("*.txt")
    first = sorted(sample)[0].read_bytes()
    nested = io.BytesIO()
    with zipfile.ZipFile(nested, "w") as zf:
        zf.writestr("x.txt", first)
    archive = _gbk_zip({
        "2023年度/县水利局/项目自评表.txt": first,
        "2023年度/县交通局/自评表.doc": (made / "doc" / f"{WORD[0]}.doc").read_bytes(),
        "2023年度/嵌套.zip": nested.getvalue(),
        "../越界.txt": first,
        "2023年度/加密.txt": first,
        "2023年度/炸弹.txt": _bomb(),
        "2023年度/说明.exe": b"MZ",
        "__MACOSX/._x": b"",
    }, encrypted={"2023年度/加密.txt"})
    members = {m.name: m for m in read_members(archive)}
    assert set(members) == {"2023年度/县水利局/项目自评表.txt", "2023年度/县交通局/自评表.doc", "2023年度/嵌套.zip",
                            "../越界.txt", "2023年度/加密.txt", "2023年度/炸弹.txt", "2023年度/说明.exe"}
    assert members["2023年度/县水利局/项目自评表.txt"].data == first
    assert "archive inside" in members["2023年度/嵌套.zip"].error
    assert "leaves the archive" in members["../越界.txt"].error
    assert "encrypted" in members["2023年度/加密.txt"].error
    assert "zip bomb" in members["2023年度/炸弹.txt"].error
    assert "not supported" in members["2023年度/说明.exe"].error

    path = tmp_path / "2023年度材料.zip"
    path.write_bytes(archive)
    db = tmp_path / "a.duckdb"
    run = subprocess.run([sys.executable, "-m", "perfeval", "ingest", str(path), "--db", str(db)],
                         cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert run.returncode == 1  # some members were refused
    assert f"loaded {path}:2023年度/县水利局/项目自评表.txt" in run.stdout
    assert f"loaded {path}:2023年度/县交通局/自评表.doc" in run.stdout
    for name in ("嵌套.zip", "越界.txt", "加密.txt", "炸弹.txt", "说明.exe"):
        assert f"ERROR {path}:" in run.stderr and name in run.stderr
    with duckdb.connect(str(db), read_only=True) as con:
        names = sorted(r[0] for r in con.execute("SELECT file_name FROM documents").fetchall())
        formats = sorted(r[0] for r in con.execute("SELECT file_format FROM documents").fetchall())
    assert names == ["2023年度/县交通局/自评表.doc", "2023年度/县水利局/项目自评表.txt"]
    assert formats == ["doc", "txt"]


# ------------------------------------------------------------------------------ bad input

def _encrypted_docx() -> bytes:
    plain = io.BytesIO((H2 / f"{WORD[0]}.docx").read_bytes())
    out = io.BytesIO()
    office = OOXMLFile(plain)
    office.encrypt("secret", out)
    return out.getvalue()


def _encrypted_xlsx() -> bytes:
    out = io.BytesIO()
    OOXMLFile(io.BytesIO((H2 / f"{EXCEL[0]}.xlsx").read_bytes())).encrypt("secret", out)
    return out.getvalue()


def _ingest(tmp_path, name: str, data: bytes) -> subprocess.CompletedProcess:
    path = tmp_path / name
    path.write_bytes(data)
    return subprocess.run([sys.executable, "-m", "perfeval", "ingest", str(path), "--db", str(tmp_path / "bad.duckdb")],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)


def _snapshot(db: pathlib.Path) -> dict:
    with duckdb.connect(str(db), read_only=True) as con:
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                for t in ("documents", "evaluations", "indicators", "findings", "checks", "field_sources")}


def test_bad_files_in_the_new_formats_are_refused_and_change_nothing(tmp_path, made):
    sample = sorted((ROOT / "data" / "samples").glob("*.txt"))[0]
    assert _ingest(tmp_path, "sample.txt", sample.read_bytes()).returncode == 0
    before = _snapshot(tmp_path / "bad.duckdb")
    unrelated = io.BytesIO()
    Image.new("RGB", (900, 300), "white").save(unrelated, "PNG")
    cases = {
        "empty.doc": (b"", "empty file"),
        "corrupt.doc": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + os.urandom(3000), "corrupt .doc/.xls"),
        "encrypted.docx": (_encrypted_docx(), "password-protected"),
        "unrelated.html": (b"<html><body><p>\xe4\xbb\x8a\xe5\xa4\xa9\xe5\xa4\xa9\xe6\xb0\x94\xe6\x99\xb4</p></body></html>",
                           "no recognisable evaluation"),
        "blank.png": (unrelated.getvalue(), "no text could be read"),
        "truncated.xls": ((made / "xls" / f"{EXCEL[0]}.xls").read_bytes()[:2000], "corrupt|could not convert"),
        "unrelated.doc": ((made / "doc" / "notice.doc").read_bytes(), "no recognisable evaluation"),
        "encrypted.xlsx": (_encrypted_xlsx(), "password-protected"),
        "empty.html": (b"<html><body>\n</body></html>", "contains no text"),
        "blank.mht": (b"MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=b\r\n\r\n--b\r\n"
                      b"Content-Type: image/png\r\n\r\nxx\r\n--b--\r\n", "without an HTML page"),
        "corrupt.zip": (b"PK\x03\x04" + bytes(300), "broken zip archive"),
        "corrupt.jpg": (b"\xff\xd8\xff\xe0" + bytes(500), "corrupt or unsupported image"),
    }
    for name, (data, reason) in cases.items():
        run = _ingest(tmp_path, name, data)
        assert run.returncode == 1, name
        assert run.stderr.startswith(f"ERROR {tmp_path / name}:"), (name, run.stderr)
        assert any(part in run.stderr for part in reason.split("|")), (name, run.stderr)
        assert _snapshot(tmp_path / "bad.duckdb") == before, name
    huge = tmp_path / "huge.xls"
    with open(huge, "wb") as f:
        f.write(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
        f.truncate(60 * 1024 * 1024)
    run = subprocess.run([sys.executable, "-m", "perfeval", "ingest", str(huge), "--db", str(tmp_path / "bad.duckdb")],
                         cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert run.returncode == 1 and "larger than 50 MB" in run.stderr
    assert _snapshot(tmp_path / "bad.duckdb") == before


def test_portal_title_set_apart_from_the_article_is_kept():
    body = "".join(f"<p>{i}、本项目年度预算资金按计划拨付，资金使用规范，项目实施进度符合计划要求。</p>" for i in range(1, 30))
    page = (f"<html><body><div id='header'><ul class='menu'><li>首页</li></ul></div>"
            f"<div class='detail-title'><h2>某市2022年度部门整体支出绩效自评报告</h2></div>"
            f"<div class='TRS_Editor'><header><p>一、部门概况</p></header>{body}</div>"
            f"<div class='related'><h3>相关链接</h3><a>国务院</a></div><div class='footer'>版权所有</div>"
            f"</body></html>").encode()
    lines = read_document(page, "p.html").lines
    assert lines[:2] == ["某市2022年度部门整体支出绩效自评报告", "一、部门概况"]
    assert not any(t in "\n".join(lines) for t in ("首页", "相关链接", "版权所有"))


def test_cli_shows_a_progress_bar_on_a_terminal(tmp_path):
    """Files done and time left, on stderr when it is a terminal (a pipe gets the per-file lines only)."""
    import fcntl
    import pty
    import struct
    import termios

    sample = sorted((ROOT / "data" / "samples").glob("*.txt"))
    primary, secondary = pty.openpty()
    fcntl.ioctl(secondary, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 120, 0, 0))  # a terminal has a size
    run = subprocess.run([sys.executable, "-m", "perfeval", "ingest", *map(str, sample), "--db", str(tmp_path / "p.duckdb")],
                         cwd=ROOT, stdout=subprocess.PIPE, stderr=secondary, timeout=600, env=dict(os.environ, COLUMNS="100"))
    os.close(secondary)
    shown = b""
    while True:
        try:
            chunk = os.read(primary, 65536)
        except OSError:
            break
        if not chunk:
            break
        shown += chunk
    os.close(primary)
    assert run.returncode == 0
    assert run.stdout.decode().count("loaded ") == len(sample)
    text = shown.decode("utf-8", "replace")
    assert f"{len(sample)}/{len(sample)} files" in text and "<" in text  # done/total and [elapsed<remaining]
