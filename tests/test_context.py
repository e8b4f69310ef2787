"""perfeval.ingest.context: what a document says about all its evaluations (unit, short names, fiscal year,
money unit), the region of a unit name, and project_key, the one identity of a project name."""
from __future__ import annotations

import duckdb

from perfeval.ingest import assemble, context
from perfeval.ingest.model import Document, Paragraph

from conftest_app import SAMPLES, ingest


def doc_of(*texts: str) -> Document:
    return Document([Paragraph(t, i + 1, i + 1) for i, t in enumerate(texts)], list(texts))


def test_unit_year_alias_and_money_unit_from_the_document_head():
    ctx = context.document_context(doc_of(
        "杭州市西湖区城市管理局",
        "2023年度部门整体支出绩效自评报告",
        "杭州市西湖区城市管理局（以下简称“区城管局”）负责市容管理。",
        "单位：万元",
        "2022年12月31日前完成上年度结转。"))
    assert ctx.unit == "杭州市西湖区城市管理局" and ctx.unit_lines == (1, 1)
    assert ctx.year == 2023 and ctx.year_lines == (2, 2)  # 年度 in a title outweighs a date's year
    assert ctx.aliases == {"区城管局": "杭州市西湖区城市管理局"}
    assert ctx.money_unit == "万元"
    assert ctx.canonical_unit("区城管局") == "杭州市西湖区城市管理局"


def test_a_title_led_by_the_unit_names_it():
    ctx = context.document_context(doc_of("某市住房公积金管理中心2024年度项目支出月度进度表"))
    assert ctx.unit == "某市住房公积金管理中心" and ctx.year == 2024


def test_region_of_completes_the_region_upward_and_refuses_to_guess():
    assert context.region_of("三亚市旅游发展局") == "海南省三亚市"
    assert context.region_of("杭州市西湖区城市管理局") == "浙江省杭州市西湖区"
    assert context.region_of("财政局") is None
    assert context.region_of(None) is None


def test_project_key_sets_aside_region_year_spacing_and_trailing_project():
    key = context.project_key
    assert key("武鸣区2024年学前教育发展专项资金") == "学前教育发展专项资金"
    assert key("2021年度聘用人员工资及管理费用项目") == key("聘用人员工资及管理费用") == "聘用人员工资及管理费用"
    assert key("“智慧城管” 平台运维（二期）") == key("智慧城管平台运维(二期)")
    assert key("道路维修2023年项目") == "道路维修"
    assert key("项目") == "项目"  # nothing left to compare would merge every unnamed project
    assert key("学前教育") != key("学前教育发展专项资金")
    assert key(None) == key("") == ""


def test_mentions_with_equal_project_keys_are_one_object():
    assert assemble.same_name("武鸣区2024年度学前教育发展专项资金项目", "学前教育发展专项资金")
    assert not assemble.same_name("道路维修", "城乡环境整治专项")


def test_eval_projects_are_keyed_by_project_key(tmp_path):
    db = tmp_path / "samples.duckdb"
    assert ingest(db, SAMPLES).returncode == 0
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute("SELECT project, project_key FROM eval_projects").fetchall()
    assert rows and all(stored == context.project_key(project) for project, stored in rows)
