"""Readers: a file's bytes → a `Document` of blocks. The format is decided from content.

Each reader is registered for one format name; `sniff_format` looks at magic bytes (not the file
extension, which can lie) and `read_document` dispatches. Extractors never import from here.
"""
from __future__ import annotations

import importlib
import io
import zipfile
from typing import Callable

from perfeval.ingest.model import Document, Paragraph
from perfeval.ingest.normalize import ascii_digits
from perfeval.ingest.readers.text import DecodeError, read_text

MAX_FILE_BYTES = 50 * 1024 * 1024

Reader = Callable[[bytes, str], Document]
# Readers of binary formats are imported on first use: pdfplumber and openpyxl are slow to load
# and a run over text files should not pay for them.
READERS: dict[str, Reader | str] = {
    "txt": read_text,
    "docx": "perfeval.ingest.readers.docx:read_docx",
    "pdf": "perfeval.ingest.readers.pdf:read_pdf",
    "xlsx": "perfeval.ingest.readers.xlsx:read_xlsx",
    "doc": "perfeval.ingest.readers.office:read_office_binary",
    "xls": "perfeval.ingest.readers.office:read_office_binary",
    "rtf": "perfeval.ingest.readers.office:read_office_binary",
    "html": "perfeval.ingest.readers.html:read_html",
    "mht": "perfeval.ingest.readers.html:read_mht",
    "image": "perfeval.ingest.readers.ocr:read_image",
}
# The file name's suffix only names a format the content already proved: WPS writes the Word and
# Excel binary formats under its own suffixes.
_ALIAS_SUFFIXES = {("doc", ".wps"): "wps", ("xls", ".et"): "et", ("html", ".htm"): "html"}
# Every suffix a folder scan picks up (the content still decides the format).
SUPPORTED_SUFFIXES = {".txt", ".docx", ".pdf", ".xlsx", ".doc", ".xls", ".wps", ".et", ".html", ".htm",
                      ".mht", ".mhtml", ".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".rtf"}


class ReadError(ValueError):
    """A file that cannot be read; the message is shown to the user (English, CLI)."""


def register(fmt: str, reader: Reader) -> None:
    READERS[fmt] = reader


def _reader(fmt: str) -> Reader | None:
    reader = READERS.get(fmt)
    if isinstance(reader, str):
        module, name = reader.split(":")
        reader = READERS[fmt] = getattr(importlib.import_module(module), name)
    return reader


def sniff_format(data: bytes) -> str:
    if data[:4] == b"PK\x03\x04":
        try:
            names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
        except zipfile.BadZipFile as exc:
            raise ReadError("corrupt Office file (broken zip archive)") from exc
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            return "xlsx"
        raise ReadError("a zip archive that is neither a .docx nor a .xlsx document; an archive of "
                        "reports is read member by member by `ingest` and the upload page")
    if data[:5] == b"%PDF-":
        return "pdf"
    if data[:5] == b"{\\rtf":
        return "rtf"
    if data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<?xml"):
        from perfeval.ingest.readers.office import office_2003_xml
        kind = office_2003_xml(data)
        if kind:
            return kind  # Office 2003 XML: what was saved as .xls/.doc, read like the binary format
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        from perfeval.ingest.readers.office import ole_kind
        return ole_kind(data)
    if data[:8] == b"\x89PNG\r\n\x1a\n" or data[:3] == b"\xff\xd8\xff" or data[:4] in (b"II*\x00", b"MM\x00*") \
            or (data[:2] == b"BM" and int.from_bytes(data[2:6], "little") == len(data)):
        return "image"
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"mime-version:") or (b"multipart/related" in head and b"content-type:" in head):
        return "mht"
    # markup from the first byte on: a text export that mentions <p> is still text
    if head.startswith(b"<") and any(tag in head for tag in (b"<html", b"<body", b"<table", b"<div", b"<p>")):
        return "html"
    return "txt"


def prepare(datas: list[bytes]) -> None:
    """Let readers with a costly start-up handle several files in one go before they are read
    one by one (LibreOffice converts a window of .doc/.xls files in one run)."""
    from perfeval.ingest.readers.office import is_office
    if any(is_office(d) for d in datas):
        from perfeval.ingest.readers.office import prepare as prepare_office
        prepare_office(datas)


def _ascii_digits(doc: Document) -> None:
    """Blocks get their digits in ASCII once, here, for every format (the lines keep the original
    for snippets): extractors then never meet "２０２１年"."""
    for block in doc.blocks:
        if isinstance(block, Paragraph):
            block.text = ascii_digits(block.text)
        else:
            for row in block.rows:
                for cell in row:
                    cell.text = ascii_digits(cell.text)


def read_document(data: bytes, file_name: str = "") -> Document:
    if not data or not data.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise ReadError("empty file")
    if len(data) > MAX_FILE_BYTES:
        raise ReadError(f"file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB")
    fmt = sniff_format(data)
    suffix = "." + file_name.rsplit(".", 1)[-1].lower() if "." in file_name else ""
    reader = _reader(fmt)
    if reader is None:
        raise ReadError(f"{fmt} files are not supported")
    try:
        doc = reader(data, file_name)
    except DecodeError as exc:
        raise ReadError(f"not a readable text file: {exc}") from exc
    doc.file_name = file_name
    doc.file_format = _ALIAS_SUFFIXES.get((fmt, suffix), fmt)
    _ascii_digits(doc)
    if not doc.blocks:
        raise ReadError("the file contains no text")
    return doc

