"""Reader for PDF files with a text layer (pdfplumber).

What it does, page by page, and why:
- Ruled tables (`page.find_tables()`, drawn lines and rectangles) become Table blocks at their
  position; the text inside them is not repeated as paragraphs. A merged cell gives its text to
  its first row/column and "" to the others, as in .docx tables. A single boxed cell (a framed
  paragraph, a page border) is not a table, nor is a box one of whose cells covers nearly all of
  it (a page border with a margin sliver, a scanned page's edge).
- The remaining text is read in visual lines, top to bottom (single-column layout assumed).
- Page numbers ("- 3 -", "第 3 页", "3", "3/12", "第3页 共12页", "Page 3") and running headers
  and footers (the same text, page numbers aside, among the top two or bottom two lines of more
  than half of the pages, within the top or bottom 15% of the page) are dropped.
- Visual lines are joined into paragraphs when the line reaches the right margin (it was
  wrapped), does not end with sentence punctuation, and the next line neither starts a numbered
  item or heading ("一、", "（二）", "3.", "第四章", "附件"…) nor is indented. Lines inside a table
  cell are joined the same way, against the cell's right border. This also joins a paragraph
  that runs across a page break.
- A table at the top of a page with the same number of columns as a table that ended the
  previous page is its continuation: the rows are joined into one Table, and a header row that
  was repeated on the new page is dropped. (A row whose text itself breaks across the page
  stays as two rows.)
- CJK radicals that some PDF producers emit instead of ideographs ("⼀" U+2F00 for "一") are
  mapped back.
A PDF with no text at all is a scan and is refused; pages without text in an otherwise textual
PDF are reported as warnings.
"""
from __future__ import annotations

import io
import logging
import re
import unicodedata
from dataclasses import dataclass, field

import pdfplumber
from pdfplumber.utils.text import chars_to_textmap

from perfeval.ingest.model import Document
from perfeval.ingest.readers import ReadError
from perfeval.ingest.readers.render import LineBuilder

# pdfminer logs every recoverable oddity of a file as a warning, which CLI users would see as
# noise; real failures still raise.
logging.getLogger("pdfminer").setLevel(logging.ERROR)

SCAN_MESSAGE = "the PDF has no text, neither a text layer nor any text OCR could read"

_PAGE_NUMBER = re.compile(
    r"^(?:[-—–－_·•~\s]*\d{1,4}[-—–－_·•~\s]*"
    r"|第\s*\d{1,4}\s*页(?:\s*[,，/／]?\s*共\s*\d{1,4}\s*页)?"
    r"|共\s*\d{1,4}\s*页\s*[,，]?\s*第\s*\d{1,4}\s*页"
    r"|\d{1,4}\s*[/／]\s*\d{1,4}"
    r"|(?:page|p\.)\s*\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?)$", re.I)
# The start of a numbered item or heading: never the continuation of the line before.
_ITEM_START = re.compile(
    r"^(?:[一二三四五六七八九十]{1,3}\s*[、.．]"
    r"|[（(]\s*[一二三四五六七八九十\d]{1,3}\s*[）)]"
    r"|\d{1,2}(?:\.\d{1,2})*\s*[、.．](?!\d)"
    r"|\d{1,2}\.\d{1,2}\s"
    r"|第[一二三四五六七八九十百\d]+[章节部分条项]"
    r"|附件|附表|[①-⑳]|[•·●■□◆▪]"
    r")")
_SENTENCE_END = tuple("。！？；：!?;:")
_CLOSERS = "”’」』）)》】"
_CID = re.compile(r"\(cid:\d+\)")


@dataclass
class _Line:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    conf: float | None = None  # OCR confidence; None for a text layer


@dataclass
class _Table:
    rows: list[list[str]]
    top: float
    page: int = 0  # the last page the table runs on
    conf: list[list[float | None]] | None = None  # per cell, for tables read by OCR

    @property
    def width(self) -> int:
        return max((len(r) for r in self.rows), default=0)


@dataclass
class _Page:
    number: int
    width: float
    height: float
    items: list = field(default_factory=list)  # _Line and _Table, top to bottom
    n_chars: int = 0
    n_images: int = 0
    image_dpi: float = 0.0  # the resolution of the page's largest image (a scan's own)


def read_pdf(data: bytes, file_name: str = "") -> Document:
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except Exception as exc:  # pdfplumber wraps every pdfminer failure
        raise _open_error(exc) from exc
    with pdf:
        try:
            pages = [_read_page(i + 1, page) for i, page in enumerate(pdf.pages)]
        except ReadError:
            raise
        except Exception as exc:  # a broken content stream or object: the file is unreadable
            encrypted = _open_error(exc)
            if "password" in str(encrypted):
                raise encrypted from exc
            raise ReadError(f"cannot read the PDF ({type(exc).__name__}: {exc})") from exc
    warnings = []
    # A page with an image but no text is a scanned page, read by OCR; a page with neither is blank.
    scanned = [p.number for p in pages if not p.n_chars and p.n_images]
    if scanned:
        from perfeval.ingest.readers.ocr import ocr_pdf_pages
        for page in ocr_pdf_pages(data, [(n, pages[n - 1].image_dpi) for n in scanned]):
            pages[page.number - 1] = page
        read = [n for n in scanned if pages[n - 1].n_chars]
        if read:
            warnings.append("page(s) " + ", ".join(map(str, read)) + " are scans, read by OCR")
        if len(read) < len(scanned):
            warnings.append("page(s) " + ", ".join(str(n) for n in scanned if n not in read)
                            + " have no text layer and OCR found no text on them")
    if not pages or not any(p.n_chars for p in pages):
        raise ReadError(SCAN_MESSAGE)
    _drop_page_furniture(pages)
    out = LineBuilder()
    _assemble(pages, out)
    doc = out.document("pdf", file_name)
    text = "\n".join(doc.lines)
    cids = len(_CID.findall(text))
    if cids and cids * 8 > len(text) * 0.2:
        raise ReadError("the PDF's fonts carry no Unicode mapping, so its text cannot be "
                        "extracted; provide the Word file or an OCRed PDF")
    if cids:
        warnings.append(f"{cids} character(s) could not be decoded (shown as (cid:N))")
    doc.warnings.extend(warnings)
    return doc


def _open_error(exc: BaseException) -> ReadError:
    seen = set()
    stack = [exc]
    while stack:
        e = stack.pop()
        if id(e) in seen:
            continue
        seen.add(id(e))
        name = type(e).__name__
        if name in ("PDFPasswordIncorrect", "PDFEncryptionError", "PDFEncryptionWarning"):
            return ReadError("the PDF is password-protected or encrypted in an unsupported way; "
                             "remove the password (e.g. print it to a new PDF) or provide the "
                             "Word file")
        stack.extend(a for a in getattr(e, "args", ()) if isinstance(a, BaseException))
        for nxt in (e.__cause__, e.__context__):
            if nxt is not None:
                stack.append(nxt)
    return ReadError(f"corrupt or unsupported PDF file ({type(exc).__name__}: {exc})")


def _fix_text(text: str) -> str:
    """Map CJK radicals and compatibility ideographs to the ideographs they stand for."""
    if not any("\u2e80" <= ch <= "\u2fdf" or "\uf900" <= ch <= "\ufaff" for ch in text):
        return text
    return "".join(unicodedata.normalize("NFKC", ch)
                   if "\u2e80" <= ch <= "\u2fdf" or "\uf900" <= ch <= "\ufaff" else ch
                   for ch in text)


def _visual_lines(chars: list[dict]) -> list[_Line]:
    if not chars:
        return []
    out = []
    # A word gap relative to the font size: pdfplumber's fixed 3 pt misses the spaces of small
    # Latin text, and a fifth of an em stays above the spacing of justified CJK lines.
    textmap = chars_to_textmap(chars, x_tolerance_ratio=0.2)
    for ln in textmap.extract_text_lines(strip=True, return_chars=True):
        text = _fix_text(ln["text"])
        if not text.strip():
            continue
        sizes = sorted(c.get("size", 0) or 0 for c in ln["chars"])
        size = sizes[len(sizes) // 2] if sizes else 10.0
        out.append(_Line(text.strip(), ln["x0"], ln["x1"], ln["top"], ln["bottom"], size or 10.0))
    return out


def _inside(cx: float, cy: float, bbox) -> bool:
    x0, top, x1, bottom = bbox
    return x0 <= cx <= x1 and top <= cy <= bottom


def _read_page(number: int, page) -> _Page:
    chars = page.chars
    # Text drawn twice, slightly offset (fake bold), would read doubled. pdfplumber's dedupe
    # costs a fifth of the reading time, so it runs only when some characters nearly coincide.
    if len({(c["text"], round(c["x0"]), round(c["top"])) for c in chars}) < len(chars):
        page = page.dedupe_chars()
        chars = page.chars
    result = _Page(number, float(page.width), float(page.height), n_chars=len(chars))
    if not chars:
        result.n_images = len(page.images)
        dpis = [img["srcsize"][0] * 72 / (img["x1"] - img["x0"]) for img in page.images
                if img.get("srcsize") and img["x1"] - img["x0"] > page.width * 0.3]
        result.image_dpi = max(dpis, default=0.0)
        return result
    tables = []
    for t in page.find_tables():
        cells = [[c for c in row.cells] for row in t.rows]
        boxes = [c for row in cells for c in row if c is not None]
        if len(boxes) >= 2 and not _frame(t.bbox, boxes):
            tables.append((t.bbox, cells))
    free: list[dict] = []
    per_cell: dict[tuple[int, int, int], list[dict]] = {}
    for ch in chars:
        cx = (ch["x0"] + ch["x1"]) / 2
        cy = (ch["top"] + ch["bottom"]) / 2
        placed = False
        for ti, (bbox, cells) in enumerate(tables):
            if not _inside(cx, cy, bbox):
                continue
            for ri, row in enumerate(cells):
                for ci, cb in enumerate(row):
                    if cb is not None and _inside(cx, cy, cb):
                        per_cell.setdefault((ti, ri, ci), []).append(ch)
                        placed = True
                        break
                if placed:
                    break
            if placed:
                break
        if not placed:
            free.append(ch)
    items: list = list(_visual_lines(free))
    for ti, (bbox, cells) in enumerate(tables):
        rows = []
        for ri, row in enumerate(cells):
            if all(cb is None for cb in row):
                continue  # a row entirely covered by cells merged from above
            texts = []
            for ci, cb in enumerate(row):
                if cb is None:
                    texts.append("")  # covered by a merged cell: its text is in the first one
                else:
                    texts.append(_cell_text(_visual_lines(per_cell.get((ti, ri, ci), [])), cb))
            rows.append(texts)
        if rows:
            items.append(_Table(rows, bbox[1]))
    items.sort(key=lambda it: it.top)
    result.items = items
    return result


def _area(box) -> float:
    return max(0.0, box[2] - box[0]) * max(0.0, box[3] - box[1])


def _frame(bbox, boxes) -> bool:
    """A box drawn around text (a page border, a scanned page's edge) rather than a grid: one cell
    covers nearly all of it, the other "cells" are slivers of margin."""
    return max(_area(b) for b in boxes) >= 0.8 * _area(bbox)


def _cell_text(lines: list[_Line], bbox) -> str:
    if not lines:
        return ""
    paras = [lines[0].text]
    for prev, nxt in zip(lines, lines[1:]):
        # cell padding is a few points
        if _wrapped(prev, nxt, bbox[2] - 6) and _may_continue(prev.text, nxt.text):
            paras[-1] = _join(paras[-1], nxt.text)
        else:
            paras.append(nxt.text)
    return "\n".join(paras)


_LATIN_TOKEN = re.compile(r"[A-Za-z0-9.,%‰+\-/:_#@&]+")


def _wrapped(prev: _Line, nxt: _Line, right: float) -> bool:
    """True when `nxt`'s first word would not have fitted after `prev`: the line was wrapped.

    Lines break between CJK characters, but a Latin word or a number ("96.36%") moves to the
    next line whole, and a closing punctuation mark drags the character before it along.
    """
    token = _LATIN_TOKEN.match(nxt.text)
    need = len(token.group(0)) * 0.6 * nxt.size if token else 2 * nxt.size
    return prev.x1 + need >= right - 0.5 * prev.size


def _may_continue(prev: str, nxt: str) -> bool:
    return not prev.rstrip(_CLOSERS).endswith(_SENTENCE_END) and not _ITEM_START.match(nxt)


def _join(a: str, b: str) -> str:
    if a and b and a[-1].isascii() and a[-1].isalnum() and b[0].isascii() and b[0].isalnum():
        return a + " " + b
    return a + b


# Page-number parts of a running header or footer ("年度报告  第 3 页"), which change per page.
_PAGE_TOKEN = re.compile(r"第\s*\d+\s*页|共\s*\d+\s*页|[-—–]\s*\d+\s*[-—–]|\d+\s*[/／]\s*\d+"
                         r"|^\d+\s+|\s+\d+$|page\s*\d+", re.I)


def _furniture_key(text: str) -> str:
    """Text compared across pages to find running headers and footers. Only page-number parts
    are ignored: numbered body lines at the top of pages ("（3）…") must not look alike."""
    return "".join(_PAGE_TOKEN.sub("", text).split())


def _drop_page_furniture(pages: list[_Page]) -> None:
    """Drop page numbers and running headers/footers from the top and bottom of each page."""
    candidates: dict[int, list[_Line]] = {}
    for page in pages:
        head = [ln for ln in page.items[:2] if isinstance(ln, _Line)
                and ln.bottom <= page.height * 0.15]
        foot = [ln for ln in page.items[-2:] if isinstance(ln, _Line)
                and ln.top >= page.height * 0.85 and not any(ln is h for h in head)]
        candidates[page.number] = head + foot
    counts: dict[str, int] = {}
    for cands in candidates.values():
        for key in {_furniture_key(ln.text) for ln in cands}:
            counts[key] = counts.get(key, 0) + 1
    most = max(2, len(pages) // 2 + 1)  # more than half of the pages
    for page in pages:
        drop = {id(ln) for ln in candidates[page.number]
                if _PAGE_NUMBER.match(ln.text.strip())
                or counts.get(_furniture_key(ln.text), 0) >= most}
        page.items = [it for it in page.items if id(it) not in drop]


def _assemble(pages: list[_Page], out: LineBuilder) -> None:
    # Margins per page size, from the text of all pages of that size: the right one is where
    # most full lines end (95th percentile, so a few lines running past it do not count).
    x1s: dict[int, list[float]] = {}
    left: dict[int, float] = {}
    for page in pages:
        key = round(page.width)
        for it in page.items:
            if isinstance(it, _Line):
                x1s.setdefault(key, []).append(it.x1)
                left[key] = min(left.get(key, page.width), it.x0)
    right = {key: sorted(v)[int(0.95 * (len(v) - 1))] for key, v in x1s.items()}
    blocks: list = []  # [str paragraph text] or _Table, in order
    prev_line: tuple[_Line, int] | None = None  # the line that ended the last paragraph
    for page in pages:
        key = round(page.width)
        for idx, it in enumerate(page.items):
            if isinstance(it, _Table):
                last = blocks[-1] if blocks else None
                if (idx == 0 and isinstance(last, _Table) and last.width == it.width
                        and last.page == page.number - 1):
                    rows = it.rows
                    conf = it.conf
                    if rows and last.rows and rows[0] == last.rows[0]:
                        rows = rows[1:]  # the header row repeated on the new page
                        conf = conf[1:] if conf is not None else None
                    if last.conf is not None or conf is not None:
                        last.conf = (last.conf or [[None] * len(r) for r in last.rows]) + \
                            (conf or [[None] * len(r) for r in rows])
                    last.rows.extend(rows)
                    last.page = page.number
                else:
                    it.page = page.number
                    blocks.append(it)
                prev_line = None
                continue
            if prev_line is not None and blocks and isinstance(blocks[-1], list):
                pl, pkey = prev_line
                indented = it.x0 > left[key] + 1.5 * it.size
                if _wrapped(pl, it, right[pkey]) and not indented \
                        and _may_continue(pl.text, it.text):
                    blocks[-1][0] = _join(blocks[-1][0], it.text)
                    blocks[-1][1] = _lowest(blocks[-1][1], it.conf)
                    prev_line = (it, key)
                    continue
            blocks.append([it.text, it.conf])
            prev_line = (it, key)
    for b in blocks:
        if isinstance(b, _Table):
            out.table(b.rows, b.conf)
        else:
            out.paragraph(b[0], b[1])


def _lowest(a: float | None, b: float | None) -> float | None:
    return b if a is None else a if b is None else min(a, b)
