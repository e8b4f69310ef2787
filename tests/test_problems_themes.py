"""Key terms (jieba + the domain dictionary), candidate themes among 'other' and weakly matched
problems, and recurrence: did the earlier year's suggestion or rectification address the category?"""
from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from perfeval.app import dbread
from perfeval.classify import themes

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


def test_group_by_terms_equals_recounting_every_round():
    """The incremental term counts choose the same themes as counting the remaining statements anew."""
    import collections
    import random
    rnd = random.Random(3)
    words = [f"词{i}" for i in range(40)]
    terms = [rnd.sample(words, rnd.randint(0, 5)) for _ in range(400)]
    hints = [rnd.choice([None, "execution", "oversight"]) for _ in terms]
    got = themes.group_by_terms(terms, hints)
    sets, remaining, want = [set(t) for t in terms], set(range(len(terms))), []
    while remaining and len(want) < 30:
        df = collections.Counter(w for i in remaining for w in sets[i])
        if not df:
            break
        term, n = max(df.items(), key=lambda kv: (kv[1], len(kv[0]), kv[0]))
        if n < 2:
            break
        items = sorted(i for i in remaining if term in sets[i])
        want.append((term, items))
        remaining -= set(items)
    assert [(t.term, t.items) for t in got.themes] == want
    assert got.ungrouped == sorted(remaining)


def recurrence(db, **filters) -> pd.DataFrame:
    return dbread.run(str(db), "problem_recurrence", dict(dbread.Filters(**filters).params(), limit=100))


def test_recurrence_on_the_samples(sample_db):
    rec = recurrence(sample_db).set_index(["unit", "category"])
    unit = "北京市丰台区城市管理监督指挥中心"
    assert {c for u, c in rec.index if u == unit} >= {"goal_setting", "execution", "satisfaction"}
    for cat in ("goal_setting", "execution", "satisfaction"):
        r = rec.loc[(unit, cat)]
        assert r["years"] == "2019、2021" and r["n_years"] == 2 and r["last_year"] == 2021
        assert r["status"] == "已针对", r["detail"]  # the 2019 report suggested exactly that
        assert r["detail"].startswith("2019年已针对（") and "归入同类" in r["detail"]
    texts = dbread.run(str(sample_db), "problem_recurrence_texts",
                       dict(dbread.Filters().params(), unit=unit, category="execution", last_year=2021))
    hits = texts[(texts["kind"] == "suggestion") & texts["addresses"]]
    assert len(hits) == 1 and hits["year"].tolist() == [2019] and "支出进度" in hits["text"].iloc[0]
    assert set(texts.loc[texts["kind"] == "problem", "year"]) == {2021}


def synthetic_unit_db(path, advice: dict[int, list[str]]):
    """One unit whose execution problem recurs in 2019–2021, with the given advice per year."""
    from perfeval.store import rollups
    from perfeval.store import writer as store
    con = duckdb.connect(str(path))
    try:
        store.ensure_schema(con)
        rollups.ensure(con)
        for y in (2019, 2020, 2021):
            con.execute("INSERT INTO documents (doc_id, file_name, sha256, file_format, ingested_at) "
                        "VALUES (?, ?, ?, 'txt', now())",
                        [f"d{y}", f"{y}.txt", f"sha{y}"])
            con.execute("INSERT INTO evaluations (eval_id, doc_id, region, unit, year, project, scope, source_kind) "
                        "VALUES (?, ?, '某市', '某单位', ?, '某项目', 'project', 'evaluation_report')",
                        [f"e{y}", f"d{y}", y])
            con.execute("INSERT INTO findings (eval_id, kind, seq, text, category, match_score, category_source) "
                        "VALUES (?, 'problem', 1, '资金支出进度滞后，年底集中支付。', 'execution', 6, 'auto')", [f"e{y}"])
            for i, t in enumerate(advice.get(y, []), 1):
                con.execute("INSERT INTO findings (eval_id, kind, seq, text) VALUES (?, 'suggestion', ?, ?)",
                            [f"e{y}", i, t])
        rollups.rebuild(con)
    finally:
        con.close()
    return path


@pytest.mark.parametrize("advice, want, per_year", [
    ({2019: ["加快项目支出进度，按月拨付。"], 2020: ["优化满意度调查方式。"]}, "部分针对", ["已针对", "未针对"]),
    ({2019: ["优化满意度调查方式。"], 2020: ["规范政府采购程序。"]}, "未针对", ["未针对", "未针对"]),
    ({2019: ["加快项目支出进度，按月拨付。"], 2020: ["资金支出进度应提前，避免年底集中支付。"]}, "已针对",
     ["已针对", "已针对"]),
    ({2020: ["优化满意度调查方式。"]}, "未针对", ["无建议记录", "未针对"]),
    ({}, "无建议记录", ["无建议记录", "无建议记录"]),
])
def test_recurrence_status_over_earlier_years(tmp_path, advice, want, per_year):
    db = synthetic_unit_db(tmp_path / "u.duckdb", advice)
    rec = recurrence(db)
    assert len(rec) == 1 and rec.iloc[0]["years"] == "2019、2020、2021" and rec.iloc[0]["n_pairs"] == 1
    assert rec.iloc[0]["status"] == want, rec.iloc[0]["detail"]
    assert [part[5:8] for part in rec.iloc[0]["detail"].split("；")] == [s[:3] for s in per_year]
    assert rec.iloc[0]["detail"].startswith("2019年" + per_year[0])
    # the filters apply to the advice too: without 2019 the pair spans 2020–2021 only
    later = recurrence(db, year_from=2020)
    assert later.iloc[0]["years"] == "2020、2021" and later.iloc[0]["detail"].startswith("2020年" + per_year[1])
