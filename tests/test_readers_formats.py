"""The .docx, .pdf and .xlsx readers, on real files built here with python-docx, openpyxl and
reportlab (its built-in STSong-Light CID font needs no font file)."""
from __future__ import annotations

import copy
import datetime as dt
import io
import re
import zipfile
from pathlib import Path

import docx
import openpyxl
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from docx.table import _Cell
from PIL import Image
from reportlab.lib import colors, pdfencrypt
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas
from reportlab.platypus import Paragraph as RLParagraph
from reportlab.platypus import SimpleDocTemplate, TableStyle
from reportlab.platypus import Table as RLTable

from perfeval.ingest.model import Document, Table
from perfeval.ingest.readers import ReadError, read_document
from perfeval.ingest.readers.pdf import _PAGE_NUMBER, SCAN_MESSAGE
from perfeval.ingest.readers.render import MAX_UNPACKED_BYTES
from perfeval.ingest.readers.text import read_text
from perfeval.ingest.readers.xlsx import format_number

SEEDS = sorted((Path(__file__).resolve().parents[1] / "data" / "samples").glob("*.txt"))


def shape(doc: Document) -> list:
    """Block kinds and texts: what the extractors see, without line numbers."""
    return [("t", [[c.text for c in row] for row in b.rows]) if isinstance(b, Table)
            else ("p", b.text) for b in doc.blocks]


def check_lines(doc: Document) -> None:
    """Every block's line range holds exactly its own text in the rendering."""
    last = 0
    for b in doc.blocks:
        assert b.line_start > last and b.line_start <= b.line_end <= len(doc.lines)
        if isinstance(b, Table):
            for row in b.rows:
                for c in row:
                    assert c.line_start >= b.line_start and c.line_end <= b.line_end
                    got = doc.lines[c.line_start - 1:c.line_end]
                    assert got[0].startswith("\t")
                    assert "\n".join([got[0][1:]] + got[1:]) == c.text
        else:
            assert doc.lines[b.line_start - 1] == b.text and b.line_start == b.line_end
        last = b.line_end


# ----------------------------------------------------------------------------------- .docx

def _add_runs(paragraph, text: str) -> None:
    """Write text in runs of varying length, as Word does after editing."""
    sizes = (1, 3, 2, 5)
    i = k = 0
    while i < len(text):
        n = sizes[k % len(sizes)]
        run = paragraph.add_run(text[i:i + n])
        run.bold = k % 2 == 1
        i, k = i + n, k + 1


def _fill_cell(cell, text: str) -> None:
    parts = text.split("\n") if text else [""]
    _add_runs(cell.paragraphs[0], parts[0])
    for part in parts[1:]:
        _add_runs(cell.add_paragraph(), part)


def docx_from_blocks(blocks) -> tuple[bytes, dict]:
    """A real .docx holding the blocks. Where a cell is empty next to or below a filled one,
    the .docx merges them instead (once per table and direction): the reader must give the
    merged-away cell as "", like the text exports do."""
    d = docx.Document()
    merges = {"h": 0, "v": 0}
    for b in blocks:
        if not isinstance(b, Table):
            _add_runs(d.add_paragraph(), b.text)
            continue
        texts = [[c.text for c in row] for row in b.rows]
        width = max(len(r) for r in texts)
        t = d.add_table(rows=len(texts), cols=width)
        for tr, row in zip(t._tbl.tr_lst, texts):
            # cells straight from the XML: Table.cell() rescans the grid and is slow
            for tc, text in zip(tr.tc_lst, row):
                _fill_cell(_Cell(tc, t), text)
        full = [len(row) == width for row in texts]
        used = set()
        for r, row in enumerate(texts):
            if not full[r]:
                continue
            hit = next((c for c in range(width - 1) if row[c] and not row[c + 1]), None)
            if hit is not None:
                t.cell(r, hit).merge(t.cell(r, hit + 1))
                used.update({(r, hit), (r, hit + 1)})
                merges["h"] += 1
                break
        for r in range(len(texts) - 1):
            if not (full[r] and full[r + 1]):
                continue
            hit = next((c for c in range(width) if texts[r][c] and not texts[r + 1][c]
                        and not {(r, c), (r + 1, c)} & used), None)
            if hit is not None:
                t.cell(r, hit).merge(t.cell(r + 1, hit))
                merges["v"] += 1
                break
        # rows shorter than the grid, as the exports show them: drop the trailing cells
        for r, row in enumerate(texts):
            tcs = t.rows[r]._tr.tc_lst
            for tc in tcs[len(row):]:
                t.rows[r]._tr.remove(tc)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue(), merges


def test_seed_exports_rebuilt_as_docx_read_the_same():
    assert len(SEEDS) == 4
    merges = {"h": 0, "v": 0}
    for seed in SEEDS:
        txt = read_text(seed.read_bytes(), seed.name)
        data, m = docx_from_blocks(txt.blocks)
        merges["h"] += m["h"]
        merges["v"] += m["v"]
        doc = read_document(data, seed.stem + ".docx")
        assert doc.file_format == "docx"
        assert shape(doc) == shape(txt), seed.name
        check_lines(doc)
    assert merges["h"] >= 1 and merges["v"] >= 1  # merged cells were exercised


def _body_append(d, xml: str) -> None:
    d.element.body.insert(len(d.element.body) - 1, parse_xml(xml))  # before w:sectPr


def test_docx_merges_nesting_runs_and_hidden_content():
    d = docx.Document()
    d.sections[0].header.paragraphs[0].text = "页眉：内部资料"
    d.sections[0].footer.paragraphs[0].text = "第 1 页"
    p = d.add_paragraph()
    _add_runs(p, "北京市丰台区城市管理监督指挥中心")
    d.add_paragraph("")
    d.add_paragraph("   ")
    p = d.add_paragraph("第一行")
    p.add_run().add_break()
    p.add_run("第二行\t（软回车后）")
    t = d.add_table(rows=4, cols=4)
    for r in range(4):
        for c in range(4):
            t.cell(r, c).text = f"r{r}c{c}"
    t.cell(0, 1).merge(t.cell(0, 3))            # horizontal: r0c1 spans three columns
    t.cell(1, 0).merge(t.cell(3, 0))            # vertical: r1c0 spans three rows
    t.cell(1, 1).text = "年初预\n算数"
    inner = t.cell(2, 2).add_table(rows=2, cols=2)
    for r in range(2):
        for c in range(2):
            inner.cell(r, c).text = f"内{r}{c}"
    w = nsdecls("w")
    _body_append(d, f'<w:sdt {w}><w:sdtContent><w:p><w:r><w:t>目录</w:t></w:r></w:p>'
                    f'</w:sdtContent></w:sdt>')
    _body_append(d, f'<w:p {w}><w:r><w:t xml:space="preserve">执行率</w:t></w:r>'
                    f'<w:del w:id="1" w:author="a"><w:r><w:delText>85%</w:delText></w:r></w:del>'
                    f'<w:ins w:id="2" w:author="a"><w:r><w:t>93.3%</w:t></w:r></w:ins>'
                    f'<w:r><w:rPr><w:vanish/></w:rPr><w:t>隐藏</w:t></w:r>'
                    f'<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
                    f'<w:r><w:instrText> PAGE </w:instrText></w:r>'
                    f'<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
                    f'<w:r><w:t>，第</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>'
                    f'<w:r><w:sym w:font="Wingdings" w:char="F0FC"/></w:r></w:p>')
    wps = "http://schemas.microsoft.com/office/word/2010/wordprocessingShape"
    mc = "http://schemas.openxmlformats.org/markup-compatibility/2006"
    box = '<w:txbxContent><w:p><w:r><w:t>文本框内容</w:t></w:r></w:p></w:txbxContent>'
    _body_append(d, f'<w:p {w} xmlns:mc="{mc}" xmlns:wps="{wps}"><w:r><w:t>锚定段落</w:t></w:r>'
                    f'<w:r><mc:AlternateContent><mc:Choice Requires="wps"><wps:txbx>{box}'
                    f'</wps:txbx></mc:Choice><mc:Fallback>{box}</mc:Fallback>'
                    f'</mc:AlternateContent></w:r></w:p>')
    buf = io.BytesIO()
    d.save(buf)
    doc = read_document(buf.getvalue(), "a.docx")
    assert shape(doc) == [
        ("p", "北京市丰台区城市管理监督指挥中心"),
        ("p", "第一行"),
        ("p", "第二行 （软回车后）"),
        ("t", [["r0c0", "r0c1\nr0c2\nr0c3", "", ""],
               ["r1c0\nr2c0\nr3c0", "年初预\n算数", "r1c2", "r1c3"],
               ["", "r2c1", "r2c2\n内00\n内01\n内10\n内11", "r2c3"],
               ["", "r3c1", "r3c2", "r3c3"]]),
        ("p", "目录"),
        ("p", "执行率93.3%，第√"),
        ("p", "锚定段落"),
        ("p", "文本框内容"),
    ]
    check_lines(doc)
    assert all("页眉" not in ln and "第 1 页" not in ln for ln in doc.lines)


def test_docx_cell_holding_only_a_table_gives_its_rows_to_the_outer_table():
    """A form's indicator grid set as a table in one cell: its rows become rows of the outer table
    at that place (the row's other cells on the first of them), so the form reads as one grid."""
    d = docx.Document()
    t = d.add_table(rows=3, cols=2)
    t.cell(0, 0).text, t.cell(0, 1).text = "项目名称", "森林防火项目"
    t.cell(1, 0).text = "绩效指标"
    inner = t.cell(1, 1).add_table(rows=3, cols=3)
    for r, texts in enumerate([["一级指标", "分值", "得分"], ["产出指标", "10", "9"], ["效益指标", "20", "18"]]):
        for c, text in enumerate(texts):
            inner.cell(r, c).text = text
    t.cell(2, 0).text, t.cell(2, 1).text = "总分", "27"
    buf = io.BytesIO()
    d.save(buf)
    doc = read_document(buf.getvalue(), "nested.docx")
    assert shape(doc) == [("t", [["项目名称", "森林防火项目"],
                                 ["绩效指标", "一级指标", "分值", "得分"],
                                 ["", "产出指标", "10", "9"],
                                 ["", "效益指标", "20", "18"],
                                 ["总分", "27"]])]
    check_lines(doc)


# ----------------------------------------------------------------------------------- .xlsx

def _xlsx(wb) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_xlsx_self_evaluation_form_with_merged_cells():
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "自评表"
    ws["A1"] = "项目支出绩效自评表"
    ws.merge_cells("A1:H1")
    ws["A2"] = "（2023年度）"
    ws.merge_cells("A2:H2")
    ws["A3"], ws["B3"] = "项目名称", "城指中心96005热线运行费用"
    ws.merge_cells("B3:H3")
    ws["A4"], ws["B4"], ws["E4"], ws["F4"] = "主管部门", "丰台区城市管理监督指挥中心", \
        "实施单位", "丰台区城市管理监督指挥中心"
    ws.merge_cells("B4:D4")
    ws.merge_cells("F4:H4")
    ws["A5"] = "项目资金\n（万元）"
    ws.merge_cells("A5:A7")
    for col, text in zip("CDEFGH", ["年初预算数", "全年预算数", "全年执行数", "分值", "执行率",
                                    "得分"]):
        ws[f"{col}5"] = text
    ws["B6"], ws["C6"], ws["D6"], ws["E6"] = "年度资金总额", 21.960000000000001, 21.96, 20.49
    ws["F6"], ws["G6"], ws["H6"] = 10, 0.933, 9.33
    ws["G6"].number_format = "0.0%"
    ws["B7"], ws["C7"], ws["E7"] = "其中：当年财政拨款", 21.96, 0.1 + 0.2
    ws["A8"], ws["B8"] = "总分", 100.0
    ws["A9"], ws["B9"] = "填报日期", dt.datetime(2024, 3, 31)
    ws["B9"].number_format = "yyyy-mm-dd"
    ws["J20"].number_format = "0.00"     # a formatted empty cell far away: trimmed
    wb.create_sheet("空表")              # an empty sheet gives nothing
    doc = read_document(_xlsx(wb), "自评表.xlsx")
    assert doc.file_format == "xlsx"
    e = ""
    assert shape(doc) == [("p", "自评表"), ("t", [
        ["项目支出绩效自评表", e, e, e, e, e, e, e],
        ["（2023年度）", e, e, e, e, e, e, e],
        ["项目名称", "城指中心96005热线运行费用", e, e, e, e, e, e],
        ["主管部门", "丰台区城市管理监督指挥中心", e, e, "实施单位", "丰台区城市管理监督指挥中心",
         e, e],
        ["项目资金\n（万元）", e, "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
        [e, "年度资金总额", "21.96", "21.96", "20.49", "10", "93.3%", "9.33"],
        [e, "其中：当年财政拨款", "21.96", e, "0.3", e, e, e],
        ["总分", "100", e, e, e, e, e, e],
        ["填报日期", "2024-03-31", e, e, e, e, e, e],
    ])]
    check_lines(doc)
    assert doc.warnings == []


def test_xlsx_results_list_one_row_per_project():
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "评价结果"
    ws.append(["序号", "项目名称", "主管部门", "预算金额（万元）", "评价得分", "评价等级"])
    projects = [(1, "热线运行费用", "区城指中心", 1234.5, 92.5, "优"),
                (2, "聘用人员工资及管理费用", "区城指中心", 793.41686, 86, "良"),
                (3, "网格化系统运维", "区信息中心", 58.0, 79.25, "中")]
    for row in projects:
        ws.append(list(row))
    ws.cell(row=50, column=30).value = "   "   # whitespace only: empty, trimmed away
    doc = read_document(_xlsx(wb), "results.xlsx")
    (title, table) = doc.blocks
    assert title.text == "评价结果"
    assert [[c.text for c in r] for r in table.rows] == [
        ["序号", "项目名称", "主管部门", "预算金额（万元）", "评价得分", "评价等级"],
        ["1", "热线运行费用", "区城指中心", "1234.5", "92.5", "优"],
        ["2", "聘用人员工资及管理费用", "区城指中心", "793.41686", "86", "良"],
        ["3", "网格化系统运维", "区信息中心", "58", "79.25", "中"]]
    check_lines(doc)


def test_xlsx_monthly_execution_sheet():
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "2023年预算执行"
    months = [f"{m}月" for m in range(1, 13)]
    ws.append(["单位", "项目", *months, "合计"])
    ws.append(["区城指中心", "热线运行费用", *[m * 1.1 for m in range(1, 13)], "=SUM(C2:N2)"])
    ws.append(["区信息中心", "系统运维", *[12.0] * 12, 144])
    ws["C3"].number_format = "#,##0.00"
    data = _xlsx(wb)
    doc = read_document(data, "monthly.xlsx")
    rows = [[c.text for c in r] for r in doc.blocks[1].rows]
    assert rows[0] == ["单位", "项目", *months, "合计"]
    assert rows[1][:4] == ["区城指中心", "热线运行费用", "1.1", "2.2"]
    assert rows[1][4] == "3.3"          # 3 * 1.1 is 3.3000000000000003 in binary
    assert rows[1][-1] == ""            # a formula never calculated has no saved value…
    assert any(w.startswith("1 formula cell") for w in doc.warnings)   # …and the user is told
    from perfeval.ingest.readers import xlsx as xlsx_reader
    assert xlsx_reader._read_sheets_directly(data)[1] == xlsx_reader._formulas_without_values(data) == 1
    assert rows[2] == ["区信息中心", "系统运维", *["12"] * 12, "144"]
    check_lines(doc)


@pytest.mark.parametrize("value,expected", [
    (21.960000000000001, "21.96"), (12.0, "12"), (-0.0, "0"), (1e-7, "0.0000001"),
    (123456789012.5, "123456789012.5"), (7, "7"), (0.1 + 0.2, "0.3"), (1e20, "100000000000000000000"),
])
def test_number_rendering(value, expected):
    assert format_number(value) == expected


# ------------------------------------------------------------------------------------ .pdf

pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
FONT = "STSong-Light"
RUNNING_HEADER = "北京市丰台区财政局项目支出绩效评价报告"
LONG = ("2019年“聘用人员工资及管理费用”项目预算7934168.6元，实际支出7645310.2元，预算执行率为"
        "96.36%。其中，接线员工资与食堂管理费支出占比最高，分别为92.4%与4.1%。项目资金管理规范，"
        "未发现违规使用资金的情况，资金支付及时，会计核算规范，相关资料齐全完整。")


def build_pdf(spec, page_label=lambda n: f"- {n} -") -> bytes:
    """A report laid out by reportlab: running header, page numbers, wrapped CJK paragraphs,
    ruled tables that split across pages with their header row repeated."""
    buf = io.BytesIO()
    body = ParagraphStyle("body", fontName=FONT, fontSize=12, leading=20, wordWrap="CJK",
                          firstLineIndent=24)
    head = ParagraphStyle("head", fontName=FONT, fontSize=14, leading=24, wordWrap="CJK")
    cell = ParagraphStyle("cell", fontName=FONT, fontSize=10, leading=13, wordWrap="CJK")

    def decorate(c, d):
        c.saveState()
        c.setFont(FONT, 9)
        c.drawCentredString(A4[0] / 2, A4[1] - 40, RUNNING_HEADER)
        c.drawCentredString(A4[0] / 2, 30, page_label(d.page))
        c.restoreState()

    flow = []
    for kind, val in spec:
        if kind == "h":
            flow.append(RLParagraph(val, head))
        elif kind == "p":
            flow.append(RLParagraph(val, body))
        else:
            rows, spans = val
            t = RLTable([[RLParagraph(x, cell) for x in r] for r in rows], repeatRows=1)
            t.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black)]
                                  + [("SPAN", a, b) for a, b in spans]))
            flow.append(t)
    SimpleDocTemplate(buf, pagesize=A4).build(flow, onFirstPage=decorate,
                                              onLaterPages=decorate)
    return buf.getvalue()


def test_pdf_text_and_a_table_across_a_page_break():
    indicators = [["序号", "指标名称", "年度指标值", "实际完成值", "得分"]] + [
        [str(i), f"指标{i}：热线接通率", "≥95%", f"{90 + i % 10}%", "5"] for i in range(1, 61)]
    form = [["项目名称", "城指中心96005热线运行费用", "", ""],
            ["项目资金（万元）", "年初预算数", "全年执行数", "执行率"],
            ["", "21.96", "20.49", "93.3%"],
            ["年度总体目标", "完成热线运行维护工作，保障热线7×24小时不间断运行，接通率达到95%以上，"
             "群众满意度达到90%以上。", "", ""]]
    spec = [("h", "一、项目概述"), ("p", LONG), ("t", (form, [((1, 0), (3, 0)), ((0, 1), (0, 2)),
                                                        ((1, 3), (3, 3))])),
            ("h", "（一）绩效指标完成情况"), ("t", (indicators, [])), ("p", "以上指标均已完成。"),
            ("h", "二、评价结论"), ("p", LONG)]
    data = build_pdf(spec)
    doc = read_document(data, "report.pdf")
    assert doc.file_format == "pdf"
    got = shape(doc)
    assert got[:2] == [("p", "一、项目概述"), ("p", LONG)]
    assert got[2] == ("t", [[c for c in r] for r in form])   # merged cells read as ""
    assert got[3] == ("p", "（一）绩效指标完成情况")
    kind, rows = got[4]
    assert kind == "t" and rows == indicators                # one table, header not repeated
    assert got[5:] == [("p", "以上指标均已完成。"), ("p", "二、评价结论"), ("p", LONG)]
    assert not any(RUNNING_HEADER in ln or re.fullmatch(r"- \d+ -", ln) for ln in doc.lines)
    check_lines(doc)
    # the table really ran over a page break, with the header repeated on the new page
    import pdfplumber
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        assert len(pdf.pages) >= 3
        assert sum("年度指标值" in (pg.extract_text() or "") for pg in pdf.pages) >= 2


def test_pdf_page_labels_of_other_shapes_are_dropped():
    texts = [f"（{i}）{LONG}" for i in range(1, 41)]
    for label in (lambda n: f"第 {n} 页", lambda n: f"{n}/9", lambda n: str(n)):
        doc = read_document(build_pdf([("p", t) for t in texts], label), "report.pdf")
        assert [t for _, t in shape(doc)] == texts


@pytest.mark.parametrize("line,is_number", [
    ("- 3 -", True), ("—12—", True), ("第 3 页", True), ("第3页 共12页", True), ("3/12", True),
    ("7", True), ("Page 2 of 9", True), ("2019年", False), ("3、项目管理", False),
    ("指标3", False)])
def test_page_number_shapes(line, is_number):
    assert bool(_PAGE_NUMBER.match(line)) is is_number


def test_pdf_without_text_layer_is_refused():
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    img = Image.new("L", (400, 300), 255)
    for x in range(50, 350):
        img.putpixel((x, 150), 0)
    for _ in range(2):
        c.drawImage(ImageReader(img), 50, 300, width=400, height=300)
        c.showPage()
    c.save()
    with pytest.raises(ReadError, match=re.escape(SCAN_MESSAGE)):
        read_document(buf.getvalue(), "scan.pdf")


def test_pdf_fake_bold_reads_once_and_pages_without_text_are_reported():
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    c.setFont(FONT, 16)
    for dx in (0, 0.3, 0.6):   # bold simulated by drawing the title three times
        c.drawString(72 + dx, 700, "项目支出绩效评价报告")
    c.setFont(FONT, 12)
    c.drawString(72, 660, "一、项目概述")
    c.showPage()
    c.drawImage(ImageReader(Image.new("L", (200, 200), 128)), 72, 400, width=200, height=200)
    c.showPage()
    c.save()
    doc = read_document(buf.getvalue(), "mixed.pdf")
    assert shape(doc) == [("p", "项目支出绩效评价报告"), ("p", "一、项目概述")]
    assert any("page(s) 2 have no text layer" in w for w in doc.warnings)


def test_pdf_page_frame_is_not_a_table_but_the_grid_inside_it_is():
    """A box drawn around the whole page with a sliver cut off (a scanned page's edge): its text is
    text, and a ruled grid inside it is still a table."""
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    w, h = A4
    c.rect(4, 4, w - 8, h - 8)
    c.line(4, h - 14, w - 4, h - 14)  # the sliver: the frame now holds two "cells"
    c.setFont(FONT, 12)
    c.drawString(72, 760, "部门整体支出绩效评价报告")
    c.drawString(72, 730, "一、经评价，部门整体支出综合得分90分。")
    xs, ys = [100, 250, 400], [600, 575, 550]
    for x in xs:
        c.line(x, ys[-1], x, ys[0])
    for y in ys:
        c.line(xs[0], y, xs[-1], y)
    for (x, y), text in zip([(110, 583), (260, 583), (110, 558), (260, 558)], ["预算数", "执行数", "100", "95"]):
        c.drawString(x, y, text)
    c.showPage()
    c.save()
    doc = read_document(buf.getvalue(), "framed.pdf")
    assert shape(doc) == [("p", "部门整体支出绩效评价报告"), ("p", "一、经评价，部门整体支出综合得分90分。"),
                          ("t", [["预算数", "执行数"], ["100", "95"]])]
    check_lines(doc)


def test_encrypted_and_corrupt_pdfs_are_refused():
    buf = io.BytesIO()
    c = canvas.Canvas(buf, encrypt=pdfencrypt.StandardEncryption("secret", "owner"))
    c.setFont(FONT, 12)
    c.drawString(72, 700, "项目名称：热线运行费用")
    c.save()
    with pytest.raises(ReadError, match="password"):
        read_document(buf.getvalue(), "locked.pdf")
    with pytest.raises(ReadError, match="PDF"):
        read_document(b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\ngarbage", "broken.pdf")


# ------------------------------------------------------------------------------ bad inputs

def _minimal_docx() -> bytes:
    d = docx.Document()
    d.add_paragraph("项目支出绩效评价报告")
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def _with_member(data: bytes, name: str, size: int) -> bytes:
    """The archive plus one member of `size` zero bytes (highly compressible)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as dst:
        for info in src.infolist():
            dst.writestr(copy.copy(info), src.read(info.filename))
        with dst.open(name, "w", force_zip64=True) as f:
            chunk = bytes(1 << 20)
            for _ in range(size >> 20):
                f.write(chunk)
    return out.getvalue()


def test_zip_bombs_are_refused():
    bomb = _with_member(_minimal_docx(), "word/media/image1.bin", MAX_UNPACKED_BYTES + (1 << 20))
    assert len(bomb) < 1_000_000
    with pytest.raises(ReadError, match="zip bomb"):
        read_document(bomb, "bomb.docx")
    wb = openpyxl.Workbook()
    wb.active["A1"] = "项目名称"
    ratio_bomb = _with_member(_xlsx(wb), "xl/media/pad.bin", 64 << 20)   # small, but ~1000:1
    with pytest.raises(ReadError, match="zip bomb"):
        read_document(ratio_bomb, "bomb.xlsx")


def test_bad_inputs_are_refused_with_a_message():
    with pytest.raises(ReadError, match="broken zip"):
        read_document(b"PK\x03\x04" + bytes(200), "a.docx")
    with pytest.raises(ReadError, match="corrupt .doc/.xls"):
        read_document(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(1024), "locked.xlsx")
    with pytest.raises(ReadError, match="empty"):
        read_document(b"", "empty.docx")
    # a zip that names the parts but holds garbage XML
    for name, kind in (("word/document.xml", "docx"), ("xl/workbook.xml", "xlsx")):
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as zf:
            zf.writestr("[Content_Types].xml", "<Types/>")
            zf.writestr(name, "<not xml")
        with pytest.raises(ReadError, match=f"cannot open the .{kind} file"):
            read_document(buf.getvalue(), "x." + kind)


def test_macro_enabled_word_file_is_read():
    """python-docx refuses .docm by content type; the reader reads its main part anyway."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(_minimal_docx())) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "[Content_Types].xml":
                data = data.replace(b"application/vnd.openxmlformats-officedocument."
                                    b"wordprocessingml.document.main+xml",
                                    b"application/vnd.ms-word.document.macroEnabled.main+xml")
            dst.writestr(info, data)
    assert shape(read_document(out.getvalue(), "a.docm")) == [("p", "项目支出绩效评价报告")]


def test_format_comes_from_content_not_the_extension():
    doc = read_document(_minimal_docx(), "report.txt")
    assert doc.file_format == "docx"
    assert shape(doc) == [("p", "项目支出绩效评价报告")]


def test_one_cell_rows_with_sentences_are_paragraphs_and_titles_stay_with_their_table():
    from perfeval.ingest.readers.xlsx import sheet_blocks
    rows = [["某县2023年度项目绩效自评表", "", ""], ["单位：万元", "", ""],
            ["项目名称", "乡村道路养护", ""], ["预算数", "186.00", ""],
            ["", "", ""],
            ["存在问题：部分路段养护不及时，群众反映的问题整改滞后，养护台账记录不完整。", "", ""],
            ["二、下一步措施", "", ""]]
    blocks = sheet_blocks(rows)
    assert [k for k, _ in blocks] == ["table", "paragraphs"]
    assert blocks[0][1][:2] == rows[:2]  # the title and the unit stay the table's banner
    assert [r[0] for r in blocks[1][1]] == [rows[5][0], "二、下一步措施"]
