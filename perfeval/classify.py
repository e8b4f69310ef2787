"""Problem categories from the editable taxonomy (data/taxonomy.yaml).

Each category lists weighted signal phrases (regular expressions). A statement's score for a
category is the sum of the weights of the phrases found in it, doubled for phrases in its first
sentence (where reports put the problem's title). The best category is primary; others scoring at
least half as much (and a real signal, weight ≥ 3 in total) are secondary. The matched phrases are
kept as the explanation.
"""
from __future__ import annotations

import functools
import pathlib
import re
from dataclasses import dataclass

import yaml

from perfeval.normalize import halfwidth

TAXONOMY_FILE = pathlib.Path(__file__).resolve().parent.parent / "data" / "taxonomy.yaml"


@dataclass
class Category:
    code: str
    label: str
    definition: str
    signals: list[tuple[re.Pattern, float]]
    counter: list[re.Pattern]


@functools.lru_cache(maxsize=4)
def load_taxonomy(path: str | None = None) -> tuple[Category, ...]:
    data = yaml.safe_load(pathlib.Path(path or TAXONOMY_FILE).read_text(encoding="utf-8"))
    out = []
    for code, spec in data["categories"].items():
        signals = [(re.compile(str(p)), float(w)) for p, w in (spec.get("signals") or {}).items()]
        counter = [re.compile(str(p)) for p in spec.get("counter") or []]
        out.append(Category(code, spec["label"], spec.get("definition", ""), signals, counter))
    return tuple(out)


def labels(path: str | None = None) -> dict[str, str]:
    return {c.code: c.label for c in load_taxonomy(path)}


@dataclass
class Classification:
    category: str
    secondary: list[str]
    matched: list[str]
    score: float


def classify(text: str, path: str | None = None) -> Classification:
    s = re.sub(r"\s+", "", halfwidth(text))
    first = re.split(r"[。；;!！?？]", s, maxsplit=1)[0]
    scores: dict[str, float] = {}
    matched: dict[str, list[str]] = {}
    for cat in load_taxonomy(path):
        countered = any(rx.search(s) for rx in cat.counter)
        total = 0.0
        for rx, weight in cat.signals:
            m = rx.search(s)
            if not m or (countered and weight <= 1):
                continue
            total += weight * (2 if rx.search(first) else 1)
            matched.setdefault(cat.code, []).append(m.group())
        if total:
            scores[cat.code] = total
    if not scores:
        return Classification("other", [], [], 0.0)
    ranked = sorted(scores.items(), key=lambda kv: -kv[1])
    best, best_score = ranked[0]
    secondary = [code for code, sc in ranked[1:] if sc >= best_score / 2 and sc >= 3][:2]
    return Classification(best, secondary, matched[best], best_score)
