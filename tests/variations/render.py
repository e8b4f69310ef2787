"""Blocks → file bytes in each format perfeval reads, with holdout_kit's renderers where it has one.

docx, xlsx and pdf go through holdout_kit (the renderers the fixtures were made with) into a
temporary file; html and txt are written here: a plain UTF-8 page with the kit's table markup, and
text with one line per paragraph and a table row per line, cells separated by tabs (merged-away
cells left empty), as text exports of forms look.
"""
from __future__ import annotations

import html as html_lib
import pathlib
import sys
import tempfile

from tests.variations.base import FIXTURES, BaseDoc

if str(FIXTURES) not in sys.path:
    sys.path.insert(0, str(FIXTURES))
import holdout_kit as kit  # noqa: E402  (a sibling module of the generators, found on their folder)

FORMATS = ("docx", "xlsx", "pdf", "html", "txt")


def _escaped(blocks: list) -> list:
    out = []
    for b in blocks:
        if b[0] == "table":
            rows = [[c if c in ("<", "^") else html_lib.escape(c, quote=False) for c in r] for r in b[1]]
            out.append(("table", rows, *b[2:]))
        else:
            out.append((b[0], html_lib.escape(b[1], quote=False)))
    return out


def to_html(blocks: list) -> str:
    body = []
    title = next((b[1] for b in blocks if b[0] == "title"), "绩效评价")
    for b in _escaped(blocks):
        if b[0] == "title":
            body.append(f'<h2 style="text-align:center">{b[1]}</h2>')
        elif b[0] == "p":
            body.append(f"<p>{b[1]}</p>")
        else:
            body.append(kit.html_table(b[1]))
    return ("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"/>"
            f"<title>{html_lib.escape(title)}</title></head>\n<body>\n" + "\n".join(body) + "\n</body></html>\n")


def to_txt(blocks: list) -> str:
    lines = []
    for b in blocks:
        if b[0] == "table":
            for r in b[1]:
                lines.append("\t".join("" if c in ("<", "^") else c.replace("\n", " ") for c in r).rstrip("\t"))
            lines.append("")
        else:
            lines.append(b[1])
    return "\n".join(lines) + "\n"


def render(doc: BaseDoc, fmt: str) -> tuple[bytes, str]:
    """The document in ``fmt``; returns (bytes, file name with the format's suffix)."""
    stem = doc.name.rsplit(".", 1)[0]
    file_name = f"{stem}.{fmt}"
    if fmt == "html":
        return to_html(doc.blocks).encode("utf-8"), file_name
    if fmt == "txt":
        return to_txt(doc.blocks).encode("utf-8"), file_name
    with tempfile.TemporaryDirectory(prefix="pe-variant-") as tmp:
        path = pathlib.Path(tmp) / file_name
        if fmt == "docx":
            kit.render_docx(doc.blocks, path)
        elif fmt == "xlsx":
            kit.render_xlsx(doc.sheets, path, numeric=doc.numeric_xlsx)
        elif fmt == "pdf":
            kit.render_pdf(doc.blocks, path)
        else:
            raise ValueError(f"unknown format {fmt}")
        return path.read_bytes(), file_name
