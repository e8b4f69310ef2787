"""Key terms, candidate themes and recurrence for the 问题归类 page.

* ``key_terms(text)``: the content words of a statement — jieba segmentation with a domain
  dictionary (the taxonomy's topic words + data/domain_dict.txt), minus stop words
  (data/stopwords.txt, the taxonomy's problem and lack words), numbers and single characters.
  Substrings are not enough here: 「部分工程」 must not yield 「分工」, 「合同制」 not 「合同」.
* ``candidate_themes(rows)``: problems the taxonomy places in ``other`` or matches only weakly,
  grouped by shared key terms (greedy: the term most statements share first), so that managers
  see which kinds of problems the taxonomy is missing and which words to add.
* ``recurrence(df)``: for each unit × category found in two or more years, whether the earlier
  years' suggestions or rectifications addressed that category (they classify to it, or share
  key terms with that year's problems of the category).
"""
from __future__ import annotations

import collections
import functools
import pathlib
import re
import threading
from dataclasses import dataclass, field

import pandas as pd

from perfeval import classify as clf

DATA = pathlib.Path(__file__).resolve().parent.parent / "data"
DOMAIN_DICT = DATA / "domain_dict.txt"
STOPWORDS = DATA / "stopwords.txt"
_NOISE = re.compile(r"^[\W\d_a-zA-Z]+$")
_LOCK = threading.Lock()


def _lines(path: pathlib.Path) -> list[str]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    return [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]


@functools.lru_cache(maxsize=4)
def _tokenizer(fingerprint: str):
    """A jieba tokenizer of our own (the global one stays untouched) with the domain words."""
    import logging

    import jieba
    jieba.setLogLevel(logging.WARNING)
    tk = jieba.Tokenizer()
    tk.initialize()
    tax = clf.load_taxonomy()
    for cat in tax.categories:
        for word in cat.topics:
            tk.add_word(word, 3000)
    for line in _lines(DOMAIN_DICT):
        parts = line.split()
        tk.add_word(parts[0], int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 2000)
    return tk


@functools.lru_cache(maxsize=4)
def _stopwords(fingerprint: str) -> frozenset:
    tax = clf.load_taxonomy()
    words = set(_lines(STOPWORDS)) | set(tax._problem_words) | set(tax._lack_words)
    return frozenset(words)


def key_terms(text: str) -> list[str]:
    """Content words of a statement, in order, without repeats."""
    fp = clf.load_taxonomy().fingerprint
    with _LOCK:  # jieba's tokenizer is not thread-safe while it initialises
        tk = _tokenizer(fp)
    stop = _stopwords(fp)
    out = []
    for w in tk.lcut(clf.normalize_text(text), HMM=False):
        if len(w) >= 2 and w not in stop and not _NOISE.match(w):
            out.append(w)
    return list(dict.fromkeys(out))


# ---- candidate themes -------------------------------------------------------------------------

@dataclass
class Theme:
    term: str                      # the key term every statement of the theme contains
    related: list[str]             # further terms shared by at least half of them
    items: list[int]               # indices into the input rows
    hint: str | None = None        # the category most of them lean to (below the threshold), if any
    hint_share: float = 0.0

    @property
    def label(self) -> str:
        return "、".join([self.term] + self.related)


@dataclass
class ThemeResult:
    themes: list[Theme] = field(default_factory=list)
    ungrouped: list[int] = field(default_factory=list)
    n: int = 0


def is_weak(category: str | None, score: float | None, strong: float | None = None) -> bool:
    """``other``, or a category whose score stays below the taxonomy's ``strong`` line."""
    if not category or category == "other":
        return True
    if score is None or pd.isna(score):
        return False  # rows from before match_score existed: trust the stored category
    return float(score) < (strong if strong is not None else clf.load_taxonomy().strong)


def candidate_themes(texts: list[str], min_size: int = 2, max_themes: int = 30) -> ThemeResult:
    """Group statements by shared key terms: repeatedly take the term that most of the remaining
    statements contain (ties: the longer term), make those statements a theme, and go on with the
    rest. Terms found in only one statement form no theme."""
    tax = clf.load_taxonomy()
    terms = [set(key_terms(t)) for t in texts]
    hints = [clf.classify(t, taxonomy=tax).best_guess for t in texts]
    remaining = set(range(len(texts)))
    result = ThemeResult(n=len(texts))
    while remaining and len(result.themes) < max_themes:
        df = collections.Counter(w for i in remaining for w in terms[i])
        if not df:
            break
        term, n = max(df.items(), key=lambda kv: (kv[1], len(kv[0]), kv[0]))
        if n < min_size:
            break
        items = sorted(i for i in remaining if term in terms[i])
        co = collections.Counter(w for i in items for w in terms[i] if w != term)
        related = [w for w, c in co.most_common(3) if c * 2 >= len(items) and c >= 2]
        votes = collections.Counter(hints[i] for i in items if hints[i])
        hint, share = (votes.most_common(1)[0][0], votes.most_common(1)[0][1] / len(items)) if votes else (None, 0.0)
        result.themes.append(Theme(term, related, items, hint, share))
        remaining -= set(items)
    result.ungrouped = sorted(remaining)
    return result


# ---- recurrence: did the earlier year's suggestion address the category? ---------------------

@dataclass
class Addressed:
    year: int
    status: str        # 已针对 | 未针对 | 无建议记录
    basis: str         # why, in Chinese
    texts: list[str]   # the earlier year's suggestions/rectifications that addressed it (else all of them)


def addressed(category: str, problems: list[str], advice: list[str], min_shared: int = 2) -> tuple[str, str, list[str]]:
    """Whether suggestion/rectification texts address a problem category: one of them classifies
    to it (primary, secondary, or scoring at least min_score for it; not for ``other``, which says
    nothing), or shares at least ``min_shared`` key terms with the problems. Returns (status,
    basis, texts)."""
    if not advice:
        return "无建议记录", "当年未记录建议或整改措施", []
    tax = clf.load_taxonomy()
    labels = tax.labels()
    pterms = set()
    for p in problems:
        pterms.update(key_terms(p))
    hits, bases = [], []
    for a in advice:
        r = clf.classify(a, taxonomy=tax)
        if category != "other" and (r.category == category or category in r.secondary
                                    or r.scores.get(category, 0) >= tax.min_score):
            hits.append(a)
            bases.append(f"建议归入同类「{labels.get(category, category)}」")
            continue
        shared = [w for w in key_terms(a) if w in pterms]
        if len(shared) >= min_shared:
            hits.append(a)
            bases.append("共同关键词：" + "、".join(shared[:4]))
    if hits:
        return "已针对", "；".join(dict.fromkeys(bases)), hits
    return "未针对", "当年的建议和整改未涉及此类问题", list(advice)


def recurrence(rows: pd.DataFrame) -> pd.DataFrame:
    """One row per recurring unit × category (from queries/problem_recurrence.sql): the years,
    and for each earlier year whether its suggestions or rectifications addressed the category.

    Columns: unit, category, n_years, years, n_findings, status (已针对 / 部分针对 / 未针对 /
    无建议记录, over the earlier years), detail (per earlier year, in Chinese), advice (the
    addressing texts, else the earlier years' texts), last_year, last_problems."""
    out = []
    if rows.empty:
        return pd.DataFrame(columns=["unit", "category", "n_years", "years", "n_findings", "status", "detail",
                                     "advice", "last_year", "last_problems"])
    for (unit, category), part in rows.groupby(["unit", "category"], sort=False):
        years = sorted(int(y) for y in part.loc[part["kind"] == "problem", "year"].unique())
        if len(years) < 2:
            continue
        per_year = []
        advice_out: list[str] = []
        for y in years[:-1]:
            here = part[part["year"] == y]
            probs = here.loc[here["kind"] == "problem", "text"].tolist()
            adv = here.loc[here["kind"].isin(["suggestion", "rectification"]), "text"].drop_duplicates().tolist()
            status, basis, texts = addressed(category, probs, adv)
            per_year.append((y, status, basis))
            advice_out += [f"{y}年：{t}" for t in texts if status == "已针对"]
        statuses = {s for _, s, _ in per_year}
        if statuses == {"已针对"}:
            overall = "已针对"
        elif "已针对" in statuses:
            overall = "部分针对"
        elif statuses == {"无建议记录"}:
            overall = "无建议记录"
        else:
            overall = "未针对"
        last = part[(part["year"] == years[-1]) & (part["kind"] == "problem")]["text"].drop_duplicates().tolist()
        first = part.iloc[0]
        out.append({
            "unit": unit, "category": category, "n_years": len(years),
            "years": "、".join(str(y) for y in years), "n_findings": int(first["n_findings"]),
            "status": overall,
            "detail": "；".join(f"{y}年{s}（{b}）" for y, s, b in per_year),
            "advice": "\n".join(advice_out),
            "last_year": years[-1], "last_problems": "\n".join(last),
        })
    return pd.DataFrame(out)
