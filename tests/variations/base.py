"""Base documents: the block lists the fixture generators build, captured with their truth.

make_holdout6.py and make_holdout7.py describe every document as blocks (H title, P paragraph,
T table grid, "<" merged left, "^" merged up) and hand them to holdout_kit's renderers. We import
each generator, swap its renderers for recorders and its output folder for a temporary one, run
its document makers and keep, per document, the blocks of its one render call together with the
truth entry it passed to ``add_doc``. Nothing is written under tests/fixtures.

Documents that render more than once (a .zip of several members) or not through the block model
(text written by hand) are left out. A block is kept as a plain tuple: ("title", text),
("p", text) or ("table", rows, widths, font, repeat) with rows a list of lists of str.
"""
from __future__ import annotations

import contextlib
import copy
import importlib
import io
import pathlib
import sys
import tempfile
from dataclasses import dataclass, field

FIXTURES = pathlib.Path(__file__).resolve().parents[1] / "fixtures"
GENERATORS = ("make_holdout6", "make_holdout7")

# the format a captured render call stands for (scans and photos: their text PDF, no OCR)
NATIVE = {"render_docx": "docx", "via_office_doc": "docx", "render_xlsx": "xlsx", "via_office_xls": "xlsx",
          "render_pdf": "pdf", "scan_pdf": "pdf", "photo": "pdf", "portal_html": "html"}


@dataclass
class BaseDoc:
    name: str                      # the fixture file name it was captured from
    native: str                    # docx | xlsx | pdf | html: the format of its original rendering
    sheets: list[tuple[str, list]]  # (sheet name, blocks); one sheet unless it was a workbook
    truth: dict = field(default_factory=dict)
    numeric_xlsx: bool = False     # workbook cells stored as numbers (as the generator did)

    @property
    def blocks(self) -> list:
        """All blocks in order (a workbook's sheets one after the other)."""
        return [b for _, bs in self.sheets for b in bs]

    def with_blocks(self, blocks: list) -> BaseDoc:
        """A copy holding ``blocks`` (one sheet, named as the first)."""
        return BaseDoc(self.name, self.native, [(self.sheets[0][0], blocks)], self.truth, self.numeric_xlsx)


def _norm_block(b) -> tuple:
    if b[0] == "table":
        rows = [[str(c) for c in r] for r in b[1]]
        return ("table", rows, b[2], b[3], b[4] if len(b) > 4 else 0)
    return (b[0], str(b[1]))


def _capture_module(modname: str, out: pathlib.Path) -> list[BaseDoc]:
    if str(FIXTURES) not in sys.path:
        sys.path.insert(0, str(FIXTURES))
    mod = importlib.import_module(modname)
    calls: list[tuple[str, list, bool]] = []

    def rec(kind):
        def f(arg, *a, **kw):
            if kind in ("render_xlsx", "via_office_xls"):
                sheets = [(n, [_norm_block(b) for b in bs]) for n, bs in arg]
            else:
                sheets = [("Sheet1", [_norm_block(b) for b in arg])]
            calls.append((kind, sheets, bool(kw.get("numeric"))))
            return ""
        return f

    def via_office(arg, path, kind, numeric=False, **kw):
        rec("via_office_xls" if kind == "xls" else "via_office_doc")(arg, numeric=numeric)

    def portal_html(site, crumbs, title, meta, blocks, charset):
        rec("portal_html")(blocks)
        return ""

    truths: list[dict] = []

    def add_doc(name, evals, note=None):
        truths.append({"file": name, "evaluations": evals, "calls": list(calls)})
        calls.clear()

    patched = {"render_docx": rec("render_docx"), "render_xlsx": rec("render_xlsx"), "render_pdf": rec("render_pdf"),
               "scan_pdf": rec("scan_pdf"), "photo": rec("photo"), "via_office": via_office,
               "portal_html": portal_html, "add_doc": add_doc, "OUT": out}
    saved = {k: getattr(mod, k) for k in patched if hasattr(mod, k)}
    makers = sorted((n for n in dir(mod) if n.startswith("doc") and n[3:].isdigit()), key=lambda n: int(n[3:]))
    docs: list[BaseDoc] = []
    try:
        for k, v in patched.items():
            setattr(mod, k, v)
        for n in makers:
            calls.clear()
            with contextlib.redirect_stdout(io.StringIO()):
                try:
                    getattr(mod, n)()
                except Exception:  # a maker that needs what we stubbed out (zip of files): skip it
                    continue
    finally:
        for k, v in saved.items():
            setattr(mod, k, v)
    for t in truths:
        if len(t["calls"]) != 1:
            continue
        kind, sheets, numeric = t["calls"][0]
        docs.append(BaseDoc(t["file"], NATIVE[kind], sheets, {"evaluations": t["evaluations"]}, numeric))
    return docs


_CACHE: list[BaseDoc] | None = None


def captured_docs() -> list[BaseDoc]:
    """Every block-model document of the generators, in generator and maker order (deep copies)."""
    global _CACHE
    if _CACHE is None:
        docs: list[BaseDoc] = []
        with tempfile.TemporaryDirectory(prefix="pe-variants-") as tmp:
            for i, modname in enumerate(GENERATORS):
                out = pathlib.Path(tmp) / str(i)
                out.mkdir()
                docs += _capture_module(modname, out)
        _CACHE = docs
    return copy.deepcopy(_CACHE)
