"""Reader for Excel .xlsx workbooks (openpyxl).

Each worksheet that has any content gives a Paragraph with the sheet's title, then one Table of
the sheet's used range (the bounding box of its non-empty cells, so empty rows and columns
around the data are trimmed; empty rows and columns inside it are kept, as read).
- A merged range gives its value to its top-left cell and "" to the others, like merged cells
  in .docx tables.
- Formulas give their saved values (data_only): a workbook written by a program and never
  recalculated has no saved values, and those cells read as "" with a warning.
- Numbers are rendered without float noise (21.96, not 21.960000000000001; 12, not 12.0), in
  full precision rather than the displayed number of decimals, and without thousands
  separators; percent-formatted cells as "93.3%". Dates as YYYY-MM-DD.
"""
from __future__ import annotations

import datetime as dt
import io
import re
import warnings
import zipfile
from decimal import Decimal

import openpyxl

from perfeval.model import Document
from perfeval.readers import ReadError
from perfeval.readers.render import LineBuilder, clean_cell_text, guard_zip

_QUOTED = re.compile(r'"[^"]*"|\\.')
# A cell element of a sheet's XML, to find formulas saved without a value.
_CELL_XML = re.compile(rb"<(?:\w+:)?c\b[^>]*?(?:/>|>.*?</(?:\w+:)?c>)", re.S)
_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
_VALUE = re.compile(rb"<(?:\w+:)?v(?:\s[^>]*)?>[^<]")  # a non-empty saved value


def read_xlsx(data: bytes, file_name: str = "") -> Document:
    guard_zip(data, "xlsx")
    try:
        with warnings.catch_warnings():
            # openpyxl warns about features it drops (data validation, conditional formats…);
            # none of them matter for reading values.
            warnings.simplefilter("ignore")
            wb = openpyxl.load_workbook(io.BytesIO(data), read_only=False, data_only=True,
                                        keep_links=False)
    except Exception as exc:  # any failure to open the workbook means an unreadable file
        raise ReadError(f"cannot open the .xlsx file ({type(exc).__name__}: {exc})") from exc
    out = LineBuilder()
    for ws in wb.worksheets:
        rows = _sheet_rows(ws)
        if rows:
            out.paragraph(ws.title)
            out.table(rows)
    doc = out.document("xlsx", file_name)
    missing = _formulas_without_values(data)
    if missing:
        doc.warnings.append(f"{missing} formula cell(s) have no saved value (the workbook was "
                            "never recalculated) and read as empty; open and save it in Excel")
    return doc


def _sheet_rows(ws) -> list[list[str]]:
    texts: dict[tuple[int, int], str] = {}
    # ws._cells holds only the cells present in the file, so a sheet whose dimension claims a
    # million rows (formatting applied to whole columns) costs nothing extra.
    for (r, c), cell in ws._cells.items():
        if cell.value is None:
            continue
        text = clean_cell_text(render_value(cell.value, cell.number_format))
        if text:
            texts[(r, c)] = text
    if not texts:
        return []
    # Merged ranges: only the top-left cell keeps a value (openpyxl already empties the rest,
    # but a file may carry stale values there).
    for rng in ws.merged_cells.ranges:
        for r in range(rng.min_row, rng.max_row + 1):
            for c in range(rng.min_col, rng.max_col + 1):
                if (r, c) != (rng.min_row, rng.min_col):
                    texts.pop((r, c), None)
    rows_used = [r for r, _ in texts]
    cols_used = [c for _, c in texts]
    r0, r1, c0, c1 = min(rows_used), max(rows_used), min(cols_used), max(cols_used)
    return [[texts.get((r, c), "") for c in range(c0, c1 + 1)] for r in range(r0, r1 + 1)]


def _is_percent(number_format: str | None) -> bool:
    return bool(number_format) and "%" in _QUOTED.sub("", number_format)


def format_number(value: float | int) -> str:
    """A number as written by hand: no float noise, no exponent, no trailing .0."""
    if isinstance(value, int):
        return str(value)
    if value != value or value in (float("inf"), float("-inf")):
        return ""
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    # 15 significant digits is what Excel itself keeps; it drops the binary noise.
    text = format(Decimal(f"{value:.15g}"), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def render_value(value, number_format: str | None = None) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float)):
        if _is_percent(number_format):
            return format_number(value * 100) + "%"
        return format_number(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.strftime("%Y-%m-%d")
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, dt.time):
        return value.strftime("%H:%M:%S")
    if isinstance(value, dt.timedelta):
        return str(value)
    return str(value)


def _formulas_without_values(data: bytes) -> int:
    """Count formula cells saved without a value, scanning the sheets' XML."""
    count = 0
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            for name in zf.namelist():
                if not (name.startswith("xl/worksheets/") and name.endswith(".xml")):
                    continue
                xml = zf.read(name)
                if not _FORMULA.search(xml):
                    continue
                for m in _CELL_XML.finditer(xml):
                    cell = m.group(0)
                    if _FORMULA.search(cell) and not _VALUE.search(cell):
                        count += 1
    except (zipfile.BadZipFile, OSError, ValueError):
        return 0
    return count
