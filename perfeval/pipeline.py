"""Ingest pipeline: file → document → candidates → evaluations → one transaction in DuckDB.

Parsing happens before the database is touched, so a file that fails (unreadable, no evaluation,
an extractor error) never changes it. Parsed documents are written in batches (`BatchWriter`), one
transaction per batch; a batch that fails is retried document by document, so the write of each
document stays all-or-nothing and independent of the others.
"""
from __future__ import annotations

import atexit
import gc
import hashlib
import os
import pathlib
import re
import time
from dataclasses import dataclass
from typing import Any, Callable

from perfeval.classify.taxonomy import classify, load_taxonomy
from perfeval.ingest.assemble import assemble
from perfeval.ingest.context import document_context
from perfeval.ingest.extractors import extract
from perfeval.ingest.model import Document
from perfeval.ingest.readers import MAX_FILE_BYTES, SUPPORTED_SUFFIXES, ReadError, prepare, read_document
from perfeval.ingest.readers.archive import is_zip_archive, read_members
from perfeval.ingest.records import FIELD_LABELS, Check, Evaluation
from perfeval.store import writer as store

# A folder scan also takes archives: each supported member is a document of its own.
SCANNED_SUFFIXES = SUPPORTED_SUFFIXES | {".zip"}
# Files read ahead of parsing, so that readers with a costly start-up (LibreOffice) convert them
# in one run rather than one run each.
READ_AHEAD = 24


class IngestError(ValueError):
    """A file that cannot be loaded; the message says why (English, for the CLI)."""


@dataclass
class Parsed:
    file_name: str
    sha256: str
    size_bytes: int
    document: Document
    evaluations: list[Evaluation]
    genres: list[str]

    @property
    def doc_id(self) -> str:
        return self.sha256[:16]

    def counts(self) -> dict[str, int]:
        c = {"evaluations": len(self.evaluations), "indicators": 0, "findings": 0, "checks": 0}
        for ev in self.evaluations:
            c["indicators"] += len(ev.candidate.indicators)
            c["findings"] += len(ev.candidate.findings)
            c["checks"] += len(ev.checks)
        return c


_TITLE_WORDS = re.compile(r"报告|自评表|评价表|信息表|情况表|汇总表|结果|绩效|评价")


def document_title(lines: list[str], look_at: int = 15) -> str | None:
    """The document's own title, shown beside its file name: the first of its first non-empty
    lines that reads like one (names a report, form or evaluation; short; not a sentence)."""
    seen = 0
    for line in lines:
        text = re.sub(r"\s+", " ", line).strip(" \t\u3000")
        if not text:
            continue
        seen += 1
        if seen > look_at:
            break
        if 6 <= len(text) <= 60 and _TITLE_WORDS.search(text) and not text.endswith(("。", "；", "：", ":")):
            return text
    return None


def parse_bytes(data: bytes, file_name: str) -> Parsed:
    sha = hashlib.sha256(data).hexdigest()
    try:
        doc = read_document(data, file_name)
    except ReadError as exc:
        raise IngestError(str(exc)) from exc
    ctx = document_context(doc)
    candidates, genres = extract(doc, ctx.money_unit)
    evaluations = assemble(candidates, ctx, sha)
    if not evaluations:
        raise IngestError("no recognisable evaluation (no project or department evaluation with a "
                          "score, budget, spending or indicator table was found)")
    if doc.ocr_confidence:
        _check_ocr_readings(doc, evaluations)
    for ev in evaluations:
        for finding in ev.candidate.findings:
            if finding.kind == "problem" and finding.category is None:
                result = classify(finding.text)
                finding.category = result.category
                finding.categories_secondary = result.secondary
                finding.matched_terms = result.matched
                finding.match_score = result.score
    return Parsed(file_name, sha, len(data), doc, evaluations, genres)


def _check_ocr_readings(doc: Document, evaluations: list[Evaluation]) -> None:
    """A value read by OCR with low confidence is stored with a check naming it, so a manager
    compares it with the scan before trusting it."""
    from perfeval.ingest.readers.ocr import LOW_CONFIDENCE

    for ev in evaluations:
        low = []
        for name in store.EVAL_COLUMNS:
            reading = ev.candidate.best(name)
            if reading is None or name in store.DERIVED_FIELDS:
                continue
            conf = doc.confidence(reading.line_start, reading.line_end)
            if conf is not None and conf < LOW_CONFIDENCE:
                low.append(f"{FIELD_LABELS.get(name, name)}（第 {reading.line_start} 行，置信度 {conf:.2f}）")
        if low:
            ev.checks.append(Check("ocr_low_confidence", "warning",
                                   "以下数值由扫描件文字识别（OCR）读出，识别置信度偏低，请与原件核对：" + "；".join(low)))


def read_file(path: str | os.PathLike) -> bytes:
    p = pathlib.Path(path)
    try:
        size = p.stat().st_size
        if size > MAX_FILE_BYTES and p.suffix.lower() != ".zip":  # refuse before reading a huge file
            raise IngestError(f"file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB")
        if size > 4 * 1024 ** 3:
            raise IngestError("archive is larger than 4 GB")
        return p.read_bytes()
    except OSError as exc:
        raise IngestError(f"cannot read file: {exc.strerror or exc}") from exc


def parse_file(path: str | os.PathLike) -> Parsed:
    return parse_bytes(read_file(path), pathlib.Path(path).name)


@dataclass
class Source:
    """One document to parse: a file, or a member of an archive (named by its path inside)."""
    path: pathlib.Path         # the file it came from
    label: str                 # what the CLI prints: the path, or "archive.zip:member/path"
    name: str                  # the document's file name
    data: bytes | None = None
    error: IngestError | None = None


def iter_sources(paths: list[pathlib.Path]):
    """The documents of the given files, an archive giving one Source per member."""
    for path in paths:
        try:
            data = read_file(path)
        except IngestError as exc:
            yield Source(path, str(path), path.name, error=exc)
            continue
        if not is_zip_archive(data):
            yield Source(path, str(path), path.name, data)
            continue
        members = read_members(data)
        if not members:
            yield Source(path, str(path), path.name, error=IngestError("the archive holds no report files"))
        for m in members:
            label = f"{path}:{m.name}" if m.name else str(path)
            yield Source(path, label, m.name or path.name, m.data,
                         IngestError(m.error) if m.error else None)


def iter_parsed(sources):
    """(source, Parsed or IngestError) for each source, in order. Sources are read `READ_AHEAD`
    at a time so that the readers can prepare them together (one LibreOffice run per window)."""
    it = iter(sources)
    while True:
        window = [s for _, s in zip(range(READ_AHEAD), it)]
        if not window:
            return
        prepare([s.data for s in window if s.data is not None])
        for src in window:
            if src.error is not None:
                yield src, src.error
                continue
            try:
                yield src, parse_bytes(src.data, src.name)
            except IngestError as exc:
                yield src, exc
            except Exception as exc:  # an extractor bug must not stop the other files
                yield src, IngestError(f"unexpected failure while reading ({type(exc).__name__}: {exc})")


def save(con, parsed: Parsed, actor=None) -> bool:
    """Write a parsed document in its own transaction; False when the same content is already loaded.
    ``actor``: who loads it (perfeval.store.roles.Principal; default the OS user of a CLI run)."""
    return save_batch(con, [parsed], actor)[0]


def save_batch(con, batch: list[Parsed], actor=None) -> list[bool]:
    """Write the documents of `batch` in one transaction (all or nothing). Per document True when
    it was written, False when the same content is already loaded or comes earlier in the batch."""
    shas = [p.sha256 for p in batch]
    known = {sha for (sha,) in con.execute(
        "SELECT sha256 FROM documents WHERE sha256 IN (SELECT unnest(?))", [shas]).fetchall()}
    fresh, written = [], []
    for p in batch:
        written.append(p.sha256 not in known)
        if written[-1]:
            known.add(p.sha256)
            fresh.append(store.NewDocument(
                doc_id=p.doc_id, file_name=p.file_name, sha256=p.sha256, file_format=p.document.file_format,
                size_bytes=p.size_bytes, line_count=len(p.document.lines), genres=p.genres,
                evaluations=p.evaluations, snippet=p.document.snippet, confidence=p.document.confidence,
                title=document_title(p.document.lines)))
    if fresh:
        store.save_documents(con, fresh, actor)
    return written


# What became of a document: True loaded, False skipped (already loaded), an exception: not written.
Outcome = bool | Exception

# A batch closes at this many documents or after this much work (seconds of parsing since the
# last write), whichever comes first. The time bound keeps the per-file output and the
# dashboard's view current, and half a second keeps a batch's fixed cost (the transaction and the
# rollup pass, ~70 ms however small the batch) a small share of the work. The count only caps
# batches of tiny documents (memory, and the document-by-document retry of a failed batch): at 50,
# a bulk ingest of small workbooks (~2.5 ms each to parse) spent 40% of its time on batch costs.
BATCH_MAX_DOCS = 200
BATCH_MAX_SECONDS = 0.5


class BatchWriter:
    """Stores parsed documents in batches, one transaction per batch, through a WriteSession.

    A transaction and a rollup pass cost more than writing a small document's rows, so documents
    are collected until `max_docs` of them or `max_seconds` of work since the last write. If a
    batch's transaction fails it is rolled back and its documents are written one
    by one, each in its own transaction: a failing document never touches the database and the
    others still load. `report(key, parsed, outcome)` is called per document, in the order they
    were added, once its transaction committed or failed; documents that failed before (`failed`)
    are reported in their place with parsed None."""

    def __init__(self, session: store.WriteSession, report: Callable[[Any, Parsed | None, Outcome], None],
                 max_docs: int = BATCH_MAX_DOCS, max_seconds: float = BATCH_MAX_SECONDS) -> None:
        self.session, self.report = session, report
        self.max_docs, self.max_seconds = max_docs, max_seconds
        self._pending: list[tuple[Any, Parsed | Exception]] = []
        self._since = time.monotonic()

    def add(self, key: Any, parsed: Parsed) -> None:
        self._queue(key, parsed)

    def failed(self, key: Any, error: Exception) -> None:
        """A document that failed before it could be written (reading, parsing)."""
        self._queue(key, error)

    def _queue(self, key: Any, item: Parsed | Exception) -> None:
        self._pending.append((key, item))
        if len(self._pending) >= self.max_docs or time.monotonic() - self._since >= self.max_seconds:
            self.flush()
        else:
            self.session.release_if_due()  # let waiting readers in while the batch fills

    def flush(self) -> None:
        items, self._pending = self._pending, []
        batch = [p for _, p in items if isinstance(p, Parsed)]
        outcomes: list[Outcome] = []
        if batch:
            try:
                con = self.session.connection()
            except Exception as exc:
                # the database cannot be opened (after the lock wait): retrying document by
                # document would wait that long again for each; the next batch tries again
                outcomes = [exc] * len(batch)
            else:
                try:
                    outcomes = list(save_batch(con, batch))
                except Exception:
                    self.session.close()  # the transaction was rolled back; retry on a fresh connection
                    outcomes = [self._save_alone(p) for p in batch]
        written = iter(outcomes)
        for key, item in items:
            if isinstance(item, Parsed):
                self.report(key, item, next(written))
            else:
                self.report(key, None, item)
        self.session.release_if_due()
        self._since = time.monotonic()

    def _save_alone(self, parsed: Parsed) -> Outcome:
        try:
            return save(self.session.connection(), parsed)
        except Exception as exc:
            self.session.close()  # start the next document on a fresh connection
            return exc


_heap_settled = False


def settle_heap() -> None:
    """Take the objects alive now out of the cyclic garbage collector's full collections.

    For a long ingest (the command line), once its modules are loaded: call it after the first
    document is parsed (its reader, the taxonomy and the dictionaries are loaded then). A batch
    keeps its parsed documents alive until it is written, so full collections come every half
    second or so of parsing, and each walks every object the loaded libraries hold (pandas,
    pyarrow, openpyxl…): 60–75 ms each, ~15% of the run. Frozen objects are still freed by
    reference counting (the pipeline makes no reference cycles); only cycles among them would
    wait until exit, where they are unfrozen (nanobind reports frozen objects as leaks)."""
    global _heap_settled
    if _heap_settled:
        return
    load_taxonomy()
    gc.freeze()
    atexit.register(gc.unfreeze)
    _heap_settled = True


def expand_paths(paths: list[str]) -> list[pathlib.Path]:
    """Files as named; a folder means every supported file below it (sorted, hidden files skipped)."""
    out: list[pathlib.Path] = []
    for raw in paths:
        p = pathlib.Path(raw)
        if p.is_dir():
            out.extend(sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in SCANNED_SUFFIXES
                              and not any(part.startswith(".") for part in f.relative_to(p).parts)))
        else:
            out.append(p)
    return out
