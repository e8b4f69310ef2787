"""Ingest pipeline: file → document → candidates → evaluations → one transaction in DuckDB.

Parsing happens before the database is touched, so a file that fails (unreadable, no evaluation,
an extractor error) never changes it; the write of one document is all-or-nothing.
"""
from __future__ import annotations

import hashlib
import os
import pathlib
from dataclasses import dataclass

from perfeval import store
from perfeval.assemble import assemble
from perfeval.classify import classify
from perfeval.context import document_context
from perfeval.extractors import extract
from perfeval.model import Document
from perfeval.readers import MAX_FILE_BYTES, ReadError, read_document
from perfeval.records import Evaluation

SUPPORTED_SUFFIXES = {".txt", ".docx", ".pdf", ".xlsx"}


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
    for ev in evaluations:
        for finding in ev.candidate.findings:
            if finding.kind == "problem" and finding.category is None:
                result = classify(finding.text)
                finding.category = result.category
                finding.categories_secondary = result.secondary
                finding.matched_terms = result.matched
                finding.match_score = result.score
    return Parsed(file_name, sha, len(data), doc, evaluations, genres)


def parse_file(path: str | os.PathLike) -> Parsed:
    p = pathlib.Path(path)
    try:
        size = p.stat().st_size
        if size > MAX_FILE_BYTES:  # refuse before reading a huge file into memory
            raise IngestError(f"file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB")
        data = p.read_bytes()
    except OSError as exc:
        raise IngestError(f"cannot read file: {exc.strerror or exc}") from exc
    return parse_bytes(data, p.name)


def save(con, parsed: Parsed) -> bool:
    """Write a parsed document; False when the same content is already loaded."""
    if store.document_exists(con, parsed.sha256):
        return False
    store.save_document(
        con, doc_id=parsed.doc_id, file_name=parsed.file_name, sha256=parsed.sha256,
        file_format=parsed.document.file_format, size_bytes=parsed.size_bytes,
        line_count=len(parsed.document.lines), genres=parsed.genres,
        evaluations=parsed.evaluations, snippet=parsed.document.snippet)
    return True


def expand_paths(paths: list[str]) -> list[pathlib.Path]:
    """Files as named; a folder means every supported file below it (sorted, hidden files skipped)."""
    out: list[pathlib.Path] = []
    for raw in paths:
        p = pathlib.Path(raw)
        if p.is_dir():
            out.extend(sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in SUPPORTED_SUFFIXES
                              and not any(part.startswith(".") for part in f.relative_to(p).parts)))
        else:
            out.append(p)
    return out
