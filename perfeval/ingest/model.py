"""The format-neutral document model shared by readers and extractors.

A reader turns a file into a `Document`: an ordered list of blocks (paragraphs and tables), each
carrying the 1-based line range it occupies in the document's text rendering (`Document.lines`).
For a .txt file those are the file's own lines; other readers render their content to lines the
same way (one paragraph or one table cell per line), so every value can be traced to lines.
Extractors only ever see this model, never a file format.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from perfeval.ingest.normalize import halfwidth


@dataclass
class Cell:
    text: str
    line_start: int
    line_end: int

    # Computed once per text of a cell (extractors look at a cell many times); kept with the text
    # it was computed from, so a reader that changes `text` gets them anew. (functools'
    # cached_property takes a lock per access on this Python: it cost more than it saved.)
    @property
    def compact(self) -> str:
        """Text without any white space, for matching labels split across lines ("年初预\\n算数")."""
        return self._views()[1]

    @property
    def plain(self) -> str:
        """`compact` with full-width digits and punctuation half-width (（）→(), ０→0): what labels
        and headers are matched against; `text` keeps the original for what is shown."""
        return self._views()[2]

    def _views(self) -> tuple[str, str, str]:
        views = self.__dict__.get("_cached")
        if views is None or views[0] is not self.text:
            compact = "".join(self.text.split())
            views = self.__dict__["_cached"] = (self.text, compact, halfwidth(compact))
        return views


@dataclass
class Paragraph:
    text: str
    line_start: int
    line_end: int


@dataclass
class Table:
    rows: list[list[Cell]]
    line_start: int
    line_end: int

    def banner(self, most: int = 6) -> list[Paragraph]:
        """The rows at the top with text in one cell only: a title or a note merged across the
        table ("某市2020年度…结果信息表", "单位：万元"), as spreadsheets and forms put them."""
        out = []
        for row in self.rows[:most]:
            filled = [c for c in row if c.text.strip()]
            if len(filled) != 1:
                break
            out.append(Paragraph(filled[0].text, filled[0].line_start, filled[0].line_end))
        return out


Block = Paragraph | Table


@dataclass
class Document:
    blocks: list[Block]
    lines: list[str]
    file_name: str = ""
    file_format: str = "txt"
    warnings: list[str] = field(default_factory=list)
    # line → confidence (0–1) of the text recognition, for lines read from a scan or photo by OCR
    ocr_confidence: dict[int, float] = field(default_factory=dict)

    def confidence(self, line_start: int, line_end: int) -> float | None:
        """The lowest OCR confidence of a line range; None when no line of it came from OCR."""
        if not self.ocr_confidence:
            return None
        found = [self.ocr_confidence[n] for n in range(line_start, line_end + 1) if n in self.ocr_confidence]
        return min(found) if found else None

    def snippet(self, line_start: int, line_end: int, limit: int = 300) -> str:
        """The source text of a line range, folded to one line, for `field_sources`."""
        if line_start == line_end and 0 < line_start <= len(self.lines):  # most readings: one line
            return self.lines[line_start - 1].strip()[:limit]
        parts, length = [], -1
        # Stop at `limit` characters: a range can span a whole sheet or report.
        for line in self.lines[line_start - 1:line_end]:
            stripped = line.strip()
            if stripped:
                parts.append(stripped)
                length += len(stripped) + 1
                if length >= limit:
                    break
        return " ".join(parts)[:limit]
