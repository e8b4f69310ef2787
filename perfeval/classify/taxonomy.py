"""Problem categories from the editable taxonomy (data/taxonomy.yaml).

Evidence for a category, found in the first ``max_chars`` characters of a statement (the title
sentence is always read whole):

* signal phrases — regular expressions with weights (3: the phrase alone says which category,
  2: fairly clear), e.g. 「执行率.{0,6}(偏低|…)」;
* topic words — plain words, found by longest match across all categories' lists (a dictionary
  segmentation; a two-character word that jieba's dictionary reads as the end of one word and the
  start of the next, 「部分工程」 ↛ 「分工」, is dropped). A topic word scores its weight alone and
  twice that when a problem word follows it in the same clause (「合同…不规范」: the problem word
  goes to the nearest topic word before it) or a lack word precedes it (「未…验收」: the last topic
  word of the window, the head of the phrase);
* counter-phrases mask what they match for their own category: 「效益指标」 is about setting
  indicators, so its 「效益」 is no evidence of ``output_shortfall``.

Evidence in the first sentence (where reports put the problem's title) counts double; evidence
overlapping stronger evidence of the same category counts once. The best category is primary
when it scores at least ``min_score``, otherwise the statement is ``other``; ties go to the
category listed first in the file. Categories scoring at least ``secondary_ratio`` × the best
(and ``strong``) are secondary. The primary category's matched phrases are the explanation.

Speed (``python -m perfeval bench-classify``): each alternative of a signal is tried only when the
rarest literal set every match of it needs occurs in the text (looked up by two-character keys),
plus a second such set; topic, problem and lack words are found with trie-shaped expressions.
"""
from __future__ import annotations

import bisect
import hashlib
import os
import pathlib
import re
import re._constants as sre_c
import re._parser as sre_parse
import threading
from dataclasses import dataclass, field

import yaml

from perfeval import REPO_ROOT
from perfeval.ingest.normalize import _FULLWIDTH, halfwidth

TAXONOMY_FILE = REPO_ROOT / "data" / "taxonomy.yaml"
CODES = ("goal_setting", "budget_planning", "execution", "fund_management", "contract_procurement",
         "project_management", "oversight", "satisfaction", "coordination", "performance_capacity",
         "output_shortfall", "other")
_SENTENCE_END = re.compile(r"[。；;!！?？\n]")
_SPACE = re.compile(r"\s+")


class TaxonomyError(ValueError):
    """The taxonomy file is malformed (message in Chinese: managers edit this file)."""


@dataclass(frozen=True)
class Signal:
    pattern: str                     # as written in the taxonomy
    rx: re.Pattern                   # one top-level alternative of it
    weight: float
    anchors: tuple[str, ...] | None  # every match contains one of these (None: always try)
    group: int = 0                   # the alternatives of one written phrase share a group: one evidence
    also: frozenset | None = None    # first two characters of further strings a match needs one of


@dataclass(frozen=True)
class Category:
    code: str
    label: str
    definition: str
    signals: tuple[Signal, ...]
    counter: tuple[Signal, ...]
    topics: dict[str, float] = field(default_factory=dict)  # topic word → weight


@dataclass
class Taxonomy:
    version: str
    categories: tuple[Category, ...]
    min_score: float = 2.0
    strong: float = 3.0
    secondary_ratio: float = 0.5
    max_secondary: int = 2
    max_chars: int = 160
    path: str = ""
    fingerprint: str = ""
    _always: list = field(default_factory=list)           # [(category index, signal indices)]
    _always_counters: list = field(default_factory=list)  # [(category index, counter index)]
    _topic_words: dict[str, list[tuple[int, float]]] = field(default_factory=dict)
    _has_topics: bool = False
    _topic_rx: re.Pattern | None = None
    _marker_rx: re.Pattern | None = None
    _problem_words: frozenset = frozenset()
    _lack_words: frozenset = frozenset()
    _order: dict[str, int] = field(default_factory=dict)
    _anchor_by_gram: dict[str, list] = field(default_factory=dict)  # 2 chars → [(anchor, signals, counters)]
    _anchor_refs: dict[str, tuple] = field(default_factory=dict)     # 1-char anchor → (anchor, signals, counters)
    _anchor_chars: frozenset = frozenset()
    _anchor_gram_keys: frozenset = frozenset()

    def labels(self) -> dict[str, str]:
        return {c.code: c.label for c in self.categories}

    def category(self, code: str) -> Category | None:
        return next((c for c in self.categories if c.code == code), None)


# ---- anchors: literal strings a regular expression cannot match without ---------------------

def _cost(w: str, common: frozenset) -> float:
    """How often a literal is expected in text (jieba's frequency of its first two characters;
    longer literals are rarer; ``common`` words — the problem words — are in every statement)."""
    if w in common:
        return 1e6
    f = (_BIGRAMS or {}).get(w[:2], 50) if len(w) >= 2 else 100000
    return f / (4 ** max(0, len(w) - 2))


def _best(cands: list[set[str]], common: frozenset = frozenset()) -> set[str] | None:
    """The most selective candidate: the set whose strings are expected least often."""
    cands = [c for c in cands if c and all(c)]
    if not cands:
        return None
    return min(cands, key=lambda c: (sum(_cost(w, common) for w in c), len(c)))


def _required(items) -> set[str] | None:
    return _best(_needs(items))


def _needs(items) -> list[set[str]]:
    """Every literal requirement of a sequence: each set is one some of whose strings any match contains."""
    cands: list[set[str]] = []
    run: list[str] = []

    def flush() -> None:
        if run:
            cands.append({"".join(run)})
            run.clear()

    for op, av in items:
        if op is sre_c.LITERAL:
            run.append(chr(av))
            continue
        flush()
        if op is sre_c.SUBPATTERN:
            sub = _required(av[-1])
            if sub:
                cands.append(sub)
        elif op is sre_c.BRANCH:
            union: set[str] = set()
            for branch in av[1]:
                sub = _required(branch)
                if not sub:
                    union = set()
                    break
                union |= sub
            if union:
                cands.append(union)
        elif op in (sre_c.MAX_REPEAT, sre_c.MIN_REPEAT, getattr(sre_c, "POSSESSIVE_REPEAT", None)):
            lo, _hi, sub_items = av
            if lo >= 1:
                sub = _required(sub_items)
                if sub:
                    cands.append(sub)
        elif op is sre_c.IN:
            chars = [chr(v) for o, v in av if o is sre_c.LITERAL]
            if chars and len(chars) == len(av) and len(chars) <= 8:
                cands.append(set(chars))
        # ANY, AT, NOT_LITERAL, categories, lookarounds …: no literal requirement
    flush()
    return [c for c in cands if c and all(c)]


def anchors_of(pattern: str, common: frozenset = frozenset()) -> tuple[tuple[str, ...] | None, frozenset | None]:
    """What every match of ``pattern`` contains: strings one of which it contains (the index key,
    the rarest such set), and the first two characters of the strings of a second such set (a
    cheap extra test). None when unknown."""
    try:
        parsed = sre_parse.parse(pattern)
    except re.error:
        return None, None
    if parsed.state.flags & re.IGNORECASE:
        return None, None
    needs = _needs(list(parsed))
    key = _best(needs, common)
    if not key:
        return None, None
    rest = [n for n in needs if n is not key and all(len(w) >= 2 for w in n)]
    second = _best(rest, common)
    return tuple(sorted(key)), (frozenset(w[:2] for w in second) if second else None)


def split_alternatives(pattern: str) -> list[str]:
    """The top-level alternatives of a regular expression (「a|b(c|d)」 → 「a」, 「b(c|d)」)."""
    out, depth, cls, esc, cur = [], 0, False, False, []
    for ch in pattern:
        if esc:
            esc = False
        elif ch == "\\":
            esc = True
        elif cls:
            cls = ch != "]"
        elif ch == "[":
            cls = True
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            out.append("".join(cur))
            cur = []
            continue
        cur.append(ch)
    out.append("".join(cur))
    return out


# ---- loading ----------------------------------------------------------------------------------

CLAUSE_GAP = "[^,。;:!?]{0,12}?"   # what "…" stands for: a few characters inside one clause
DEFAULT_PROBLEM_WORDS = ["不足", "不够", "不到位", "不规范", "不健全", "不完善", "未", "没有", "缺乏", "缺少", "滞后"]
DEFAULT_LACK_WORDS = ["缺乏", "缺少", "未", "没有", "尚未"]


def _alternation(words) -> str:
    words = [str(w) for w in words if str(w)]
    return "(?:" + "|".join(sorted(dict.fromkeys(words), key=len, reverse=True)) + ")"


def _expand(pattern: str, macros: dict[str, str]) -> str:
    for name, alt in macros.items():
        pattern = pattern.replace("{" + name + "}", alt)
    return pattern.replace("…", CLAUSE_GAP)


def _signals(code: str, pattern: str, weight, macros: dict[str, str], group: int,
             common: frozenset = frozenset()) -> list[Signal]:
    """A written phrase, one Signal per top-level alternative (each with its own anchors)."""
    expanded = _expand(str(pattern), macros)
    try:
        re.compile(expanded)
        alts = [(alt, re.compile(alt)) for alt in split_alternatives(expanded)]
    except re.error as exc:
        raise TaxonomyError(f"类别 {code} 的短语「{pattern}」不是有效的正则表达式：{exc}") from exc
    try:
        w = float(weight)
    except (TypeError, ValueError) as exc:
        raise TaxonomyError(f"类别 {code} 的短语「{pattern}」的权重「{weight}」不是数字") from exc
    out = []
    for alt, rx in alts:
        anchors, also = anchors_of(alt, common)
        out.append(Signal(str(pattern), rx, w, anchors, group, also))
    return out


def _compile(code: str, spec, what: str, macros: dict[str, str], split: bool = True,
             common: frozenset = frozenset()) -> list[Signal]:
    if spec is None:
        return []
    if isinstance(spec, list):  # counter-phrases may be a plain list
        spec = {p: 1 for p in spec}
    if not isinstance(spec, dict):
        raise TaxonomyError(f"类别 {code} 的 {what} 应为「短语: 权重」的列表")
    items = list(spec.items())
    if split:  # strongest phrases first: group numbers follow that order
        items.sort(key=lambda kv: -float(kv[1]) if isinstance(kv[1], (int, float)) else 0)
    out: list[Signal] = []
    for g, (p, w) in enumerate(items):
        if split:
            out += _signals(code, p, w, macros, g, common)
        else:
            expanded = _expand(str(p), macros)
            try:
                rx = re.compile(expanded)
            except re.error as exc:
                raise TaxonomyError(f"类别 {code} 的反向短语「{p}」不是有效的正则表达式：{exc}") from exc
            anchors, also = anchors_of(expanded, common) if len(split_alternatives(expanded)) == 1 else (None, None)
            if anchors is None:  # index a multi-alternative counter by each alternative's anchors
                keys: set[str] = set()
                for alt in split_alternatives(expanded):
                    k, _ = anchors_of(alt, common)
                    if k is None:
                        keys = set()
                        break
                    keys |= set(k)
                anchors, also = (tuple(sorted(keys)) if keys else None), None
            out.append(Signal(str(p), rx, 1.0, anchors, g, also))
    return out


def _trie_regex(words) -> re.Pattern:
    """One regular expression for a word list, shaped as a trie (「合同(?:管理|款)?」): scanning with
    it finds, left to right, the longest listed word at each position, without overlaps. Much
    faster than a flat alternation of hundreds of words."""
    trie: dict = {}
    for w in words:
        node = trie
        for ch in str(w):
            node = node.setdefault(ch, {})
        node[""] = True

    def build(node: dict) -> str:
        branches = [re.escape(ch) + build(child) for ch, child in node.items() if ch != ""]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return re.compile(build(trie) or "(?!)")


def _topics(code: str, spec, weight: float = 1.0) -> dict[str, float]:
    if not spec:
        return {}
    if isinstance(spec, list):
        spec = {w: weight for w in spec}
    if not isinstance(spec, dict):
        raise TaxonomyError(f"类别 {code} 的 topics 应为话题词列表")
    out = {}
    for word, weight in spec.items():
        try:
            out[str(word)] = float(weight)
        except (TypeError, ValueError) as exc:
            raise TaxonomyError(f"类别 {code} 的话题词「{word}」的权重「{weight}」不是数字") from exc
    return out


def parse_taxonomy(text: str, path: str = "") -> Taxonomy:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise TaxonomyError(f"分类文件不是有效的 YAML：{exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("categories"), dict):
        raise TaxonomyError("分类文件缺少 categories 部分")
    settings = data.get("settings") or {}
    _bigrams()  # word frequencies choose the most selective anchors
    problem = [str(w) for w in settings.get("problem_words") or DEFAULT_PROBLEM_WORDS]
    lack = [str(w) for w in settings.get("lack_words") or DEFAULT_LACK_WORDS]
    common = frozenset(problem + lack)
    macros = {"问题词": _alternation(problem), "缺": _alternation(lack)}
    cats = []
    for code, spec in data["categories"].items():
        spec = spec or {}
        if code not in CODES:
            raise TaxonomyError(f"未知的类别代码 {code}（代码须为 CONTRACT.md 列出的十二个之一）")
        signals = _compile(code, spec.get("signals"), "signals", macros, common=common)
        counter = _compile(code, spec.get("counter"), "counter", macros, split=False, common=common)
        cats.append(Category(code, str(spec.get("label") or code), str(spec.get("definition") or ""),
                             tuple(signals), tuple(counter),
                             {**_topics(code, spec.get("weak_topics"), 0.5), **_topics(code, spec.get("topics"))}))
    missing = set(CODES) - {c.code for c in cats}
    if missing:
        raise TaxonomyError(f"分类文件缺少类别：{'、'.join(sorted(missing))}")
    tax = Taxonomy(str(data.get("version", "1")), tuple(cats),
                   min_score=float(settings.get("min_score", 2)), strong=float(settings.get("strong", 3)),
                   secondary_ratio=float(settings.get("secondary_ratio", 0.5)),
                   max_secondary=int(settings.get("max_secondary", 2)), path=path,
                   max_chars=int(settings.get("max_chars", 160)),
                   fingerprint=hashlib.sha256(text.encode("utf-8")).hexdigest()[:12])
    # anchor → the signals (per category) and counter-phrases that need it; looked up by the
    # anchor's first two characters (single-character anchors directly)
    sig_refs: dict[str, dict[int, set[int]]] = {}
    ctr_refs: dict[str, set[tuple[int, int]]] = {}
    always: dict[int, set[int]] = {}
    for ci, cat in enumerate(tax.categories):
        for si, sig in enumerate(cat.signals):
            if sig.anchors is None:
                always.setdefault(ci, set()).add(si)
            for a in sig.anchors or ():
                sig_refs.setdefault(a, {}).setdefault(ci, set()).add(si)
        for si, sig in enumerate(cat.counter):
            if sig.anchors is None:
                tax._always_counters.append((ci, si))
            for a in sig.anchors or ():
                ctr_refs.setdefault(a, set()).add((ci, si))
    tax._always = [(ci, frozenset(v)) for ci, v in always.items()]
    for a in set(sig_refs) | set(ctr_refs):
        entry = (a, tuple((ci, frozenset(v)) for ci, v in sig_refs.get(a, {}).items()), tuple(ctr_refs.get(a, ())))
        if len(a) >= 2:
            tax._anchor_by_gram.setdefault(a[:2], []).append(entry)
        else:
            tax._anchor_refs[a] = entry
    tax._anchor_chars = frozenset(tax._anchor_refs)
    tax._anchor_gram_keys = frozenset(tax._anchor_by_gram)
    # topic words of every category in one trie-shaped regular expression: scanning the text with
    # it is a dictionary segmentation (「考核办法」 is one word, not 「考核」 + 「办法」)
    words: dict[str, list[tuple[int, float]]] = {}
    for ci, cat in enumerate(tax.categories):
        for w, weight in cat.topics.items():
            words.setdefault(w, []).append((ci, weight))
    tax._topic_words = words
    tax._has_topics = bool(words)
    tax._topic_rx = _trie_regex(words)
    tax._problem_words, tax._lack_words = frozenset(problem), frozenset(lack)
    tax._marker_rx = _trie_regex(problem + lack)
    tax._order = {c.code: i for i, c in enumerate(tax.categories)}
    return tax


_CACHE: dict[str, tuple[tuple, Taxonomy]] = {}
_LOCK = threading.Lock()


def load_taxonomy(path: str | os.PathLike | None = None) -> Taxonomy:
    """The taxonomy in ``path`` (default data/taxonomy.yaml); re-read when the file changes."""
    p = str(path or TAXONOMY_FILE)
    st = os.stat(p)
    stamp = (st.st_mtime_ns, st.st_size)
    with _LOCK:
        hit = _CACHE.get(p)
        if hit and hit[0] == stamp:
            return hit[1]
    tax = parse_taxonomy(pathlib.Path(p).read_text(encoding="utf-8"), p)
    with _LOCK:
        _CACHE[p] = (stamp, tax)
    return tax


def labels(path: str | None = None) -> dict[str, str]:
    return load_taxonomy(path).labels()


# ---- classification ---------------------------------------------------------------------------

@dataclass(slots=True)
class Evidence:
    phrase: str        # the text the signal matched
    pattern: str       # the signal as written in the taxonomy (or 话题词 / 话题词+问题用语)
    weight: float      # the signal's weight
    in_title: bool     # found in the first sentence (counts double)
    pos: int

    @property
    def points(self) -> float:
        return self.weight * (2 if self.in_title else 1)


# internal evidence tuples: (points, pos, end, phrase, pattern, weight, in_title)
_Raw = tuple


@dataclass
class Classification:
    category: str
    secondary: list[str]
    matched: list[str]
    score: float
    scores: dict[str, float] = field(default_factory=dict)
    raw: dict[str, list[_Raw]] = field(default_factory=dict, repr=False)

    @property
    def evidence(self) -> dict[str, list[Evidence]]:
        """Per category that scored, its evidence, strongest first."""
        return {code: [Evidence(r[3], r[4], r[5], r[6], r[1]) for r in rows] for code, rows in self.raw.items()}

    @property
    def best_guess(self) -> str | None:
        """The best-scoring category even when it stayed below min_score (a hint for themes)."""
        if not self.scores:
            return None
        return max(self.scores.items(), key=lambda kv: kv[1])[0]


_WIDE = {chr(k): (chr(v) if isinstance(v, int) else v).strip() for k, v in _FULLWIDTH.items()}
_WIDE_RX = re.compile("[" + re.escape("".join(_WIDE)) + "]|\\s+")


def normalize_text(text: str) -> str:
    """Whitespace removed, full-width digits and punctuation as in normalize.halfwidth (，→ ,)."""
    return _WIDE_RX.sub(lambda m: _WIDE.get(m.group(), ""), text or "")


TOPIC_GAP = 12  # how far (characters, same clause) a problem or lack word may be from its topic word
_CLAUSE_END = re.compile(r"[,。;:!?、]")


def classify(text: str, path: str | None = None, taxonomy: Taxonomy | None = None) -> Classification:
    tax = taxonomy or load_taxonomy(path)
    s = normalize_text(text if len(text) <= 2 * tax.max_chars else text[:2 * tax.max_chars])
    if not s:
        return Classification("other", [], [], 0.0)
    m = _SENTENCE_END.search(s)
    title_len = m.start() if m else len(s)
    if len(s) > tax.max_chars:  # the title and the start of the explanation decide
        s = s[:max(tax.max_chars, title_len + 1)]

    # which signals can match: their anchors occur in the text
    todo: dict[int, set[int]] = {ci: set(sis) for ci, sis in tax._always}
    counters: set[tuple[int, int]] = set(tax._always_counters)
    grams = {s[i:i + 2] for i in range(len(s) - 1)}
    entries = [e for g in grams & tax._anchor_gram_keys for e in tax._anchor_by_gram[g]]
    if tax._anchor_chars:
        entries += [tax._anchor_refs[ch] for ch in tax._anchor_chars.intersection(s)]
    for anchor, sigs, ctrs in entries:
        if len(anchor) <= 2 or anchor in s:
            for ci, sis in sigs:
                t = todo.get(ci)
                if t is None:
                    todo[ci] = set(sis)
                else:
                    t |= sis
            if ctrs:
                counters.update(ctrs)

    masked: dict[int, list[tuple[int, int]]] = {}  # category → spans its counter-phrases matched
    for ci, si in counters:
        for mm in tax.categories[ci].counter[si].rx.finditer(s):
            if mm.end() > mm.start():
                masked.setdefault(ci, []).append(mm.span())
    found: dict[int, list[_Raw]] = {}
    for ci, sis in todo.items():
        signals = tax.categories[ci].signals
        text_c = s
        if ci in masked:  # what the counter-phrases match is no evidence for this category
            chars = list(s)
            for x, y in masked[ci]:
                chars[x:y] = "□" * (y - x)
            text_c = "".join(chars)
        hits: dict[int, tuple[int, int, str, Signal, int]] = {}  # group → its leftmost match
        for si in sis:
            sig = signals[si]
            if sig.also is not None and sig.also.isdisjoint(grams):
                continue
            hit = sig.rx.search(text_c)
            if hit is None:
                continue
            a, b = hit.span()
            # per phrase, its leftmost match; at one position its first alternative (as one regex would)
            if a < b and (sig.group not in hits or (a, si) < (hits[sig.group][0], hits[sig.group][4])):
                hits[sig.group] = (a, b, hit.group(), sig, si)
        rows: list[_Raw] = []
        # groups are numbered strongest first; evidence overlapping evidence already counted adds nothing
        for g in sorted(hits):
            a, b, phrase, sig, _si = hits[g]
            for r in rows:
                if a < r[2] and r[1] < b:
                    break
            else:
                t = a < title_len
                rows.append((sig.weight * 2 if t else sig.weight, a, b, phrase, sig.pattern, sig.weight, t))
        if rows:
            found[ci] = rows

    if tax._has_topics:
        _topic_evidence(tax, s, title_len, masked, found)
    if not found:
        return Classification("other", [], [], 0.0)

    cats = tax.categories
    scores = {cats[ci].code: sum(r[0] for r in rows) for ci, rows in found.items()}
    raw = {cats[ci].code: sorted(rows, key=lambda r: (-r[0], r[1])) for ci, rows in found.items()}
    ranked = sorted(scores, key=lambda c: (-scores[c], tax._order[c]))
    best = ranked[0]
    best_score = scores[best]
    if best_score < tax.min_score or best == "other":
        return Classification("other", [], [], 0.0, scores, raw)
    secondary = [c for c in ranked[1:] if c != "other" and scores[c] >= best_score * tax.secondary_ratio
                 and scores[c] >= tax.strong][:tax.max_secondary]
    matched = list(dict.fromkeys(r[3] for r in raw[best]))
    return Classification(best, secondary, matched, best_score, scores, raw)


_BIGRAMS: dict[str, int] | None = None


def _bigrams() -> dict[str, int]:
    """Two-character words of jieba's dictionary with their frequencies (read once, ~0.2 s)."""
    global _BIGRAMS
    if _BIGRAMS is None:
        out: dict[str, int] = {}
        try:
            import jieba
            with jieba.get_dict_file() as f:
                for raw in f:
                    parts = raw.decode("utf-8").split(" ")
                    if len(parts) >= 2 and len(parts[0]) == 2:
                        out[parts[0]] = int(parts[1])
        except Exception:  # no jieba: substring matching only
            out = {}
        _BIGRAMS = out
    return _BIGRAMS


def _split_by_neighbours(s: str, t0: int, t1: int, word: str) -> bool:
    """True when a two-character topic word is really the end of one word and the start of the
    next (「部分工程」 holds 「分工」 but reads 部分/工程): both words that cross its edges are in
    jieba's dictionary and together more likely than the topic word."""
    if t1 - t0 != 2 or t0 == 0 or t1 >= len(s):
        return False
    big = _BIGRAMS or {}
    fl = big.get(s[t0 - 1:t0 + 1], 0)
    if not fl:
        return False
    fr = big.get(s[t1 - 1:t1 + 1], 0)
    if not fr:
        return False
    fw = big.get(word, 1000)
    return fl * fr > fw * fw


def _topic_evidence(tax: Taxonomy, s: str, title_len: int,
                    masked: dict[int, list[tuple[int, int]]], found: dict[int, list[_Raw]]) -> None:
    """Topic words found by longest match; a problem word after a topic word (or a lack word
    before it) in the same clause, within TOPIC_GAP characters, attaches to the nearest topic word
    before it (after a lack word: the last topic word of the window, the head of the phrase)."""
    topics = [(m.start(), m.end(), m.group()) for m in tax._topic_rx.finditer(s)]
    topics = [t for t in topics if not _split_by_neighbours(s, *t)]
    if not topics:
        return
    ends = [mm.start() for mm in _CLAUSE_END.finditer(s)]
    starts = [t[0] for t in topics]
    tends = [t[1] for t in topics]

    attached: dict[int, tuple[int, int]] = {}  # topic index → span of topic + its problem/lack word
    for mm in tax._marker_rx.finditer(s):
        m0, m1, word = mm.start(), mm.end(), mm.group()
        j = bisect.bisect_right(starts, m0) - 1
        if j >= 0 and tends[j] > m0:  # the marker is part of a topic word (「不认可」, 「未支出」)
            continue
        if word in tax._problem_words:  # the nearest topic word ending before it
            i = bisect.bisect_right(tends, m0) - 1
            if i >= 0 and m0 - tends[i] <= TOPIC_GAP and i not in attached \
                    and bisect.bisect_left(ends, tends[i]) == bisect.bisect_left(ends, m0):
                attached[i] = (starts[i], m1)
                continue
        if word in tax._lack_words:  # the last topic word starting in the window after it
            i = bisect.bisect_right(starts, m1 + TOPIC_GAP) - 1
            clause = bisect.bisect_left(ends, m1)
            while i >= 0 and starts[i] >= m1:
                if bisect.bisect_left(ends, starts[i]) == clause:
                    if i not in attached:
                        attached[i] = (m0, tends[i])
                    break
                i -= 1
    best: dict[int, _Raw] = {}  # category → its best attached topic evidence
    alone: dict[int, _Raw] = {}  # category → its best topic word without a problem word
    for i, (t0, t1, word) in enumerate(topics):
        span = attached.get(i)
        for ci, weight in tax._topic_words[word]:
            if ci in masked and any(x <= t0 and t1 <= y for x, y in masked[ci]):
                continue
            if span:
                a, b = span
                t = a < title_len
                w = 2 * weight
                row = (w * 2 if t else w, a, b, s[a:b], "话题词+问题用语", w, t)
                slot = best
            else:
                t = t0 < title_len
                row = (weight * 2 if t else weight, t0, t1, word, "话题词", weight, t)
                slot = alone
            if ci not in slot or row[0] > slot[ci][0]:
                slot[ci] = row
    for slot in (best, alone):
        for ci, row in slot.items():
            rows = found.get(ci)
            if rows is None:
                found[ci] = [row]
            elif not any(row[1] < r[2] and r[1] < row[2] for r in rows):
                rows.append(row)


def finding_key(text: str) -> str:
    """Stable key of a statement inside its document: hash of its text without spaces and
    punctuation (full/half width folded), so a re-ingest of the same file finds it again."""
    s = _NOT_ALNUM.sub("", halfwidth(text or ""))
    return hashlib.sha256(s.encode("utf-8")).hexdigest()[:20]


# what str.isalnum() rejects: \w is exactly isalnum() plus "_" (keys are stored: a test checks every character)
_NOT_ALNUM = re.compile(r"[\W_]+")
