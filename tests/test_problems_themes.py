"""Key terms (jieba + the domain dictionary), candidate themes among 'other' and weakly matched
problems, and recurrence: did the earlier year's suggestion or rectification address the category?"""
from __future__ import annotations

import pandas as pd
import pytest

from perfeval import dbread, themes

OTHER = [
    "项目宣传力度不够，群众对政策的知晓率不高。",
    "有关政策宣传解读不够，部分企业不了解申报条件。",
    "宣传形式单一，宣传渠道有限。",
    "部分设备老化严重，存在一定安全隐患。",
    "部分设备存在安全隐患，需要及时更新。",
    "冬季气温低，部分工程无法施工。",
]


def test_key_terms_use_words_not_substrings():
    terms = themes.key_terms("受极端天气影响，部分工程施工期缩短。")
    assert "工程" in terms and "分工" not in terms
    assert "部分" not in terms  # a stop word
    assert "合同管理" in themes.key_terms("合同管理存在瑕疵，合同款支付有待规范。")  # a taxonomy topic word
    assert all(len(t) >= 2 and not t.isdigit() for t in themes.key_terms("2019年执行率为87.30%，结余12万元。"))


def test_candidate_themes_group_by_shared_key_terms():
    res = themes.candidate_themes(OTHER)
    labels = {t.term: sorted(t.items) for t in res.themes}
    assert labels.get("宣传") == [0, 1, 2]
    assert any(items == [3, 4] for items in labels.values())  # 设备 / 安全隐患
    assert res.ungrouped == [5]
    assert res.n == len(OTHER)


def test_weak_means_other_or_below_the_strong_line():
    assert themes.is_weak("other", 0.0)
    assert themes.is_weak("execution", 2.0) and not themes.is_weak("execution", 6.0)
    assert not themes.is_weak("execution", None)  # rows from before match_score: trust them


def test_addressed_by_category_or_shared_key_terms():
    status, basis, texts = themes.addressed(
        "contract_procurement", ["合同管理存在瑕疵，合同款支付有待规范。"],
        ["加强合同管理，保障财政资金的使用规范性。", "建立对项目运维单位的考核标准及奖惩机制。"])
    assert status == "已针对" and "合同与采购管理" in basis and texts == ["加强合同管理，保障财政资金的使用规范性。"]
    status, basis, _ = themes.addressed(
        "other", ["部分设备老化严重，存在一定安全隐患。"], ["对老化设备开展安全隐患排查，分批更新。"])
    assert status == "已针对" and basis.startswith("共同关键词")
    assert themes.addressed("satisfaction", ["满意度调查对象笼统。"], ["加快项目支出进度。"])[0] == "未针对"
    assert themes.addressed("satisfaction", ["满意度调查对象笼统。"], [])[0] == "无建议记录"


def test_recurrence_on_the_samples(sample_db):
    rows = dbread.run(str(sample_db), "problem_recurrence", dict(dbread.Filters().params(), limit=100, per_year=8))
    rec = themes.recurrence(rows).set_index(["unit", "category"])
    unit = "北京市丰台区城市管理监督指挥中心"
    assert {c for u, c in rec.index if u == unit} >= {"goal_setting", "execution", "satisfaction"}
    for cat in ("goal_setting", "execution", "satisfaction"):
        r = rec.loc[(unit, cat)]
        assert r["years"] == "2019、2021" and r["n_years"] == 2
        assert r["status"] == "已针对", r["detail"]  # the 2019 report suggested exactly that
        assert r["advice"].startswith("2019年：") and r["last_year"] == 2021


@pytest.mark.parametrize("advice, want", [
    ({2019: ["加快项目支出进度，按月拨付。"], 2020: ["优化满意度调查方式。"]}, "部分针对"),
    ({2019: ["优化满意度调查方式。"], 2020: ["规范政府采购程序。"]}, "未针对"),
    ({}, "无建议记录"),
])
def test_recurrence_status_over_earlier_years(advice, want):
    rows = []
    for y in (2019, 2020, 2021):
        rows.append(dict(unit="某单位", category="execution", n_years=3, n_findings=3, year=y, eval_id=f"e{y}",
                         kind="problem", seq=1, text="资金支出进度滞后，年底集中支付。"))
        for i, t in enumerate(advice.get(y, []), 1):
            rows.append(dict(unit="某单位", category="execution", n_years=3, n_findings=3, year=y, eval_id=f"e{y}",
                             kind="suggestion", seq=i, text=t))
    rec = themes.recurrence(pd.DataFrame(rows))
    assert rec.iloc[0]["status"] == want, rec.iloc[0]["detail"]
    assert rec.iloc[0]["years"] == "2019、2020、2021"
