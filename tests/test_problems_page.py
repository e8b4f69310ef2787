"""AppTest: the 问题归类 page — explanation, correction (select + save) through perfeval.store.problems,
recurrence with the earlier years' advice, candidate themes; everything in Chinese."""
from __future__ import annotations

import os
import pathlib
import re

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from perfeval.classify import taxonomy as clf
from perfeval.store import rollups

from conftest_app import ROOT, account_session, build_sample_db

PAGE = "pages/4_problems.py"
CODES = re.compile(r"\b(" + "|".join(clf.CODES) + r")\b")


@pytest.fixture
def db(tmp_path, monkeypatch) -> pathlib.Path:
    path = build_sample_db(tmp_path / "samples.duckdb")
    monkeypatch.setenv("PERFEVAL_DB", str(path))
    return path


def run(select: dict | None = None, role: str | None = "editor") -> AppTest:
    """The page as ``role`` sees it (an editor may correct categories; None: a visitor)."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    if role:
        at.session_state["perfeval_session"] = account_session(pathlib.Path(os.environ["PERFEVAL_DB"]), role)
    at.switch_page(PAGE)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    for key, rows in (select or {}).items():
        at.session_state[key] = {"selection": {"rows": rows, "columns": [], "cells": []}}
    if select:
        at.run()
        assert not at.exception, [e.message for e in at.exception]
    return at


def frame(at: AppTest, column: str):
    return next(d.value for d in at.dataframe if column in d.value.columns)


def visible_text(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [h.value for h in at.subheader]
    parts += [m.label for m in at.metric] + [b.label for b in at.button] + [s.label for s in at.selectbox]
    return "\n".join(map(str, parts))


def test_page_shows_explanations_recurrence_and_counts(db):
    at = run()
    m = {x.label: x.value for x in at.metric}
    assert m["问题条数"] == "17" and m["屡次出现（单位×类别）"] == "3"
    assert m["归入「其他」或弱匹配"] == "0" and m["人工修正"] == "0"
    rec = frame(at, "之前年度建议是否针对")
    assert len(rec) == 3 and set(rec["之前年度建议是否针对"]) == {"已针对"}
    assert set(rec["出现年度"]) == {"2019、2021"}
    stm = frame(at, "归类依据")
    assert stm["归类依据"].notna().all() and set(stm["归类来源"]) == {"自动"}
    for df in at.dataframe:  # category codes never reach the screen
        assert not CODES.search(df.value.to_csv()), df.value.columns
    assert not CODES.search(visible_text(at))


def test_recurrence_row_shows_the_earlier_advice(db):
    at = run({"t_repeat": [0]})
    texts = [t.value for t in at.text]
    assert any(t.startswith("2019年：") for t in texts)
    assert any("2021年仍出现的问题" in m.value for m in at.markdown)


def test_select_explain_and_correct_a_statement(db):
    at = run({"t_stm": [0]})
    expl = frame(at, "命中原文")
    assert len(expl) >= 1 and (expl["类别得分"] > 0).all()
    first = frame(at, "归类依据").iloc[0]
    assert first["问题表述"] in [t.value for t in at.text]  # the report text, shown as plain text
    at.selectbox(key="fix_cat").set_value("coordination")
    at.text_input(key="fix_note").set_value("复核后修正")
    at.button(key="fix_save").click()
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert any("已将" in s.value and "部门协同与配合" in s.value for s in at.success)
    assert {x.label: x.value for x in at.metric}["人工修正"] == "1"
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.execute("SELECT category, note FROM finding_corrections").fetchall() == [("coordination", "复核后修正")]
        text = first["问题表述"]
        assert con.execute("SELECT category, category_source FROM findings WHERE text = ? AND kind = 'problem'",
                           [text]).fetchall()[0] == ("coordination", "manual")
    finally:
        con.close()
    stm = frame(at, "归类依据")
    assert "人工修正" in set(stm["归类来源"])
    # the detail panel now offers to go back to the classifier
    at.session_state["t_stm"] = {"selection": {"rows": list(stm.index[stm["归类来源"] == "人工修正"][:1]),
                                               "columns": [], "cells": []}}
    at.run()
    at.button(key="fix_clear").click()
    at.run()
    assert not at.exception
    assert {x.label: x.value for x in at.metric}["人工修正"] == "0"


def test_candidate_themes_for_other_and_weak_problems(db):
    con = duckdb.connect(str(db))
    try:  # pretend the taxonomy did not place a few statements (as after removing phrases)
        con.execute("""UPDATE findings SET category = 'other', match_score = 0, matched_terms = NULL
                       WHERE kind = 'problem' AND (text LIKE '%满意度%' OR text LIKE '%考核%')""")
        rollups.rebuild_findings(con)
    finally:
        con.close()
    at = run({"t_themes": [0]})
    th = frame(at, "共同关键词")
    assert len(th) >= 1 and th["问题条数"].iloc[0] >= 2
    assert not CODES.search(th.to_csv())
    items = frame(at, "当前类别")
    assert len(items) == th["问题条数"].iloc[0] and set(items["当前类别"]) == {"其他"}
    assert any("data/taxonomy.yaml" in c.value for c in at.caption)


def test_database_from_an_older_perfeval_gets_guidance(db):
    con = duckdb.connect(str(db))
    try:
        con.execute("CREATE TABLE f_old AS SELECT eval_id, kind, seq, text, category, categories_secondary, "
                    "matched_terms, line_start, line_end FROM findings")
        con.execute("DROP TABLE findings")
        con.execute("ALTER TABLE f_old RENAME TO findings")
    finally:
        con.close()
    at = run()
    assert any("较早版本" in i.value for i in at.info)
    assert "perfeval reclassify" in "".join(c.value for c in at.code)
