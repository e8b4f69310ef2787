"""The problem classifier on its own: the seeds' truth, statements written for these tests in other
wordings (tests/fixtures/problems_written.json, ≥ 5 per category), the held-out labelled set when
present, the taxonomy file, explanations, counter-phrases and word boundaries, and the anchor
prefilter (it may skip only signals that cannot match)."""
from __future__ import annotations

import collections
import copy
import hashlib
import json
import pathlib

import pytest

from perfeval.classify import taxonomy as clf

from conftest import FIXTURES, ROOT

SHARED_SEEDS = ROOT.parent / "shared" / "truth" / "seeds.json"


def truth_problems(path: pathlib.Path) -> list[tuple[str, list[str]]]:
    doc = json.loads(path.read_text(encoding="utf-8"))
    return [(p["text"], p["categories"]) for d in doc["documents"] for e in d["evaluations"]
            for p in e.get("problems", [])]


def written() -> list[dict]:
    return json.loads((FIXTURES / "problems_written.json").read_text(encoding="utf-8"))["statements"]


def accuracy(items: list[tuple[str, list[str]]]) -> tuple[float, list[str]]:
    misses = []
    for text, cats in items:
        got = clf.classify(text).category
        if got not in cats:
            misses.append(f"got {got}, want {cats}: {text[:40]}")
    return 1 - len(misses) / len(items), misses


@pytest.mark.parametrize("path", [SHARED_SEEDS if SHARED_SEEDS.exists() else FIXTURES / "seeds.json",
                                  FIXTURES / "general_truth.json"], ids=["seeds", "general"])
def test_every_truth_problem_gets_its_category(path):
    acc, misses = accuracy(truth_problems(path))
    assert acc == 1.0, misses


def test_written_statements_every_category():
    items = written()
    per = collections.Counter(i["category"] for i in items)
    assert set(per) == set(clf.CODES) and min(per.values()) >= 5, per
    ok: collections.Counter = collections.Counter()
    misses = []
    for i in items:
        got = clf.classify(i["text"]).category
        if got == i["category"]:
            ok[i["category"]] += 1
        else:
            misses.append(f"{i['batch']} got {got}, want {i['category']}: {i['text'][:40]}")
    total = sum(ok.values()) / len(items)
    print(f"\nwritten statements: {sum(ok.values())}/{len(items)} = {total:.3f}")
    assert total >= 0.95, misses
    for code in clf.CODES:
        assert ok[code] / per[code] >= 0.85, (code, [m for m in misses if f"want {code}" in m])


def load_labelled(path: pathlib.Path) -> list[tuple[str, list[str]]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    if isinstance(data, dict):
        data = next(v for v in data.values() if isinstance(v, list))
    out = []
    for item in data:
        cats = item.get("categories") or [item.get("category")]
        out.append((item["text"], [c for c in cats if c]))
    return out


def test_held_out_labelled_statements():
    """Statements labelled by a colleague, never used to tune the taxonomy: report the figure."""
    path = FIXTURES / "problems_labelled.json"
    items = load_labelled(path)
    acc, misses = accuracy(items)
    print(f"\nheld-out labelled statements: {round(acc * len(items))}/{len(items)} = {acc:.3f}")
    assert acc >= 0.85, misses


def test_taxonomy_file_lists_the_twelve_codes_with_chinese_labels():
    tax = clf.load_taxonomy()
    assert [c.code for c in tax.categories] == list(clf.CODES)
    for cat in tax.categories:
        assert cat.label and all("\u4e00" <= ch <= "\u9fff" or ch in "与和" for ch in cat.label), cat.label
        assert cat.definition
        if cat.code != "other":
            assert cat.signals and cat.topics, cat.code
            assert {s.weight for s in cat.signals} <= {2.0, 3.0}
    assert sum(len(c.counter) for c in tax.categories) >= 8


def test_bad_taxonomy_is_refused_in_chinese(tmp_path):
    text = clf.TAXONOMY_FILE.read_text(encoding="utf-8")
    bad = tmp_path / "bad.yaml"
    bad.write_text(text.replace("未签先付|", "未签先付(|", 1), encoding="utf-8")
    with pytest.raises(clf.TaxonomyError, match="不是有效的正则表达式"):
        clf.load_taxonomy(bad)
    missing = tmp_path / "missing.yaml"
    missing.write_text(text.replace("  coordination:", "  coordination_x:", 1), encoding="utf-8")
    with pytest.raises(clf.TaxonomyError, match="未知的类别代码"):
        clf.load_taxonomy(missing)


def test_edited_taxonomy_is_read_again(tmp_path):
    path = tmp_path / "t.yaml"
    text = clf.TAXONOMY_FILE.read_text(encoding="utf-8")
    path.write_text(text, encoding="utf-8")
    statement = "项目宣传力度不够，群众对政策的知晓率不高。"
    assert clf.classify(statement, str(path)).category == "other"
    path.write_text(text.replace("    topics: [协调,", "    topics: [宣传, 协调,", 1), encoding="utf-8")
    got = clf.classify(statement, str(path))
    assert got.category == "coordination" and any("宣传" in m for m in got.matched)


def test_explanation_is_what_the_text_says():
    text = "合同签订滞后。项目外包服务合同直至 2017 年 6 月才签订，此前已支付服务费用。"
    r = clf.classify(text)
    assert r.category == "contract_procurement"
    norm = clf.normalize_text(text)
    assert r.matched and all(m in norm for m in r.matched)
    ev = r.evidence["contract_procurement"]
    assert ev[0].in_title and ev[0].points == 2 * ev[0].weight
    assert r.score == sum(e.points for e in ev)


def test_secondary_categories():
    r = clf.classify("预算编制依据不足。项目按计划台数测算预算，未充分考虑居民协商周期，导致年末资金大量结余。")
    assert r.category == "budget_planning" and "execution" in r.secondary


@pytest.mark.parametrize("text, cat, word, want", [
    ("效益指标多为定性表述，难以衡量。", "output_shortfall", "效益", "goal_setting"),     # counter: 效益指标
    ("聘用合同制人员流动性较大，队伍不稳定。", "contract_procurement", "合同", "other"),  # counter: 合同制
    ("受极端天气影响，部分工程施工期缩短。", "project_management", "分工", "other"),      # 部分工程 ≠ 分工
    ("跨区域协查周期长。需通过协查函委托属地监管部门，回复不及时。", "oversight", "监管", "coordination"),
    ("全年预算执行率为100%，但绩效目标设置不够细化。", "execution", "执行率", "goal_setting"),
])
def test_counter_phrases_and_word_boundaries(text, cat, word, want):
    r = clf.classify(text)
    assert r.category == want, r.scores
    assert not any(word in e.phrase for e in r.evidence.get(cat, [])), r.evidence.get(cat)


def test_anchor_prefilter_skips_only_signals_that_cannot_match():
    tax = clf.load_taxonomy()
    brute = copy.copy(tax)  # every signal tried on every statement
    brute._always = [(ci, frozenset(range(len(c.signals)))) for ci, c in enumerate(tax.categories)]
    brute._always_counters = [(ci, si) for ci, c in enumerate(tax.categories) for si in range(len(c.counter))]
    brute._anchor_by_gram, brute._anchor_refs = {}, {}
    brute._anchor_gram_keys, brute._anchor_chars = frozenset(), frozenset()
    texts = [i["text"] for i in written()] + [t for t, _ in truth_problems(FIXTURES / "general_truth.json")]
    for t in texts:
        a, b = clf.classify(t, taxonomy=tax), clf.classify(t, taxonomy=brute)
        assert (a.category, a.secondary, a.matched, a.scores) == (b.category, b.secondary, b.matched, b.scores), t


def test_finding_key_ignores_spacing_and_punctuation_width():
    assert clf.finding_key("合同管理存在瑕疵，合同款支付有待规范。") == clf.finding_key("合同管理存在瑕疵, 合同款支付有待规范 .")
    assert clf.finding_key("合同管理存在瑕疵") != clf.finding_key("合同管理规范")


def test_finding_key_keeps_exactly_the_alphanumeric_characters():
    """Keys are stored with managers' corrections, so what they keep must never drift: exactly the
    characters str.isalnum() accepts, for every code point."""
    dropped = {chr(c) for c in range(0x110000) if clf._NOT_ALNUM.fullmatch(chr(c))}
    assert dropped == {chr(c) for c in range(0x110000) if not chr(c).isalnum()}
    assert clf.finding_key("资金_拨付 ①２ⅻ。") == hashlib.sha256("资金拨付①2ⅻ".encode()).hexdigest()[:20]
