"""What a variant must keep: the records of the original rendering, field by field.

A parse is reduced to a `Snapshot` of its evaluations. Evaluations are paired by year and project
name (equal after `norm`; failing that the most similar name of the same year, at least 0.8), and
compared on:

- the number of evaluations (none lost, none added);
- budget_initial_yuan, budget_yuan, spent_yuan: within 1 yuan or 1e-4 relative;
- execution_rate: within 0.0006; score: within 0.011;
- grade, unit, project: equal after `norm`;
- the number of indicators (those with a weight, as the truth files count them);
- the set of problem texts, each `norm`-ed, without its leading enumerator ("1.", "（二）") and
  with amounts in whole yuan, so a problem that quotes a figure survives a change of unit.

A field missing in both is equal; missing in one only is a difference. `Expect` says what a
variation changes on purpose: fields whose value it sets (``values``, by project) and check rules
that must appear on the evaluation it touched (``checks``). The first difference is reported as
one line naming the field, the original's value and the variant's.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

MONEY = ("budget_initial_yuan", "budget_yuan", "spent_yuan")
FIELDS = ("year", "project", "unit", *MONEY, "execution_rate", "score", "grade")

_PUNCT = re.compile(r"[\s\u3000，,。．.、；;：:！!？?（）()\[\]【】“”\"'‘’《》<>「」『』\-—_/·…]+")
_ENUM = re.compile(r"^\s*(?:[（(]?[0-9０-９一二三四五六七八九十]{1,3}[)）.．、]|[①-⑳])\s*")
_FW = str.maketrans("０１２３４５６７８９％．，", "0123456789%.,")
_AMOUNT = re.compile(r"(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)\s*(亿元|万元|元)")
_YUAN = {"元": 1, "万元": 10_000, "亿元": 100_000_000}


def norm(s) -> str:
    """Text without white space and punctuation, full-width digits made ASCII, lower case."""
    if s is None:
        return ""
    return _PUNCT.sub("", str(s).translate(_FW)).lower()


def norm_problem(s: str) -> str:
    """A problem's text for comparison: `norm`, without its leading enumerator, and each amount
    written as whole yuan ("18万元" and "180,000.00元" read the same)."""
    s = _ENUM.sub("", (s or "").translate(_FW))
    s = _AMOUNT.sub(lambda m: f"{round(float(m.group(1).replace(',', '')) * _YUAN[m.group(2)])}元", s)
    return norm(s)


@dataclass
class EvalRecord:
    values: dict
    indicators: int
    problems: frozenset
    rules: frozenset          # check rules on the evaluation

    @property
    def key(self) -> tuple:
        return self.values.get("year"), norm(self.values.get("project"))


@dataclass
class Snapshot:
    evals: list[EvalRecord]


def snapshot(parsed) -> Snapshot:
    out = []
    for ev in parsed.evaluations:
        cand = ev.candidate
        values = {f: ev.get(f) for f in FIELDS}
        inds = sum(1 for i in cand.indicators if i.weight is not None)
        probs = frozenset(p for p in (norm_problem(f.text) for f in cand.findings if f.kind == "problem") if p)
        rules = frozenset(c.rule for c in ev.checks) | frozenset(c.rule for c in cand.checks)
        out.append(EvalRecord(values, inds, probs, rules))
    return Snapshot(out)


@dataclass
class Expect:
    """What a variation changes on purpose (empty: nothing, the records must be equal)."""
    values: dict = field(default_factory=dict)   # project (as in the original) → {field: value}
    checks: dict = field(default_factory=dict)   # project → check rules that must be present


def _same(f: str, a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    if f in MONEY:
        return abs(float(a) - float(b)) <= max(1.0, 1e-4 * abs(float(a)))
    if f == "execution_rate":
        return abs(float(a) - float(b)) <= 0.0006
    if f == "score":
        return abs(float(a) - float(b)) <= 0.011
    if f == "year":
        return a == b
    return norm(a) == norm(b)


def _short(v, n: int = 40) -> str:
    s = repr(v)
    return s if len(s) <= n else s[:n - 1] + "…"


def _pair(orig: list[EvalRecord], var: list[EvalRecord]) -> list[tuple[EvalRecord, EvalRecord | None]]:
    free = list(var)
    pairs = []
    for o in orig:
        hit = next((v for v in free if v.key == o.key), None)
        if hit is None:
            same_year = [v for v in free if v.values.get("year") == o.values.get("year")]
            scored = [(difflib.SequenceMatcher(None, o.key[1], v.key[1]).ratio(), i) for i, v in enumerate(same_year)]
            if scored:
                s, i = max(scored)
                if s >= 0.8:
                    hit = same_year[i]
        if hit is not None:
            free.remove(hit)
        pairs.append((o, hit))
    return pairs


def compare(orig: Snapshot, var: Snapshot, expect: Expect | None = None) -> str | None:
    """None when the variant keeps the records (as adjusted by ``expect``), else the first difference."""
    expect = expect or Expect()
    if len(var.evals) != len(orig.evals):
        return f"evaluations: {len(orig.evals)} vs {len(var.evals)}"
    for o, v in _pair(orig.evals, var.evals):
        project = o.values.get("project")
        tag = f"[{str(project)[:16]}] " if len(orig.evals) > 1 else ""
        if v is None:
            return f"{tag}evaluation not found: {o.values.get('year')} {_short(project)}"
        want = dict(o.values, **expect.values.get(project, {}))
        for f in FIELDS:
            if not _same(f, want.get(f), v.values.get(f)):
                return f"{tag}{f}: {_short(want.get(f))} vs {_short(v.values.get(f))}"
        if o.indicators != v.indicators:
            return f"{tag}indicators: {o.indicators} vs {v.indicators}"
        if o.problems != v.problems:
            lost = sorted(o.problems - v.problems)
            new = sorted(v.problems - o.problems)
            return (f"{tag}problems: {len(o.problems)} vs {len(v.problems)}; lost {_short(lost[0] if lost else None, 30)}"
                    f", new {_short(new[0] if new else None, 30)}")
        for rule in expect.checks.get(project, ()):
            if rule not in v.rules:
                return f"{tag}check {rule}: expected, got {sorted(v.rules)}"
    return None
