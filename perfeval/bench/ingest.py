"""Ingest throughput per format, on one core: python -m perfeval bench-ingest.

Throughput is the rate of a bulk ingest (a folder of reports), so each corpus holds `--bulk`
documents (default 100) and is written in several batches, as `perfeval ingest <folder>` writes
it: the bundled samples and the written test documents as .txt files, then copies of them that
differ only in trailing blank lines (distinct content, so each copy is stored, not skipped as
already loaded); the same documents written as .docx (copies: trailing empty paragraphs); `--bulk`
generated .xlsx workbooks (a results list and a self-assessment form each); and six of the texts
as PDFs with ruled tables (parsing dominates there).

A run does what `perfeval ingest` does with files already read: each document is parsed and
handed to the BatchWriter, which writes a batch when it holds 200 documents or half a second of
parsing, into a scratch database created beforehand (creating a database happens once, not per
document; opening and closing write sessions is timed, as every ingest run pays it). Like
`perfeval ingest` after its first document, the bench takes the loaded libraries' objects out of
the garbage collector's full collections (`perfeval.pipeline.settle_heap`) before it measures. The
figures are documents per second for parsing alone and for the whole run, and documents per
batch, the medians of `--repeat` runs. Targets: .txt and .docx ≥ 50/s, .xlsx ≥ 200/s, .pdf with
tables ≥ 2/s; .html ≥ 100/s (generated portal pages), .doc and .xls ≥ 5/s (the .docx and .xlsx corpora
converted by LibreOffice; reading them converts them back, a window of files per LibreOffice run as
`perfeval ingest` does), and OCR ≥ 0.5 pages/s (the PDFs' pages rasterized at 150 dpi, one run).
"""
from __future__ import annotations

import argparse
import io
import os
import pathlib
import statistics
import tempfile
import time
from typing import Callable

from perfeval import REPO_ROOT
from perfeval.ingest.model import Paragraph
from perfeval.ingest.readers import prepare
from perfeval.ingest.readers.text import read_text
from perfeval.pipeline import READ_AHEAD, BatchWriter, parse_bytes, settle_heap
from perfeval.store import writer as store

SOURCES = [REPO_ROOT / "data" / "samples", REPO_ROOT / "tests" / "fixtures" / "general"]


def text_corpus() -> list[tuple[str, bytes]]:
    files = [f for folder in SOURCES if folder.is_dir() for f in sorted(folder.glob("*.txt"))]
    return [(f.name, f.read_bytes()) for f in files]


def text_copy(data: bytes, k: int) -> bytes:
    """The text with k more blank lines at its end, in its own encoding (UTF-16 keeps its BOM)."""
    if data[:2] == b"\xff\xfe":
        return data + "\n".encode("utf-16-le") * k
    if data[:2] == b"\xfe\xff":
        return data + "\n".encode("utf-16-be") * k
    return data + b"\n" * k  # UTF-8 and GB18030 write "\n" as this byte


def bulk(sources: list[tuple[str, bytes]], n: int, render: Callable[[str, bytes, int], bytes],
         suffix: str = "") -> list[tuple[str, bytes]]:
    """n documents: render(name, data, k) of each source for k = 0, 1, 2, … (k = 0: the document
    itself; k > 0: its k-th copy)."""
    out = []
    for i in range(n):
        name, data = sources[i % len(sources)]
        k = i // len(sources)
        out.append(((f"copy{k}-" if k else "") + name + suffix, render(name, data, k)))
    return out


def as_docx(name: str, data: bytes, empty_paragraphs: int = 0) -> bytes:
    import docx

    d = docx.Document()
    for block in read_text(data, name).blocks:
        if isinstance(block, Paragraph):
            d.add_paragraph(block.text)
            continue
        width = max(len(r) for r in block.rows)
        table = d.add_table(rows=len(block.rows), cols=width)
        for row, cells in zip(table.rows, block.rows, strict=False):
            for cell, source in zip(row.cells, cells, strict=False):
                cell.text = source.text
    for _ in range(empty_paragraphs):
        d.add_paragraph("")
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def as_pdf(name: str, data: bytes) -> bytes | None:
    try:
        from reportlab.lib.pagesizes import A4
        from reportlab.lib.styles import ParagraphStyle
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.cidfonts import UnicodeCIDFont
        from reportlab.platypus import Paragraph as P
        from reportlab.platypus import SimpleDocTemplate
        from reportlab.platypus import Table as T
    except ImportError:
        return None
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    style = ParagraphStyle("cn", fontName="STSong-Light", fontSize=9, leading=12, wordWrap="CJK")
    story = []
    for block in read_text(data, name).blocks:
        if isinstance(block, Paragraph):
            story.append(P(block.text.replace("&", "&amp;").replace("<", "&lt;"), style))
        else:
            width = max(len(r) for r in block.rows)
            rows = [[P(c.text.replace("&", "&amp;").replace("<", "&lt;")[:200], style) for c in r]
                    + [""] * (width - len(r)) for r in block.rows]
            col = (A4[0] - 144) / width  # the page width between the default 72 pt margins
            story.append(T(rows, colWidths=[col] * width, style=[("GRID", (0, 0), (-1, -1), 0.5, "black")]))
    buf = io.BytesIO()
    SimpleDocTemplate(buf, pagesize=A4).build(story)
    return buf.getvalue()


def as_html(name: str, data: bytes, k: int = 0) -> bytes:
    """A portal's notice page: navigation, the report as paragraphs and tables, a footer; GBK."""
    from html import escape

    parts = ['<html><head><meta charset="gbk"><title>绩效评价结果公开</title><script>var x=1;</script></head><body>',
             '<div class="nav"><a href="/">首页</a> | <a href="/zwgk">政务公开</a></div><div class="article-content">']
    for block in read_text(data, name).blocks:
        if isinstance(block, Paragraph):
            parts.append(f"<p>{escape(block.text)}</p>")
        else:
            parts.append("<table border=1>" + "".join(
                "<tr>" + "".join(f"<td>{escape(c.text)}</td>" for c in row) + "</tr>" for row in block.rows) + "</table>")
    parts.append("</div>" + "<p></p>" * k + '<div id="footer">版权所有 主办单位</div></body></html>')
    return "".join(parts).encode("gb18030")


def converted(docs: list[tuple[str, bytes]], target: str) -> list[tuple[str, bytes]]:
    """The documents converted by LibreOffice (`target`: doc or xls), in one run."""
    import shutil
    import subprocess

    exe = shutil.which("soffice")
    if not exe:
        return []
    with tempfile.TemporaryDirectory() as tmp:
        src = pathlib.Path(tmp)
        names = []
        for i, (name, data) in enumerate(docs):
            path = src / f"{i:04d}{pathlib.Path(name).suffix}"
            path.write_bytes(data)
            names.append(str(path))
        subprocess.run([exe, f"-env:UserInstallation={(src / 'profile').as_uri()}", "--headless", "--convert-to",
                        target, "--outdir", str(src / "out"), *names], check=True, capture_output=True, timeout=1800)
        return [(pathlib.Path(name).stem + "." + target, (src / "out" / f"{i:04d}.{target}").read_bytes())
                for i, (name, _) in enumerate(docs)]


def scanned(pdfs: list[tuple[str, bytes]], pages: int) -> list[tuple[str, bytes]]:
    """Image-only PDFs: the pages of text PDFs rasterized at 150 dpi (A4: 1241 × 1754), `pages` in all."""
    import pypdfium2 as pdfium

    out, left = [], pages
    for name, data in pdfs:
        pdf = pdfium.PdfDocument(data)
        images = [pdf[i].render(scale=150 / 72).to_pil().convert("RGB") for i in range(min(len(pdf), left))]
        left -= len(images)
        buf = io.BytesIO()
        images[0].save(buf, "PDF", save_all=True, append_images=images[1:], resolution=150)
        out.append((name + ".scan.pdf", buf.getvalue()))
        if left <= 0:
            break
    return out


def xlsx_corpus(n: int) -> list[tuple[str, bytes]]:
    import openpyxl

    out = []
    for i in range(n):
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.title = f"{2019 + i % 6}年绩效评价结果"
        ws.append(["项目名称", "单位", "预算数（万元）", "执行数（万元）", "执行率", "得分", "等级", "主要问题"])
        for k in range(10):
            budget = 50 + 7 * k + i
            ws.append([f"示例项目{i}-{k}", "示例市示例区财政局", budget, round(budget * 0.9, 2), "90%",
                       80 + k, "良好", "1. 支出进度滞后，年底集中支付。"])
        form = wb.create_sheet("自评表")
        form.append(["项目名称", f"示例自评项目{i}"])
        form.append(["项目资金（万元）", "", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"])
        form.append(["", "年度资金总额", 100, 100, 95, 10, "95%", 9.5])
        form.append(["绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"])
        form.append(["", "产出指标", "数量指标", "完成数量", "10", "10", 50, 50, ""])
        form.append(["", "满意度指标", "服务对象满意度指标", "满意度", "≥90%", "92%", 40, 38, "个别服务不及时"])
        form.append(["总分", 100, 97.5])
        buf = io.BytesIO()
        wb.save(buf)
        out.append((f"bench_{i}.xlsx", buf.getvalue()))
    return out


def measure(docs: list[tuple[str, bytes]], repeat: int) -> tuple[float, float, float]:
    """(parse docs/s, parse + store docs/s, documents per batch), the medians of `repeat` runs.

    A run is `perfeval ingest`'s loop over files already read: parse a document, hand it to the
    BatchWriter (which writes a batch when it is full or has half a second of parsing in it, and
    holds its write session for at most a second), and flush at the end."""
    parse_rates, total_rates, batch_sizes = [], [], []
    for _ in range(repeat):
        outcomes: list = []
        batches: list[int] = []
        with tempfile.TemporaryDirectory() as tmp:
            db = os.path.join(tmp, "bench.duckdb")
            with store.writer(db):  # an existing database, as ingests meet it: creating one is not per document
                pass
            parse_seconds = 0.0
            start = time.perf_counter()
            with store.WriteSession(db) as session:
                writer = BatchWriter(session, lambda _key, _parsed, outcome: outcomes.append(outcome))
                for i, (name, data) in enumerate(docs):
                    t = time.perf_counter()
                    if i % READ_AHEAD == 0:  # as the ingest loop reads ahead (one LibreOffice run a window)
                        prepare([d for _, d in docs[i:i + READ_AHEAD]])
                    parsed = parse_bytes(data, name)
                    parse_seconds += time.perf_counter() - t
                    before = len(outcomes)
                    writer.add(None, parsed)
                    if len(outcomes) > before:
                        batches.append(len(outcomes) - before)
                before = len(outcomes)
                writer.flush()
                if len(outcomes) > before:
                    batches.append(len(outcomes) - before)
            total_seconds = time.perf_counter() - start
        if outcomes != [True] * len(docs):
            raise RuntimeError(f"the bench corpus did not load: {outcomes}")
        parse_rates.append(len(docs) / parse_seconds)
        total_rates.append(len(docs) / total_seconds)
        batch_sizes.append(len(docs) / len(batches))
    return statistics.median(parse_rates), statistics.median(total_rates), statistics.median(batch_sizes)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m perfeval bench-ingest", description=__doc__.split("\n")[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--bulk", type=int, default=100,
                    help="documents per format (.txt, .docx, .xlsx, .html; the PDFs are six)")
    ap.add_argument("--legacy", type=int, default=48, help="documents each as .doc and .xls (LibreOffice)")
    ap.add_argument("--ocr-pages", type=int, default=6, help="scanned A4 pages at 150 dpi read by OCR")
    args = ap.parse_args(argv)
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core, as the target says
    texts = text_corpus()
    corpora = {
        "txt": bulk(texts, args.bulk, lambda _name, data, k: text_copy(data, k)),
        "docx": bulk(texts, args.bulk, lambda name, data, k: as_docx(name, data, empty_paragraphs=k), ".docx"),
        "xlsx": xlsx_corpus(args.bulk),
    }
    corpora["html"] = bulk(texts, args.bulk, lambda name, data, k: as_html(name, data, k), ".html")
    pdfs = [(n + ".pdf", p) for n, d in texts[:6] if (p := as_pdf(n, d)) is not None]
    if pdfs:
        corpora["pdf"] = pdfs
    else:
        print("pdf  skipped: reportlab (requirements-dev.txt) is needed to build the PDF corpus")
    if args.legacy:
        corpora["doc"] = converted(corpora["docx"][:args.legacy], "doc")
        corpora["xls"] = converted(corpora["xlsx"][:args.legacy], "xls")
        for fmt in ("doc", "xls"):
            if not corpora[fmt]:
                del corpora[fmt]
                print(f"{fmt}  skipped: LibreOffice (soffice) is needed to build the corpus")
    if args.ocr_pages and pdfs:
        corpora["ocr"] = scanned(pdfs, args.ocr_pages)
    for docs in corpora.values():  # loaded what a run needs, as `perfeval ingest` after its first document
        name, data = docs[0]
        parse_bytes(data, name)
    settle_heap()
    # documents/s; for OCR, pages/s (each scanned document is counted by its pages)
    targets = {"txt": 50, "docx": 50, "xlsx": 200, "pdf": 2, "html": 100, "doc": 5, "xls": 5, "ocr": 0.5}
    for fmt, docs in corpora.items():
        parse_rate, total_rate, per_batch = measure(docs, 1 if fmt == "ocr" else args.repeat)
        if fmt == "ocr":
            per_doc = args.ocr_pages / len(docs)
            parse_rate, total_rate = parse_rate * per_doc, total_rate * per_doc
        verdict = "ok" if total_rate >= targets[fmt] else "BELOW TARGET"
        unit = "pages" if fmt == "ocr" else "docs"
        print(f"{fmt:5s} docs={len(docs):3d} docs_per_batch={per_batch:5.1f} parse_{unit}_per_s={parse_rate:7.1f} "
              f"ingest_{unit}_per_s={total_rate:7.1f} target={targets[fmt]} {verdict}")
    return 0
