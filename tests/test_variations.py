"""Metamorphic tests of extraction (tests/variations): a document reworded the ways real ones
are — another money unit, synonyms of labels, columns reordered, a table as prose, problems moved,
full-width digits, another file format … — must give the records of the original.

The thresholds are what the extractor passes on this sample today, less a small margin, so a
regression fails here. The targets are ≥ 99 % overall and ≥ 97 % for every kind: raise these
constants as the extractor gets there. `python -m tests.variations` runs thousands of variants and
lists the failures.
"""
from __future__ import annotations

import pytest

from tests.variations.compare import Expect, compare, snapshot
from tests.variations.kinds import KINDS
from tests.variations.render import render
from tests.variations.runner import originals, run

SEED = 11
PER_KIND = 20          # variants per kind in this sample (~200 in all)
MIN_VARIANTS = 15      # a kind that makes fewer has stopped applying to the base documents
MIN_OVERALL = 0.92     # target 0.99; today 191/199 = 0.960 (0.774 when the generator was built)
MIN_PER_KIND = {       # target 0.97 each; today (seed 11): 19, 20, 20, 20, 20, 14/19, 18, 20, 20, 20 of 20
    "format": 0.90,
    "money_unit": 0.95,
    "yuan_under_wan_caption": 0.90,
    "label_synonyms": 0.90,
    "column_order": 0.90,
    "table_to_prose": 0.60,
    "problems_moved": 0.80,
    "fullwidth_digits": 0.90,
    "number_format": 0.95,
    "label_spacing": 0.95,
}


@pytest.fixture(scope="module")
def bases():
    return originals()


@pytest.fixture(scope="module")
def results(bases):
    return {r.kind: r for r in run(list(KINDS), PER_KIND, SEED, bases=bases)}


def test_every_kind_has_a_threshold():
    assert set(MIN_PER_KIND) == set(KINDS)


def test_base_documents(bases):
    # the block-model documents of make_holdout6/7 whose original rendering parses
    assert len(bases) >= 50
    assert {d.native for d, _ in bases} == {"docx", "xlsx", "pdf", "html"}


def test_comparison_sees_a_change(bases):
    doc, snap = bases[0]
    again = snapshot_of(doc)
    assert compare(snap, again) is None
    ev = again.evals[0]
    ev.values = dict(ev.values, budget_yuan=(ev.values.get("budget_yuan") or 0) * 1.01 + 100.0)
    assert compare(snap, again).startswith("budget_yuan")
    assert compare(snap, snapshot_of(doc), Expect(checks={ev.values["project"]: ("money_unit",)})) is not None


def snapshot_of(doc):
    from perfeval.pipeline import parse_bytes
    return snapshot(parse_bytes(*render(doc, doc.native)))


@pytest.mark.parametrize("kind", list(KINDS))
def test_kind_pass_rate(results, kind):
    res = results[kind]
    assert res.total >= MIN_VARIANTS, f"{kind}: only {res.total} variants"
    lines = "\n".join(f"{f.base} [{f.fmt}] {f.note[:50]} | {f.reason}" for f in res.failures[:15])
    assert res.rate >= MIN_PER_KIND[kind], f"{kind}: {res.passed}/{res.total}\n{lines}"


def test_overall_pass_rate(results):
    total = sum(r.total for r in results.values())
    passed = sum(r.passed for r in results.values())
    assert total >= MIN_VARIANTS * len(KINDS)
    assert passed / total >= MIN_OVERALL, f"{passed}/{total}"
