"""AppTest on the volume database (≥150 evaluations, ≥25 units, ≥5 years): every page runs, one
sign for lag, years ascending with every year of the range, one name per indicator level, a
ranked 屡次出现, and 评价明细's provenance (progress points, tab count, line ranges, titles)."""
from __future__ import annotations

import base64
import json
import re

import duckdb
import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from conftest_app import PAGES, ROOT


@pytest.fixture
def at_volume(volume_db, monkeypatch):
    monkeypatch.setenv("PERFEVAL_DB", str(volume_db))

    def run(page: str, query: dict | None = None) -> AppTest:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
        for k, v in (query or {}).items():
            at.query_params[k] = v
        if page != "app.py":
            at.switch_page(page)
        at.run()
        assert not at.exception, [e.message for e in at.exception]
        return at
    return run


def charts(at: AppTest) -> dict[str, dict]:
    """The page's plotly figures by widget key fragment (exec_heatmap, trend, …)."""
    out = {}
    for el in at.get("plotly_chart"):
        spec = json.loads(el.proto.spec)
        key = next((k for k in ("exec_heatmap", "cat_year", "unit_year", "trend", "grade_year", "score_year",
                                "progress_lag", "progress_curve", "dims", "losses") if k in el.proto.id), el.proto.id)
        out[key] = spec
    return out


def values(v) -> list:
    """A trace's data array: plotly writes numeric arrays as base64 typed arrays ({dtype, bdata})."""
    if isinstance(v, dict) and "bdata" in v:
        return np.frombuffer(base64.b64decode(v["bdata"]), dtype=np.dtype(v["dtype"])).tolist()
    return list(v)


def db_years(db) -> list[int]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        lo, hi = con.execute("SELECT min(year), max(year) FROM evaluations").fetchone()
    finally:
        con.close()
    return list(range(lo, hi + 1))


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_at_volume(page, at_volume):
    at = at_volume(page)
    assert at.title[0].value and not at.error


def test_year_axes_ascending_with_every_year(at_volume, volume_db):
    every = [f"{y}年" for y in db_years(volume_db)]
    figs = charts(at_volume("pages/3_scores.py"))
    for key in ("grade_year", "score_year"):
        assert figs[key]["layout"]["xaxis"]["categoryarray"] == every, key
    figs = charts(at_volume("pages/4_problems.py"))
    assert figs["cat_year"]["data"][0]["x"] == every  # 2018 … 2024, also a year without problems
    trend = figs["trend"]
    assert all(t["x"] == every for t in trend["data"])
    assert trend["layout"]["xaxis"]["tickvals"] == every
    figs = charts(at_volume("pages/1_execution.py"))
    assert figs["exec_heatmap"]["data"][0]["x"] == every


def test_lag_is_positive_behind_on_progress_and_overview(at_volume):
    at = at_volume("pages/2_progress.py")
    lag = next(d.value for d in at.dataframe if "落后序时进度" in d.value.columns)
    behind = lag[lag["累计进度"] < lag["序时进度"]]
    assert len(behind) and (behind["落后序时进度"] > 0).all()
    bars = charts(at)["progress_lag"]["data"]
    assert any(y > 0 for t in bars for y in values(t["y"]))
    colors = [t["marker"]["color"] for t in bars]
    assert len(set(colors)) == len(colors)  # a colour per source, not one red for all
    overview = at_volume("app.py")
    alerts = next(d.value for d in overview.dataframe if "落后" in d.value.columns)
    assert (alerts["落后"] > 0).all()


def test_one_name_per_indicator_level(at_volume):
    dims = charts(at_volume("pages/3_scores.py"))["dims"]["data"][0]["y"]
    assert len(dims) == len(set(dims)) and "产出指标" in dims
    assert "产出" not in dims and not any("分）" in d for d in dims)


def test_recurrence_ranked_by_category(at_volume):
    at = at_volume("pages/4_problems.py")
    ranked = next(d.value for d in at.dataframe if "排名" in d.value.columns)
    assert ranked["排名"].tolist() == sorted(ranked["排名"]) and ranked["排名"].iloc[0] == 1
    assert ranked["排名"].is_unique  # the tie-break makes the first line one category
    assert (ranked["涉及单位数"].diff().dropna() <= 0).all()


def test_detail_traces_progress_points_and_counts_its_rows(at_volume, volume_db):
    con = duckdb.connect(str(volume_db), read_only=True)
    try:
        eval_id, n_points, title, file_name = con.execute(
            "SELECT p.eval_id, count(*), any_value(d.title), any_value(d.file_name) FROM spending_progress p "
            "JOIN evaluations e USING (eval_id) JOIN documents d ON d.doc_id = e.doc_id "
            "WHERE d.title IS NOT NULL GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 1").fetchone()
    finally:
        con.close()
    at = at_volume("pages/5_detail.py", {"eval": eval_id})
    fields = at.dataframe[0].value
    label = at.tabs[0].label
    assert label == f"字段与出处（{len(fields)}）", (label, len(fields))
    progress = fields[fields["字段"].str.startswith("累计支出进度")]
    assert len(progress) == n_points >= 3
    # one line each: "第 589 行", not "第 589–589 行", in the evaluation's own file
    assert progress["出处"].str.fullmatch(re.escape(file_name) + r" 第 \d+ 行").all()
    everything = " ".join(fields["出处"].astype(str)) + " ".join(c.value for c in at.caption)
    assert not re.search(r"第 (\d+)–\1 行", everything)
    assert f"{title}（{file_name}）" in " ".join(c.value for c in at.caption)
