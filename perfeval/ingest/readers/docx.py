"""Reader for Word .docx files (the main part's XML is read from the package and walked directly).

The body is walked in document order rather than through `Document.iter_inner_content()`,
because that only yields direct w:p/w:tbl children: paragraphs and tables inside content
controls (w:sdt, common around tables of contents and in form templates) would be lost. Text is
collected from the runs' XML for the same reason (runs inside w:ins, w:smartTag, w:fldSimple or
inline w:sdt are skipped by `Paragraph.text`).

Mapping to the block model, chosen to match the plain-text exports of the same files:
- a paragraph with soft line breaks gives one Paragraph per line; empty paragraphs are skipped;
- a table cell's text is its paragraphs joined by "\\n" (empty ones dropped);
- a horizontally merged cell (gridSpan n) gives its text to its first grid column and "" to the
  n-1 others; a vertically merged cell is "" below its first row; w:gridBefore columns are "";
- a cell that holds only a table (a form's indicator grid set in one cell) gives that table's rows
  as rows of the outer table at its place, the row's other cells on the first of them; a table
  nested in a cell with text of its own is flattened into that cell's text, one line per nested
  paragraph;
- text boxes anchored in a paragraph follow that paragraph as their own blocks;
- deleted (tracked) text, field codes, hidden text, headers and footers are not body content.
"""
from __future__ import annotations

import io
import posixpath
import zipfile

from docx.oxml.ns import qn
from lxml import etree

from perfeval.ingest.model import Document
from perfeval.ingest.readers import ReadError
from perfeval.ingest.readers.render import LineBuilder, guard_zip

# python-docx's parser options (whitespace-only text between elements dropped, no entities),
# without its element classes.
_PARSER = etree.XMLParser(remove_blank_text=True, resolve_entities=False)
_PACKAGE_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_OFFICE_DOCUMENT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
_BODY = qn("w:body")
_P, _TBL, _TR, _TC = qn("w:p"), qn("w:tbl"), qn("w:tr"), qn("w:tc")
_R, _T, _TAB, _PTAB, _BR, _CR = qn("w:r"), qn("w:t"), qn("w:tab"), qn("w:ptab"), qn("w:br"), qn("w:cr")
_NBH, _SYM = qn("w:noBreakHyphen"), qn("w:sym")
_SDT, _SDTCONTENT, _CUSTOMXML = qn("w:sdt"), qn("w:sdtContent"), qn("w:customXml")
_TXBX = qn("w:txbxContent")
_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
# Subtrees whose text is not shown in the body: deletions, field codes, notes, properties.
_SKIP = {qn("w:del"), qn("w:moveFrom"), qn("w:delText"), qn("w:instrText"), qn("w:rPr"),
         qn("w:pPr"), qn("w:footnoteReference"), qn("w:endnoteReference"),
         qn("w:commentReference"), _FALLBACK}
_TYPE, _VAL, _CHAR = qn("w:type"), qn("w:val"), qn("w:char")
# Resolved once: qn() per run and per cell was a quarter of the reader's time.
_RPR, _VANISH = qn("w:rPr"), qn("w:vanish")
_TRPR, _GRID_BEFORE = qn("w:trPr"), qn("w:gridBefore")
_TCPR, _GRID_SPAN, _MERGES = qn("w:tcPr"), qn("w:gridSpan"), (qn("w:vMerge"), qn("w:hMerge"))
# Checkbox-like glyphs from symbol fonts that forms use for 是/否 answers.
_SYMBOLS = {"F0FC": "√", "F0FE": "☑", "F052": "☑", "F0A8": "□", "F06F": "□", "F0FB": "×"}


def read_docx(data: bytes, file_name: str = "") -> Document:
    guard_zip(data, "docx")
    try:
        body = _open_body(data)
    except Exception as exc:  # any failure to open the package means an unreadable file
        raise ReadError(f"cannot open the .docx file ({type(exc).__name__}: {exc})") from exc
    out = LineBuilder()
    _walk_blocks(body, out)
    return out.document("docx", file_name)


def _open_body(data: bytes):
    """The w:body of the package's main part, found through the package relationships as
    python-docx finds it. Read directly rather than through `docx.Document`, which also loads
    styles, numbering, settings and headers (half the reader's time) and wraps every element in
    its own classes (slower to walk). Its content-type check is not made: it refuses macro-enabled
    documents and templates (.docm, .dotx) whose main part is the same WordprocessingML."""
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        rels = etree.fromstring(package.read("_rels/.rels"), _PARSER)
        targets = [rel.get("Target") for rel in rels.iter(_PACKAGE_REL)
                   if rel.get("Type") == _OFFICE_DOCUMENT and rel.get("TargetMode") != "External"]
        if len(targets) != 1:
            raise KeyError(f"{len(targets)} main document relationships in the package")
        root = etree.fromstring(package.read(posixpath.normpath(posixpath.join("/", targets[0]))[1:]), _PARSER)
    body = root.find(_BODY)
    if body is None:
        raise ValueError("the main document part has no w:body")
    return body


def _walk_blocks(container, out: LineBuilder) -> None:
    for child in container:
        tag = child.tag
        if tag == _P:
            boxes: list = []
            out.paragraph(_paragraph_text(child, boxes))
            for box in boxes:
                _walk_blocks(box, out)
        elif tag == _TBL:
            out.table(_table_rows(child))
        elif tag in (_SDT, _SDTCONTENT, _CUSTOMXML):
            _walk_blocks(child, out)


def _hidden(run) -> bool:
    rpr = run.find(_RPR)
    if rpr is None:
        return False
    vanish = rpr.find(_VANISH)
    return vanish is not None and vanish.get(_VAL) not in ("0", "false", "off")


def _paragraph_text(p, boxes: list) -> str:
    """The shown text of a paragraph; text boxes found inside are appended to `boxes`."""
    parts: list[str] = []

    def walk(el) -> None:
        for child in el:
            tag = child.tag
            if not isinstance(tag, str) or tag in _SKIP:
                continue  # comments and processing instructions have non-string tags
            if tag == _T:
                parts.append(child.text or "")
            elif tag in (_TAB, _PTAB):
                parts.append("\t")
            elif tag == _BR:
                if child.get(_TYPE) in (None, "textWrapping"):
                    parts.append("\n")  # page and column breaks are layout, not text
            elif tag == _CR:
                parts.append("\n")
            elif tag == _NBH:
                parts.append("-")
            elif tag == _SYM:
                parts.append(_SYMBOLS.get((child.get(_CHAR) or "").upper(), ""))
            elif tag == _TXBX:
                boxes.append(child)
            elif tag == _R and _hidden(child):
                continue
            else:
                walk(child)

    walk(p)
    return "".join(parts)


def _cell_lines(tc) -> list[str]:
    """Lines of a cell: its paragraphs, and nested tables flattened cell by cell."""
    lines: list[str] = []

    def walk(el) -> None:
        for child in el:
            tag = child.tag
            if tag == _P:
                boxes: list = []
                lines.append(_paragraph_text(child, boxes))
                for box in boxes:
                    walk(box)
            elif tag == _TBL:
                for row in _table_rows(child):
                    lines.extend(row)
            elif tag in (_SDT, _SDTCONTENT, _CUSTOMXML):
                walk(child)

    walk(tc)
    return lines


def _int_val(el, default: int) -> int:
    if el is None:
        return default
    try:
        return max(0, int(el.get(_VAL)))
    except (TypeError, ValueError):
        return default


def _iter_children(el, tag: str):
    """Children with `tag`, looking through content-control and custom-XML wrappers."""
    for child in el:
        if child.tag == tag:
            yield child
        elif child.tag in (_SDT, _SDTCONTENT, _CUSTOMXML):
            yield from _iter_children(child, tag)


def _only_table(tc):
    """The table a cell holds when it holds nothing else (empty paragraphs aside), else None."""
    tables = list(_iter_children(tc, _TBL))
    if len(tables) != 1:
        return None
    if any(_paragraph_text(p, []).strip() for p in _iter_children(tc, _P)):
        return None
    return tables[0]


def _table_rows(tbl) -> list[list[str]]:
    rows: list[list[str]] = []
    for tr in _iter_children(tbl, _TR):
        row: list[str] = []
        nested: tuple[int, list[list[str]]] | None = None  # (where, rows) of a cell that is a table
        trpr = tr.find(_TRPR)
        if trpr is not None:
            row.extend([""] * _int_val(trpr.find(_GRID_BEFORE), 0))
        for tc in _iter_children(tr, _TC):
            tcpr = tc.find(_TCPR)
            span, merged_away = 1, False
            if tcpr is not None:
                span = max(1, _int_val(tcpr.find(_GRID_SPAN), 1))
                for merge_tag in _MERGES:
                    merge = tcpr.find(merge_tag)
                    if merge is not None and merge.get(_VAL) in (None, "continue"):
                        merged_away = True
            inner = None if merged_away or nested is not None else _only_table(tc)
            if inner is not None:
                nested = (len(row), _table_rows(inner))
                row.append("")
                continue
            text = "" if merged_away else "\n".join(_cell_lines(tc))
            row.append(text)
            row.extend([""] * (span - 1))
        if nested is None or not nested[1]:
            rows.append(row)
            continue
        # a cell that is a whole table (a form's indicator grid set in one cell): its rows become
        # rows of this table there, the row's other cells on the first of them (as merged down)
        at, inner_rows = nested
        for k, inner_row in enumerate(inner_rows):
            rows.append((row[:at] if k == 0 else [""] * at) + inner_row + (row[at + 1:] if k == 0 else [""] * (len(row) - at - 1)))
    return rows
