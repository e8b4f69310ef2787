"""Shared pieces of the .docx, .pdf and .xlsx readers: the line rendering and a zip-bomb guard.

The rendering imitates the plain-text exports of Word files that the .txt reader understands, so
a line number means the same thing whatever the source format:
- a paragraph is one line;
- a table cell is one line starting with a tab; a cell of several paragraphs puts its later
  paragraphs on the following lines without a tab; a blank line follows every row.
Each Paragraph/Cell carries the line range of its own text in that rendering.
"""
from __future__ import annotations

import io
import zipfile

from perfeval.ingest.model import Block, Cell, Document, Paragraph, Table

# Characters trimmed from each line of text: the set the .txt reader trims, plus tabs (a tab at
# the start of a rendered line would mean "table cell"; inside text it is only spacing).
_TRIM = " \t\r\n\u3000\xa0\ufeff"

MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_RATIO = 200        # uncompressed/compressed, checked for archives that unpack past ~20 MB
MAX_MEMBERS = 20000


def clean_lines(text: str) -> list[str]:
    """Split text into trimmed, non-empty lines; inner tabs become spaces."""
    if "\n" not in text and "\r" not in text and "\t" not in text and "\v" not in text:  # most cells
        line = text.strip(_TRIM)
        return [line] if line else []
    out = []
    for line in text.replace("\r\n", "\n").replace("\r", "\n").replace("\v", "\n").split("\n"):
        line = line.replace("\t", " ").strip(_TRIM)
        if line:
            out.append(line)
    return out


def clean_cell_text(text: str) -> str:
    """Cell text: its paragraphs (lines) trimmed and joined by "\\n"; blank-only gives ""."""
    return "\n".join(clean_lines(text))


class LineBuilder:
    """Collects blocks in order while writing their text rendering."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.blocks: list[Block] = []
        self.confidence: dict[int, float] = {}  # line → OCR confidence, for text read from images

    def _read_by_ocr(self, first: int, confidence: float | None) -> None:
        if confidence is not None:
            for n in range(first, len(self.lines) + 1):
                self.confidence[n] = confidence

    def paragraph(self, text: str, confidence: float | None = None) -> None:
        """Add one paragraph per non-empty line of `text` (the rendering has a line each)."""
        for line in clean_lines(text):
            self.lines.append(line)
            n = len(self.lines)
            self.blocks.append(Paragraph(line, n, n))
            self._read_by_ocr(n, confidence)

    def table(self, rows: list[list[str]], confidence: list[list[float | None]] | None = None) -> None:
        out_rows: list[list[Cell]] = []
        for r, row in enumerate(rows):
            if not row:
                continue
            cells = []
            for c, text in enumerate(row):
                parts = clean_lines(text)
                start = len(self.lines) + 1
                self.lines.append("\t" + (parts[0] if parts else ""))
                self.lines.extend(parts[1:])
                cells.append(Cell("\n".join(parts), start, len(self.lines)))
                if confidence is not None and parts:
                    self._read_by_ocr(start, confidence[r][c])
            self.lines.append("")  # a blank line ends the row
            out_rows.append(cells)
        if out_rows:
            self.blocks.append(Table(out_rows, out_rows[0][0].line_start,
                                     out_rows[-1][-1].line_end))

    def document(self, file_format: str, file_name: str = "") -> Document:
        lines = self.lines[:-1] if self.lines and self.lines[-1] == "" else self.lines
        return Document(self.blocks, list(lines), file_name, file_format, ocr_confidence=self.confidence)


def guard_zip(data: bytes, kind: str) -> None:
    """Refuse archives that would unpack to an unreasonable size before any parser opens them.

    zipfile never reads past a member's declared size (a lying size ends in a CRC error), so the
    declared sizes in the central directory bound what the parsers can be made to unpack.
    """
    from perfeval.ingest.readers import ReadError

    try:
        infos = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ReadError(f"corrupt .{kind} file (broken zip archive)") from exc
    if len(infos) > MAX_MEMBERS:
        raise ReadError(f"the .{kind} file holds {len(infos)} parts; refusing it as a likely "
                        "zip bomb")
    unpacked = sum(i.file_size for i in infos)
    packed = sum(i.compress_size for i in infos) or 1
    if unpacked > MAX_UNPACKED_BYTES or (unpacked > 20 * 1024 * 1024
                                         and unpacked / packed > MAX_RATIO):
        raise ReadError(f"the .{kind} file would unpack to {unpacked / 2**20:.0f} MB "
                        f"({unpacked / packed:.0f}x its packed size); refusing it as a likely "
                        "zip bomb")
