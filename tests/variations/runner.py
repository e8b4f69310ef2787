"""Generate variants of every base document, parse each, compare with the original's records.

Deterministic for a seed: each kind draws from its own ``random.Random(f"{seed}:{kind}")`` and
walks the base documents in an order shuffled by it, one variant per document per round, until
it has ``per_kind`` distinct variants (identical ones are made once) or runs out of new ones.
"""
from __future__ import annotations

import collections
import hashlib
import random
from dataclasses import dataclass, field

from perfeval.pipeline import IngestError, parse_bytes
from tests.variations.base import BaseDoc, captured_docs
from tests.variations.compare import Snapshot, compare, snapshot
from tests.variations.kinds import KINDS, format_
from tests.variations.render import FORMATS, render


@dataclass
class Failure:
    kind: str
    base: str
    fmt: str
    note: str
    reason: str


@dataclass
class KindResult:
    kind: str
    total: int = 0
    passed: int = 0
    failures: list[Failure] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.passed / self.total if self.total else 1.0


def parse_snapshot(data: bytes, file_name: str) -> Snapshot | str:
    """The records of a file, or why it could not be parsed."""
    try:
        return snapshot(parse_bytes(data, file_name))
    except IngestError as exc:
        return f"not parsed: {str(exc)[:70]}"
    except Exception as exc:  # an extractor crash is a finding like any other
        return f"crash: {type(exc).__name__}: {str(exc)[:60]}"


def originals(formats=FORMATS) -> list[tuple[BaseDoc, Snapshot]]:
    """Base documents whose original (native) rendering parses, with its records."""
    out = []
    for doc in captured_docs():
        snap = parse_snapshot(*render(doc, doc.native))
        if isinstance(snap, Snapshot):
            out.append((doc, snap))
    return out


def run_kind(kind: str, bases: list[tuple[BaseDoc, Snapshot]], per_kind: int, seed: int,
             formats=FORMATS) -> KindResult:
    rng = random.Random(f"{seed}:{kind}")
    make = KINDS[kind]
    # other kinds keep the original's format: only documents whose native format was asked for
    pool = list(bases) if kind == "format" else [(d, s) for d, s in bases if d.native in formats]
    rng.shuffle(pool)
    res = KindResult(kind)
    seen: set[str] = set()
    exhausted = collections.Counter()
    rounds = 0
    while res.total < per_kind and pool and rounds < 4 * per_kind:
        rounds += 1
        for doc, snap in list(pool):
            if res.total >= per_kind:
                break
            variant = format_(doc, rng, formats) if kind == "format" else make(doc, rng)
            key = None if variant is None else hashlib.sha1(
                repr((variant.fmt, variant.doc.sheets)).encode()).hexdigest()
            if variant is None or key in seen:
                exhausted[doc.name] += 1
                if exhausted[doc.name] >= 8:  # this document gives no new variant of this kind
                    pool.remove((doc, snap))
                continue
            seen.add(key)
            got = parse_snapshot(*render(variant.doc, variant.fmt))
            reason = got if isinstance(got, str) else compare(snap, got, variant.expect)
            res.total += 1
            if reason is None:
                res.passed += 1
            else:
                res.failures.append(Failure(kind, doc.name, variant.fmt, variant.note, reason))
    return res


def run(kinds, per_kind: int, seed: int, formats=FORMATS, bases=None, progress=None) -> list[KindResult]:
    bases = originals(formats) if bases is None else bases
    out = []
    for kind in kinds:
        res = run_kind(kind, bases, per_kind, seed, formats)
        if progress:
            progress(res)
        out.append(res)
    return out
