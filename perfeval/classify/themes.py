"""Key terms, candidate themes and recurrence for the 问题归类 page.

* ``key_terms(text)``: the content words of a statement — jieba segmentation with a domain
  dictionary (the taxonomy's topic words + data/domain_dict.txt), minus stop words
  (data/stopwords.txt, the taxonomy's problem and lack words), numbers and single characters.
  Substrings are not enough here: 「部分工程」 must not yield 「分工」, 「合同制」 not 「合同」.
* ``candidate_themes(rows)``: problems the taxonomy places in ``other`` or matches only weakly,
  grouped by shared key terms (greedy: the term most statements share first), so that managers
  see which kinds of problems the taxonomy is missing and which words to add.
* ``AdviceTopics``: which problem categories a suggestion or rectification addresses (it
  classifies to the category, or shares key terms with the problems of the category); perfeval.store.rollups
  stores the result per statement at ingest (advice_topics), and queries/problem_recurrence.sql
  decides 屡次出现's status from it.
"""
from __future__ import annotations

import collections
import functools
import pathlib
import re
import threading
from dataclasses import dataclass, field

import pandas as pd

from perfeval import REPO_ROOT
from perfeval.classify import taxonomy as clf

DATA = REPO_ROOT / "data"
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
    terms, hints = terms_and_hints(texts)
    return group_by_terms(terms, hints, min_size, max_themes)


def group_by_terms(terms: list[list[str]], hints: list[str | None], min_size: int = 2,
                   max_themes: int = 30) -> ThemeResult:
    """``candidate_themes`` over statements whose key terms and best-guess categories are known
    (problem_statements stores them). The term counts are updated as statements join a theme, not
    recounted: a few thousand statements group in milliseconds."""
    sets = [set(t) for t in terms]
    postings: dict[str, set[int]] = collections.defaultdict(set)
    for i, ts in enumerate(sets):
        for w in ts:
            postings[w].add(i)
    df = collections.Counter({w: len(ix) for w, ix in postings.items()})
    remaining = set(range(len(sets)))
    result = ThemeResult(n=len(sets))
    while remaining and len(result.themes) < max_themes and df:
        term, n = max(df.items(), key=lambda kv: (kv[1], len(kv[0]), kv[0]))
        if n < min_size:
            break
        items = sorted(postings[term] & remaining)
        co = collections.Counter(w for i in items for w in sets[i] if w != term)
        related = [w for w, c in co.most_common(3) if c * 2 >= len(items) and c >= 2]
        votes = collections.Counter(hints[i] for i in items if hints[i])
        hint, share = (votes.most_common(1)[0][0], votes.most_common(1)[0][1] / len(items)) if votes else (None, 0.0)
        result.themes.append(Theme(term, related, items, hint, share))
        remaining -= set(items)
        for i in items:
            for w in sets[i]:
                df[w] -= 1
                if df[w] <= 0:
                    del df[w]
    result.ungrouped = sorted(remaining)
    return result


# ---- recurrence: did the earlier year's suggestion address the category? ---------------------

class AdviceTopics:
    """Which problem categories a suggestion or rectification addresses: it classifies to the
    category (primary, secondary, or scoring at least min_score for it; never ``other``, which says
    nothing), or shares at least ``min_shared`` key terms with the problems of that category.
    Key terms are memoised per text (a document's problems are compared with each of its advice)."""

    def __init__(self, taxonomy: clf.Taxonomy | None = None, min_shared: int = 2) -> None:
        self.tax = taxonomy or clf.load_taxonomy()
        self.min_shared = min_shared
        self._terms: dict[str, list[str]] = {}

    def terms(self, text: str) -> list[str]:
        if text not in self._terms:
            self._terms[text] = key_terms(text)
        return self._terms[text]

    def by_category(self, text: str) -> set[str]:
        r = clf.classify(text, taxonomy=self.tax)
        cats = {r.category, *r.secondary} | {c for c, s in r.scores.items() if s >= self.tax.min_score}
        return cats - {"other"}

    def addressed(self, text: str, problems: dict[str, list[str]]) -> list[tuple[str, bool, list[str]]]:
        """(category, by_category, shared key terms) for every category the text addresses;
        ``problems``: the problem texts per category it is compared with."""
        cats = self.by_category(text)
        mine = self.terms(text)
        shared_with: dict[str, list[str]] = {}
        for category, texts in problems.items():
            theirs = set().union(*(self.terms(p) for p in texts))
            shared = [w for w in mine if w in theirs]
            if len(shared) >= self.min_shared:
                shared_with[category] = shared
        return [(c, c in cats, shared_with.get(c, [])) for c in sorted(cats | shared_with.keys())]


def addressed(category: str, problems: list[str], advice: list[str], min_shared: int = 2) -> tuple[str, str, list[str]]:
    """Whether suggestion/rectification texts address a problem category (the rule of
    ``AdviceTopics``). Returns (status 已针对 | 未针对 | 无建议记录, basis in Chinese, texts: the
    addressing ones, else all of them)."""
    if not advice:
        return "无建议记录", "当年未记录建议或整改措施", []
    topics = AdviceTopics(min_shared=min_shared)
    hits, bases = [], []
    for a in advice:
        for c, by_category, shared in topics.addressed(a, {category: problems}):
            if c == category:
                hits.append(a)
                bases.append(basis(category, by_category, shared, topics.tax.labels()))
    if hits:
        return "已针对", "；".join(dict.fromkeys(bases)), hits
    return "未针对", "当年的建议和整改未涉及此类问题", list(advice)


def basis(category: str, by_category: bool, shared: list[str], labels: dict[str, str]) -> str:
    """Why an advice text addresses a category, in Chinese."""
    if by_category:
        return f"建议归入同类「{labels.get(category, category)}」"
    return "共同关键词：" + "、".join(shared[:4])


def terms_and_hints(texts: list[str], taxonomy: clf.Taxonomy | None = None) -> tuple[list[list[str]], list[str | None]]:
    """Key terms and the best-guess category of each statement (what the candidate themes group by)."""
    tax = taxonomy or clf.load_taxonomy()
    return [key_terms(t) for t in texts], [clf.classify(t, taxonomy=tax).best_guess for t in texts]
