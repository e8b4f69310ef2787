"""Reader for Excel .xlsx workbooks (the sheets' XML read directly, as openpyxl reads it; openpyxl
itself for workbooks out of the ordinary).

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
import posixpath
import re
import warnings
import xml.etree.ElementTree as ET
import zipfile
from decimal import Decimal

import openpyxl
from openpyxl.styles.numbers import BUILTIN_FORMATS, BUILTIN_FORMATS_MAX_SIZE, is_date_format, is_timedelta_format
from openpyxl.utils.cell import coordinate_to_tuple, range_boundaries
from openpyxl.utils.datetime import WINDOWS_EPOCH, from_excel, from_ISO8601
from openpyxl.workbook.child import INVALID_TITLE_REGEX
from openpyxl.xml.constants import SHARED_STRINGS, XLSM, XLSX, XLTM, XLTX

from perfeval.ingest.model import Document
from perfeval.ingest.readers import ReadError
from perfeval.ingest.readers.render import LineBuilder, clean_cell_text, guard_zip

_QUOTED = re.compile(r'"[^"]*"|\\.')
# A cell element of a sheet's XML, to find formulas saved without a value.
_CELL_XML = re.compile(rb"<(?:\w+:)?c\b[^>]*?(?:/>|>.*?</(?:\w+:)?c>)", re.S)
_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
_VALUE = re.compile(rb"<(?:\w+:)?v(?:\s[^>]*)?>[^<]")  # a non-empty saved value


def read_xlsx(data: bytes, file_name: str = "") -> Document:
    guard_zip(data, "xlsx")
    try:
        sheets, missing = _read_sheets_directly(data)
    except Exception:  # anything unusual (or broken) is left to openpyxl, which decides
        sheets, missing = _read_sheets_with_openpyxl(data), _formulas_without_values(data)
    out = LineBuilder()
    for title, rows in sheets:
        if rows:
            out.paragraph(title)
            for kind, part in sheet_blocks(rows):
                if kind == "paragraphs":
                    for row in part:
                        out.paragraph(next(c for c in row if c))
                else:
                    out.table(part)
    doc = out.document("xlsx", file_name)
    if missing:
        doc.warnings.append(f"{missing} formula cell(s) have no saved value (the workbook was "
                            "never recalculated) and read as empty; open and save it in Excel")
    return doc


def _sentence(text: str) -> bool:
    return len(text) >= 30 or text.rstrip().endswith(("。", "；", ";"))


def sheet_blocks(rows: list[list[str]]) -> list[tuple[str, list[list[str]]]]:
    """A sheet's rows as tables and paragraphs: a run of rows with one filled cell each, among them
    a sentence, is text written down the sheet (a report pasted into Excel, the problems typed
    under a form), not rows of a table. Shorter one-cell rows (a title, "单位：万元", a section
    row of a list) stay with the table they belong to."""
    out: list[tuple[str, list[list[str]]]] = []
    table: list[list[str]] = []
    run: list[list[str]] = []

    def close_run():
        if any(_sentence(next((c for c in row if c), "")) for row in run):
            if table:
                out.append(("table", table[:]))
                table.clear()
            out.append(("paragraphs", [row for row in run if any(row)]))
        else:
            table.extend(run)
        run.clear()
    for row in rows:
        if sum(1 for c in row if c) <= 1:
            run.append(row)
        else:
            close_run()
            table.append(row)
    close_run()
    if table:
        out.append(("table", table))
    return out


def _read_sheets_with_openpyxl(data: bytes) -> list[tuple[str, list[list[str]]]]:
    try:
        with warnings.catch_warnings():
            # openpyxl warns about features it drops (data validation, conditional formats…);
            # none of them matter for reading values.
            warnings.simplefilter("ignore")
            wb = openpyxl.load_workbook(io.BytesIO(data), read_only=False, data_only=True,
                                        keep_links=False)
    except Exception as exc:  # any failure to open the workbook means an unreadable file
        raise ReadError(f"cannot open the .xlsx file ({type(exc).__name__}: {exc})") from exc
    out = []
    for ws in wb.worksheets:
        # ws._cells holds only the cells present in the file, so a sheet whose dimension claims a
        # million rows (formatting applied to whole columns) costs nothing extra.
        cells = (((r, c), (cell.value, cell.number_format)) for (r, c), cell in ws._cells.items()
                 if cell.value is not None)
        merged = [(rng.min_row, rng.min_col, rng.max_row, rng.max_col) for rng in ws.merged_cells.ranges]
        out.append((ws.title, _sheet_rows(cells, merged)))
    return out


def _sheet_rows(cells, merged: list[tuple[int, int, int, int]]) -> list[list[str]]:
    """The used range of a sheet from ((row, column), (value, number format)) pairs and its merged
    ranges (min_row, min_col, max_row, max_col)."""
    texts: dict[tuple[int, int], str] = {}
    for (r, c), (value, number_format) in cells:
        if value is None:
            continue
        text = clean_cell_text(render_value(value, number_format))
        if text:
            texts[(r, c)] = text
    if not texts:
        return []
    # Merged ranges: only the top-left cell keeps a value (openpyxl already empties the rest,
    # but a file may carry stale values there).
    for min_row, min_col, max_row, max_col in merged:
        for r in range(min_row, max_row + 1):
            for c in range(min_col, max_col + 1):
                if (r, c) != (min_row, min_col):
                    texts.pop((r, c), None)
    rows_used = [r for r, _ in texts]
    cols_used = [c for _, c in texts]
    r0, r1, c0, c1 = min(rows_used), max(rows_used), min(cols_used), max(cols_used)
    return [[texts.get((r, c), "") for c in range(c0, c1 + 1)] for r in range(r0, r1 + 1)]


# The direct reader: the sheets' XML read from the package with the rules openpyxl applies when it
# loads a workbook with data_only=True (its own helpers convert numbers, dates and references),
# without building its workbook, style and cell objects (~3 ms of ~4 ms per small workbook).
# Anything it does not handle the way openpyxl would raise _Unusual and openpyxl reads the file.
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_PACKAGE_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_CONTENT_OVERRIDE = "{http://schemas.openxmlformats.org/package/2006/content-types}Override"
_ROW_TAG, _VALUE_TAG, _INLINE_TAG, _FORMULA_TAG = _MAIN + "row", _MAIN + "v", _MAIN + "is", _MAIN + "f"


class _Unusual(Exception):
    """A workbook the direct reader leaves to openpyxl."""


def _xml(package: zipfile.ZipFile, name: str) -> ET.Element:
    data = package.read(name)
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise _Unusual("a document type declaration")  # openpyxl's parsers decide about entities
    return ET.fromstring(data)


def _read_sheets_directly(data: bytes) -> tuple[list[tuple[str, list[list[str]]]], int]:
    """The sheets (title, rows) and the number of formula cells saved without a value."""
    missing = _Count()
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        names = set(package.namelist())
        overrides = [(o.get("PartName"), o.get("ContentType"))
                     for o in _xml(package, "[Content_Types].xml").iter(_CONTENT_OVERRIDE)]
        # openpyxl takes the first part of the first of these content types
        workbook_part = next((part for kind in (XLTM, XLTX, XLSM, XLSX) for part, ct in overrides if ct == kind), None)
        if workbook_part != "/xl/workbook.xml":
            raise _Unusual("workbook part")
        workbook = _xml(package, "xl/workbook.xml")
        properties = workbook.find(_MAIN + "workbookPr")
        if properties is not None and properties.get("date1904") not in (None, "0", "false"):
            raise _Unusual("1904 dates")
        rels = {r.get("Id"): r for r in _xml(package, "xl/_rels/workbook.xml.rels").iter(_PACKAGE_REL)}
        strings_part = next((part for part, ct in overrides if ct == SHARED_STRINGS), None)
        strings = _shared_strings(_xml(package, strings_part[1:])) if strings_part else []
        styles = _cell_styles(_xml(package, "xl/styles.xml"))
        out, titles = [], set()
        sheets = workbook.find(_MAIN + "sheets")
        for sheet in (sheets if sheets is not None else ()):
            title, rel = sheet.get("name"), rels[sheet.get(_REL_ID)]
            if not title or INVALID_TITLE_REGEX.search(title) or title.lower() in titles:
                raise _Unusual("sheet title openpyxl would refuse or rename")
            titles.add(title.lower())
            target = rel.get("Target")
            if rel.get("TargetMode") == "External" or "chartsheet" in rel.get("Type", ""):
                raise _Unusual("not a worksheet")
            path = target[1:] if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
            if path not in names:
                raise _Unusual("missing worksheet part")
            out.append((title, _read_sheet(_xml(package, path), strings, styles, missing)))
    return out, missing.n


class _Count:
    n = 0


def _text_content(node: ET.Element) -> str:
    """openpyxl's Text.content: the last direct <t>, then every run's <t>; phonetic runs left out."""
    plain, runs = None, []
    for child in node:
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "t":
            plain = child.text
        elif tag == "r":
            run_text = None
            for part in child:
                if part.tag.rsplit("}", 1)[-1] == "t":
                    run_text = part.text
            if run_text is not None:
                runs.append(run_text)
    return "".join(([plain] if plain is not None else []) + runs)


def _shared_strings(root: ET.Element) -> list[str]:
    return [_text_content(si).replace("x005F_", "") for si in root.iter(_MAIN + "si")]


def _cell_styles(root: ET.Element) -> list[tuple[str, bool, bool]]:
    """Per cell style index: (number format, is a date format, is a duration format)."""
    custom = {int(f.get("numFmtId")): f.get("formatCode")
              for f in root.iterfind(f"{_MAIN}numFmts/{_MAIN}numFmt")}
    xfs = root.find(_MAIN + "cellXfs")
    if xfs is None or not len(xfs):
        raise _Unusual("no cell styles")  # openpyxl falls back to its default styles
    out = []
    for xf in xfs:
        if xf.tag != _MAIN + "xf":
            raise _Unusual("cell style list")
        format_id = int(xf.get("numFmtId", 0))
        if format_id in custom:
            code = number_format = custom[format_id]
        elif format_id < BUILTIN_FORMATS_MAX_SIZE:
            code, number_format = BUILTIN_FORMATS.get(format_id), BUILTIN_FORMATS.get(format_id, "General")
        else:
            raise _Unusual("undefined number format")
        out.append((number_format, is_date_format(code), is_timedelta_format(code)))
    return out


def _read_sheet(root: ET.Element, strings: list[str], styles: list[tuple[str, bool, bool]],
                missing_values: _Count) -> list[list[str]]:
    cells: dict[tuple[int, int], tuple] = {}
    row_number = 0
    for row in root.iter(_ROW_TAG):
        r = row.get("r")
        if r is None:
            row_number += 1
        else:
            try:
                row_number = int(r)
            except ValueError:
                if not float(r).is_integer():
                    raise
                row_number = int(float(r))
        column_number = 0
        for cell in row:
            data_type = cell.get("t", "n")
            coordinate = cell.get("r")
            style = styles[int(cell.get("s") or 0)]
            value = None if data_type == "inlineStr" else (cell.findtext(_VALUE_TAG) or None)
            if coordinate:
                position = coordinate_to_tuple(coordinate)
                column_number = position[1]
            else:
                column_number += 1
                position = (row_number, column_number)
            if value is not None:
                if data_type == "n":
                    value = float(value) if ("." in value or "E" in value or "e" in value) else int(value)
                    if style[1]:
                        try:
                            value = from_excel(value, WINDOWS_EPOCH, timedelta=style[2])
                        except (OverflowError, ValueError):
                            value = "#VALUE!"
                elif data_type == "s":
                    value = strings[int(value)]
                elif data_type == "b":
                    value = bool(int(value))
                elif data_type == "d":
                    value = from_ISO8601(value)
            elif data_type == "inlineStr":
                inline = cell.find(_INLINE_TAG)
                if inline is not None:
                    value = _text_content(inline)
            elif cell.find(_FORMULA_TAG) is not None:
                missing_values.n += 1  # a formula never calculated: no saved value
            cells[position] = (value, style[0])
    merged: list[tuple[int, int, int, int]] = []
    for merge_cells in root.iter(_MAIN + "mergeCells"):
        merged = []  # openpyxl keeps the last list
        for merge in merge_cells:
            if merge.tag.rsplit("}", 1)[-1] != "mergeCell":
                continue
            min_col, min_row, max_col, max_row = range_boundaries(merge.get("ref"))
            if None in (min_col, min_row, max_col, max_row) or min_col > max_col or min_row > max_row:
                raise _Unusual("merged range")
            merged.append((min_row, min_col, max_row, max_col))
    return _sheet_rows(cells.items(), merged)


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
    """Count formula cells saved without a value, scanning the sheets' XML (for the workbooks
    openpyxl reads; the direct reader counts them as it reads)."""
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
