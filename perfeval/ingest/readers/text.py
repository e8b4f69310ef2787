"""Reader for plain-text exports of report documents.

Word-to-text exports write a table in one of two shapes, and both occur in real files:
- one cell per line, each starting with a tab; a blank line ends a row. A cell of several
  paragraphs continues on lines without a tab (an empty paragraph inside a cell shows as a blank
  line, so a blank line followed by text that runs straight into the next cell is not a row end);
- one row per line, cells separated by tabs.
Everything else is a paragraph, one per line. Markup left by the exporters (<p>, [bookmark: …],
[image: …]) is removed from the text but line numbers always refer to the original file.
"""
from __future__ import annotations

import re

from perfeval.ingest.model import Cell, Document, Paragraph, Table

ENCODINGS = ("utf-8-sig", "gb18030", "utf-16")
_MARKUP = re.compile(r"\[(?:bookmark|image):[^\]]*\]|</?p>|<br\s*/?>", re.I)


class DecodeError(ValueError):
    pass


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode strictly in a fixed order; detectors guess short GBK text wrong."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        order = ("utf-16",) + ENCODINGS[:2]
    else:
        order = ENCODINGS
    for encoding in order:
        try:
            text = data.decode(encoding)
        except (UnicodeDecodeError, UnicodeError):
            continue
        if encoding == "utf-16" and data[:2] not in (b"\xff\xfe", b"\xfe\xff"):
            # BOM-less UTF-16 is only believable if it yields mostly CJK/ASCII text.
            good = sum(1 for ch in text if ch.isprintable() or ch in "\r\n\t")
            if good < 0.95 * max(1, len(text)):
                continue
        if "\x00" in text:
            continue
        return text, encoding
    raise DecodeError("the text is not valid UTF-8, GB18030 or UTF-16")


def clean_markup(text: str) -> str:
    text = text.replace("<p>", "\n").replace("</p>", "\n")
    text = _MARKUP.sub("", text)
    lines = [ln.strip(" \u3000\r\xa0") for ln in text.split("\n")]
    return "\n".join(ln for ln in lines if ln).strip()


def _is_blank(line: str) -> bool:
    return "\t" not in line and not line.strip(" \u3000\r\xa0\ufeff")


def _is_cell_line(line: str) -> bool:
    return line.startswith("\t") and "\t" not in line[1:]


def _is_row_line(line: str) -> bool:
    stripped = line.rstrip("\r")
    return "\t" in stripped and not _is_cell_line(stripped)


# columns aligned with runs of spaces instead of tabs ("序号  部门  项目名称  预算数"): two or more
# spaces, or an ideographic space, between cells
_SPACED = re.compile(r" {2,}|\u3000+")
MIN_SPACED_COLUMNS = 3


def _spaced_cells(line: str) -> list[str]:
    parts = _SPACED.split(line.strip())
    return parts if len(parts) >= MIN_SPACED_COLUMNS and all(parts) else []


def _parse_spaced_table(lines: list[str], i: int) -> tuple[Table | None, int]:
    """Consecutive lines that split into the same number (≥ 3) of space-separated cells."""
    width = len(_spaced_cells(lines[i]))
    j = i
    while j < len(lines) and len(_spaced_cells(lines[j].rstrip("\r"))) == width:
        j += 1
    if j - i < 2:
        return None, i
    rows = [[Cell(clean_markup(part), k + 1, k + 1) for part in _spaced_cells(lines[k].rstrip("\r"))]
            for k in range(i, j)]
    return Table(rows, i + 1, j), j


def parse_lines(lines: list[str]) -> list[Paragraph | Table]:
    blocks: list[Paragraph | Table] = []
    i, n = 0, len(lines)
    while i < n:
        line = lines[i].rstrip("\r")
        if _is_blank(line):
            i += 1
            continue
        if _is_cell_line(line):
            table, i = _parse_cell_table(lines, i)
            blocks.append(table)
        elif _is_row_line(line):
            table, i = _parse_row_table(lines, i)
            blocks.append(table)
        elif _spaced_cells(line) and (spaced := _parse_spaced_table(lines, i))[0] is not None:
            table, i = spaced
            blocks.append(table)
        else:
            text = clean_markup(line)
            if text:
                blocks.append(Paragraph(text, i + 1, i + 1))
            i += 1
    return blocks


def _text_run_reaches_cell(lines: list[str], k: int, max_lines: int = 2) -> bool:
    """True when a few text lines from k onward run, without a blank line, into a cell line.

    More than two lines read as paragraphs between two tables ("表2", a title, a year line)."""
    n = len(lines)
    stop = min(n, k + max_lines + 1)
    while k < stop:
        line = lines[k].rstrip("\r")
        if _is_cell_line(line):
            return True
        if _is_blank(line) or _is_row_line(line):
            return False
        k += 1
    return False


def _parse_cell_table(lines: list[str], i: int) -> tuple[Table, int]:
    n = len(lines)
    rows: list[list[Cell]] = []
    row: list[Cell] = []
    raw: list[list[str]] = []  # raw text per cell of the current row, cleaned at row end
    cell: Cell | None = None
    j = i
    last_line = i + 1

    def close_row():
        nonlocal row, raw
        if row:
            for c, parts in zip(row, raw):
                c.text = clean_markup("\n".join(parts))
            rows.append(row)
        row, raw = [], []

    while j < n:
        line = lines[j].rstrip("\r")
        if _is_cell_line(line):
            cell = Cell("", j + 1, j + 1)
            row.append(cell)
            raw.append([line[1:]])
            last_line = j + 1
            j += 1
        elif _is_blank(line):
            k = j
            while k < n and _is_blank(lines[k].rstrip("\r")):
                k += 1
            if k >= n:
                j = k
                break
            nxt = lines[k].rstrip("\r")
            # an empty paragraph inside a cell: only a cell that has text can go on after it
            # (it shows as exactly one blank line; two or more end the row)
            if cell is not None and raw[-1][0].strip() and k == j + 1 and not _is_cell_line(nxt) \
                    and not _is_row_line(nxt) and _text_run_reaches_cell(lines, k):
                j = k  # empty paragraph inside a cell: the text continues the cell
                continue
            close_row()
            cell = None
            if _is_cell_line(nxt):
                j = k
                continue
            j = k
            break
        elif _is_row_line(line):
            break
        else:  # a line without a tab right after a cell continues that cell
            if cell is None:
                break
            raw[-1].append(line)
            cell.line_end = j + 1
            last_line = j + 1
            j += 1
    close_row()
    rows = _repair_split_rows(rows)
    return Table(rows, i + 1, last_line), j


def _parse_row_table(lines: list[str], i: int) -> tuple[Table, int]:
    n = len(lines)
    rows: list[list[Cell]] = []
    j = i
    last_line = i + 1
    while j < n:
        line = lines[j].rstrip("\r")
        if _is_blank(line):
            j += 1
            continue
        if "\t" not in line:
            break
        rows.append([Cell(clean_markup(part), j + 1, j + 1) for part in line.split("\t")])
        last_line = j + 1
        j += 1
    # trailing blank lines belong to nobody; give them back to the paragraph scan
    return Table(rows, i + 1, last_line), last_line


def _repair_split_rows(rows: list[list[Cell]]) -> list[list[Cell]]:
    """Join a row that the export broke in two.

    A cell whose last paragraph is empty is written with a trailing blank line, which reads like a
    row end. Two consecutive short rows whose widths add up exactly to the width of the rows around
    them, the first ending and the second starting with text, are one row.
    """
    out: list[list[Cell]] = []
    k = 0
    while k < len(rows):
        row = rows[k]
        if out and k + 1 < len(rows):
            width = len(out[-1])
            nxt = rows[k + 1]
            after = rows[k + 2] if k + 2 < len(rows) else None
            if (len(row) < width and len(nxt) < width and len(row) + len(nxt) == width
                    and row[-1].text and nxt[0].text
                    and (after is None or len(after) == width)):
                out.append(row + nxt)
                k += 2
                continue
        out.append(row)
        k += 1
    return out


def read_text(data: bytes, file_name: str = "") -> Document:
    text, encoding = decode_text(data)
    text = text.lstrip("\ufeff")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    doc = Document(parse_lines(lines), [ln.rstrip("\r") for ln in lines], file_name, "txt")
    if encoding not in ("utf-8-sig",):
        doc.warnings.append(f"decoded as {encoding}")
    return doc
