"""Reader for web pages (.html/.htm) and saved web archives (.mht/.mhtml), as finance-bureau portals
publish 绩效评价结果 notices.

- Decoding: the charset the page declares (a BOM, <meta charset>, or an http-equiv Content-Type;
  for .mht the part's Content-Type), read strictly; GB2312/GBK are read as GB18030, their
  superset. Without a usable declaration, the strict order of the text reader (UTF-8, GB18030,
  UTF-16).
- Content: the page without its furniture — scripts, styles, forms, navigation, headers,
  footers, asides, and elements whose id or class names them (nav, menu, header, footer,
  breadcrumb, sidebar, share, copyright…). When an element holds most of the remaining text as an
  article (<article>, <main>, or a container whose id/class says content/article/detail/zoom),
  only it is read.
- Blocks: each block element (p, div, h1–h6, li, …) is a paragraph per line of its own text; a
  <br> breaks a line. A <table> is a Table with rowspan/colspan expanded like merged Word cells:
  the text in the first row/column, "" in the others. A table nested in a cell is flattened into
  the cell's text, as the .docx reader does.
The rendering is the one the other readers use (render.LineBuilder), so line numbers in
`field_sources` point into it.
"""
from __future__ import annotations

import email
import email.policy
import re

from lxml import etree

from perfeval.ingest.model import Document
from perfeval.ingest.readers import ReadError
from perfeval.ingest.readers.render import LineBuilder
from perfeval.ingest.readers.text import DecodeError, decode_text

_NEVER_CONTENT = {"script", "style", "noscript", "template", "form", "iframe", "object", "embed", "svg", "canvas",
                  "button", "select", "input", "textarea", "head", "title", "meta", "link"}
_FURNITURE_TAGS = {"nav", "header", "footer", "aside"}
_KEEP_TAGS = {"body", "html", "table", "tbody", "thead", "tr", "td", "th"}
_TITLE = re.compile(r"(?:^|[\s_-])(?:title|tit|bt|biaoti|headline)(?:$|[\s_-])", re.I)
_FURNITURE = re.compile(r"(?:^|[\s_-])(?:nav(?:bar)?|menu|header|footer|foot|breadcrumbs?|crumbs?|sidebar|"
                        r"share|copyright|topbar|banner|search|login|friend-?links?|links|related|relate|xglj|position|location)"
                        r"(?:$|[\s_-])", re.I)
_CONTENT = re.compile(r"content|article|detail|zoom|trs_?editor|main-?text|news_?text|con_?text", re.I)
_BLOCK_TAGS = {"p", "div", "section", "article", "main", "h1", "h2", "h3", "h4", "h5", "h6", "li",
               "dd", "dt", "blockquote", "pre", "center", "address", "figcaption", "caption", "ul",
               "ol", "dl", "body", "html", "tbody", "thead", "tfoot", "span-block"}
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_-]+)""", re.I)
_PARSER = etree.HTMLParser(remove_comments=True, remove_pis=True, no_network=True)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>")
_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "cp936": "gb18030",
            "hz-gb-2312": "gb18030", "utf8": "utf-8", "unicode": "utf-16"}


def _decode(data: bytes, declared: str | None) -> str:
    for bom, enc in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if data.startswith(bom):
            return data.decode(enc, errors="strict")
    if declared is None:
        m = _CHARSET.search(data[:4096])
        declared = m.group(1).decode("ascii", "ignore") if m else None
    if declared:
        enc = _ALIASES.get(declared.lower(), declared.lower())
        try:
            return data.decode(enc)
        except (LookupError, UnicodeDecodeError):
            pass  # a wrong declaration: fall back to the strict order
    try:
        return decode_text(data)[0]
    except DecodeError as exc:
        raise ReadError(f"not a readable web page: {exc}") from exc


def read_html(data: bytes, file_name: str = "", declared: str | None = None) -> Document:
    text = _XML_DECL.sub("", _decode(data, declared), count=1)  # lxml takes no declaration in a str
    try:
        # plain elements: lxml.html's element classes cost a lookup per element (a third of the read)
        root = etree.fromstring(text.replace("\x00", ""), _PARSER)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as exc:
        raise ReadError(f"not a readable web page ({exc})") from exc
    if root is None:
        raise ReadError("the file contains no text")
    _strip_furniture(root, by_class=False)
    content = _content_root(root)
    title = _title_before(root, content)
    if content.tag == "body" or content is root:
        _strip_furniture(content, by_class=True)
    out = LineBuilder()
    if title:
        out.paragraph(title)
    _walk(content, out, [])
    return out.document("html", file_name)


def read_mht(data: bytes, file_name: str = "") -> Document:
    """A saved web archive (MIME multipart/related): its first text/html part."""
    msg = email.message_from_bytes(data, policy=email.policy.compat32)
    for part in msg.walk():
        if part.get_content_type() == "text/html":
            payload = part.get_payload(decode=True)
            if payload:
                return read_html(payload, file_name, part.get_content_charset())
    raise ReadError("a web archive (.mht) without an HTML page in it")


def _classes(el) -> str:
    return f"{el.get('id') or ''} {el.get('class') or ''}"


def _strip_furniture(root, by_class: bool) -> None:
    """Drop what is never content (scripts, styles, forms, hidden elements); outside an article
    also the page's furniture by tag (nav, header, footer, aside) and by id/class."""
    for el in list(root.iter(etree.Comment, etree.ProcessingInstruction)):
        _drop(el)
    for el in list(root.iter()):
        if not isinstance(el.tag, str) or el.getparent() is None:
            continue
        tag = el.tag.lower()
        if tag in _NEVER_CONTENT or "display:none" in (el.get("style") or "").replace(" ", "").lower():
            _drop(el)
        elif by_class and ((tag in _FURNITURE_TAGS and not _in_article(el))
                           or (tag not in _KEEP_TAGS and _FURNITURE.search(_classes(el)))):
            _drop(el)


def _in_article(el) -> bool:
    """Inside an article, <header> and <footer> hold its own title and signature."""
    return any(isinstance(a.tag, str) and (a.tag.lower() in ("article", "main") or _CONTENT.search(_classes(a)))
               for a in el.iterancestors())


def _drop(el) -> None:
    parent = el.getparent()
    if parent is None:
        return
    tail = el.tail
    if tail and tail.strip():  # keep the text that follows the dropped element
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(el)


def _text_len(el) -> int:
    return len("".join("".join(el.itertext()).split()))


def _content_root(root):
    """The article, when one element holds most of the page's text; else the whole body."""
    body = root.find("body")
    body = body if body is not None else root
    total = _text_len(body)
    best = None
    for el in body.iter():
        if not isinstance(el.tag, str) or el is body:
            continue
        if el.tag in ("article", "main") or _CONTENT.search(_classes(el)):
            n = _text_len(el)
            if n >= 0.6 * total and (best is None or n < _text_len(best)):
                best = el  # the tightest container still holding most of the text
    return best if best is not None else body


def _title_before(root, content) -> str:
    """A portal often sets the notice's title apart, above the article container: the last short
    heading (h1–h3, or an element whose id/class says title) before the article."""
    if content.tag in ("body", "html"):
        return ""
    inside = set(content.iter())
    found = ""
    for el in root.iter():
        if el is content:
            break
        if not isinstance(el.tag, str) or el in inside:
            continue
        if el.tag.lower() in ("h1", "h2", "h3") or (_TITLE.search(_classes(el)) and el.tag.lower() not in _KEEP_TAGS):
            text = " ".join("".join(el.itertext()).split())
            if 4 <= len(text) <= 120 and not _FURNITURE.search(_classes(el)):
                found = text
    return found


def _walk(el, out: LineBuilder, buf: list[str]) -> None:
    """Depth-first: inline text collects in `buf`; a block boundary flushes it as paragraphs."""
    def flush():
        if buf:
            out.paragraph("".join(buf))
            buf.clear()

    if el.text:
        buf.append(_space(el.text))
    for child in el:
        tag = child.tag.lower() if isinstance(child.tag, str) else ""
        if tag == "table":
            flush()
            if _is_layout(child):  # a page laid out with tables: its cells are blocks
                for cell in _own_cells(child):
                    _walk(cell, out, buf)
                    flush()
            else:
                out.table(_table_rows(child))
        elif tag == "br":
            buf.append("\n")
        elif tag in _BLOCK_TAGS or tag == "tr":
            flush()
            _walk(child, out, buf)
            flush()
        elif tag:
            _walk(child, out, buf)
        if child.tail:
            buf.append(_space(child.tail))
    if el.tag in _BLOCK_TAGS:
        flush()


# HTML collapses runs of white space (newlines in the source included) to one space; &nbsp;
# pads cells and numbers in pages exported from Word
_WHITE_SPACE = re.compile(r"[ \t\r\n\f\xa0]+")


def _space(text: str) -> str:
    return _WHITE_SPACE.sub(" ", text)


def _cell_text(cell) -> str:
    if len(cell) == 0:  # most cells hold text only
        return _space(cell.text or "").strip()
    lines: list[str] = []
    cur: list[str] = []

    def walk(el):
        if el.text:
            cur.append(_space(el.text))
        for child in el:
            tag = child.tag.lower() if isinstance(child.tag, str) else ""
            if tag == "br" or tag in _BLOCK_TAGS or tag in ("tr", "table"):
                lines.append("".join(cur))
                cur.clear()
                walk(child)
                lines.append("".join(cur))
                cur.clear()
            elif tag in ("td", "th"):
                walk(child)
                cur.append(" ")
            elif tag:
                walk(child)
            if child.tail:
                cur.append(_space(child.tail))
    walk(cell)
    lines.append("".join(cur))
    return "\n".join(ln.strip() for ln in lines if ln.strip())


def _span(cell, name: str) -> int:
    try:
        return max(1, min(int(cell.get(name) or 1), 100))
    except ValueError:
        return 1


def _table_rows(table) -> list[list[str]]:
    """Rows of a table with rowspan/colspan expanded (nested tables belong to their cell)."""
    trs = table.xpath("./tr|./thead/tr|./tbody/tr|./tfoot/tr")  # its own rows, not a nested table's
    grid: list[list[str | None]] = []
    for r, tr in enumerate(trs):
        while len(grid) <= r:
            grid.append([])
        row = grid[r]
        c = 0
        for cell in tr:
            if not isinstance(cell.tag, str) or cell.tag.lower() not in ("td", "th"):
                continue
            while c < len(row) and row[c] is not None:
                c += 1
            rs, cs = _span(cell, "rowspan"), _span(cell, "colspan")
            text = _cell_text(cell)
            for dr in range(rs):
                rr = r + dr
                if rr >= len(trs):
                    break
                while len(grid) <= rr:
                    grid.append([])
                target = grid[rr]
                while len(target) < c + cs:
                    target.append(None)
                for dc in range(cs):
                    target[c + dc] = text if dr == 0 and dc == 0 else ""
            c += cs
    width = max((len(r) for r in grid), default=0)
    return [[x if x is not None else "" for x in row] + [""] * (width - len(row)) for row in grid if any(row)]


def _own_cells(table) -> list:
    return table.xpath("./tr/td|./tr/th|./*/tr/td|./*/tr/th")


def _is_layout(table) -> bool:
    """Portals lay pages out with tables: one whose cells hold tables is a frame, not data."""
    return any(cell.find(".//table") is not None for cell in _own_cells(table))
