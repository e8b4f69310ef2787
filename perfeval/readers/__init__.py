"""Readers: a file's bytes → a `Document` of blocks. The format is decided from content.

Each reader is registered for one format name; `sniff_format` looks at magic bytes (not the file
extension, which can lie) and `read_document` dispatches. Extractors never import from here.
"""
from __future__ import annotations

import importlib
import io
import zipfile
from typing import Callable

from perfeval.model import Document
from perfeval.readers.text import DecodeError, read_text

MAX_FILE_BYTES = 50 * 1024 * 1024

Reader = Callable[[bytes, str], Document]
# Readers of binary formats are imported on first use: pdfplumber and openpyxl are slow to load
# and a run over text files should not pay for them.
READERS: dict[str, Reader | str] = {
    "txt": read_text,
    "docx": "perfeval.readers.docx:read_docx",
    "pdf": "perfeval.readers.pdf:read_pdf",
    "xlsx": "perfeval.readers.xlsx:read_xlsx",
}


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
        raise ReadError("a zip archive that is neither a .docx nor a .xlsx document")
    if data[:5] == b"%PDF-":
        return "pdf"
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise ReadError("legacy or password-protected Office file (.doc/.xls or encrypted); "
                        "save it as .docx/.xlsx without a password")
    return "txt"


def read_document(data: bytes, file_name: str = "") -> Document:
    if not data or not data.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise ReadError("empty file")
    if len(data) > MAX_FILE_BYTES:
        raise ReadError(f"file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB")
    fmt = sniff_format(data)
    reader = _reader(fmt)
    if reader is None:
        raise ReadError(f"{fmt} files are not supported")
    try:
        doc = reader(data, file_name)
    except DecodeError as exc:
        raise ReadError(f"not a readable text file: {exc}") from exc
    doc.file_name = file_name
    doc.file_format = fmt
    if not doc.blocks:
        raise ReadError("the file contains no text")
    return doc

