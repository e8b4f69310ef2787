"""Form labels are vocabulary terms with what documents put before them, not whole-cell spellings."""
from __future__ import annotations

import pytest

from perfeval.ingest.extractors.tables import label_key
from perfeval.pipeline import parse_bytes


@pytest.mark.parametrize("label, key", [
    ("存在的主要问题", "problems"), ("综合评价得分", "score"), ("年度预算数（万元）", "budget_yuan"),
    ("预算执行数", "spent_yuan"), ("绩效评价等次", "grade"), ("自评等级：", "grade"), ("决策得分", "score_decision"),
    ("绩效评价得分", "score"), ("项目实施单位", "unit"), ("2023年度预算数", "budget_yuan"),
    ("部门整体支出绩效评价得分", "score"), ("资金规模（万元）", "budget_yuan"), ("评价得分", "score"),
])
def test_a_label_is_a_term_with_its_qualifiers(label, key):
    assert label_key(label) == key


@pytest.mark.parametrize("text", ["年度总体目标", "单位：万元", "其中：当年财政拨款", "资金拨付进度偏慢，影响进度",
                                  "共计3项问题", "某县水利局"])
def test_what_is_no_label(text):
    assert label_key(text) is None


def test_a_value_ending_in_a_term_does_not_cut_the_value_after_a_label():
    assert label_key("资金使用存在问题") == "problems"
    assert label_key("资金使用存在问题", whole=True) is None


FORM = """某县2023年度项目支出绩效评价结果信息表
\t项目名称
\t农村饮水安全巩固提升工程

\t主管部门
\t某县水利局

\t年度预算数（万元）
\t320.5

\t预算执行数
\t301.2

\t综合评价得分
\t88.5

\t绩效评价等次
\t良

\t存在的主要问题
\t一是项目前期准备不充分，开工时间推迟；二是资金拨付进度偏慢。
"""


def test_a_form_in_other_wordings_gives_its_record():
    parsed = parse_bytes(FORM.encode("utf-8"), "form.txt")
    assert len(parsed.evaluations) == 1
    c = parsed.evaluations[0].candidate
    assert (c.get("project"), c.get("budget_yuan"), c.get("spent_yuan"), c.get("score"), c.get("grade")) == (
        "农村饮水安全巩固提升工程", 3_205_000.0, 3_012_000.0, 88.5, "良")
    assert [f.kind for f in c.findings] == ["problem", "problem"]


REPORT = """黔东南州某县民政局2023年度机关整体支出绩效自评报告

一、部门基本情况
某县民政局为县政府工作部门。2023年度机关整体支出预算数为2,356.80万元，实际支出2,201.35万元，预算执行率93.40%。

二、绩效自评结论
经自评，本部门整体支出绩效自评得分为91.2分，自评等级为优。
"""


def test_a_report_on_the_overall_spending_of_an_office_is_a_department_evaluation():
    parsed = parse_bytes(REPORT.encode("utf-8"), "report.txt")
    assert len(parsed.evaluations) == 1
    c = parsed.evaluations[0].candidate
    assert (c.scope, c.get("project"), c.get("score"), c.get("grade")) == ("department", "部门整体支出", 91.2, "优")
    assert c.get("region") == "贵州省黔东南苗族侗族自治州"  # named by its short name, 黔东南州


@pytest.mark.parametrize("name, region", [
    ("延边州财政局", "吉林省延边朝鲜族自治州"), ("内蒙古包头市财政局", "内蒙古自治区包头市"),
    ("贵州遵义市教育局", "贵州省遵义市"), ("广西南宁市财政局", "广西壮族自治区南宁市"),
    ("东方红小学", None),  # a city's name without its 市 is too often a word
    # a prefecture's short name no rule derives, before the county that says where it is
    ("巴州轮台县林业和草原局", "新疆维吾尔自治区巴音郭楞蒙古自治州轮台县"), ("巴州区教育局", "四川省巴中市巴州区"),
])
def test_regions_named_by_their_short_names(name, region):
    from perfeval.ingest.context import region_of

    assert region_of(name) == region


def test_unnumbered_statements_in_one_cell_are_one_finding_each():
    from perfeval.ingest.extractors.findings import split_items

    items = split_items("资金拨付不及时，影响进度；绩效目标不够明确。", 5, 5)
    assert [t for t, _, _ in items] == ["资金拨付不及时，影响进度；", "绩效目标不够明确。"]
    assert [t for t, _, _ in split_items("一是资金拨付不及时；二是目标不明确。", 5, 5)] == ["资金拨付不及时；", "目标不明确。"]


@pytest.mark.parametrize("text, read", [
    ("项目自评得分为九十二点五分", "项目自评得分为92.5分"), ("执行率为百分之九十五", "执行率为95%"),
    ("决策指标得分十七分", "决策指标得分17分"),
    ("总分为一百分", "总分为100分"), ("共计三百万元", "共计300万元"),
    ("十分重要", "十分重要"), ("一是资金拨付慢", "一是资金拨付慢"), ("第三季度", "第三季度"),
])
def test_numbers_written_in_chinese_where_a_figure_stands(text, read):
    from perfeval.ingest.normalize import chinese_numerals

    assert chinese_numerals(text) == read


COMPONENTS = """某县2024年度农村危房改造补助资金项目绩效自评报告

一、项目概况
农村危房改造补助资金由某县住房和城乡建设局实施。项目预算安排中央补助资金300万元、省级补助资金150万元、县级配套资金50万元。截至2024年12月31日，实际支出中央补助资金290万元、省级补助资金140万元、县级配套资金45万元，预算执行率95%。

二、自评结论
项目自评得分为九十二点五分，自评等级为优。
"""


def test_budget_and_spending_stated_as_their_parts_are_summed():
    parsed = parse_bytes(COMPONENTS.encode("utf-8"), "report.txt")
    c = parsed.evaluations[0].candidate
    assert (c.get("budget_yuan"), c.get("spent_yuan"), c.get("execution_rate"), c.get("score")) == (
        5_000_000.0, 4_750_000.0, 0.95, 92.5)
    assert not [k for k in parsed.evaluations[0].checks if k.rule == "rate_mismatch"]
    # the parts after a stated total are parts, not a second total
    from perfeval.ingest.extractors.text import labelled_amounts

    assert [(a.kind, a.yuan) for a in labelled_amounts("项目预算500万元，其中中央资金300万元、省级资金200万元。")] == [
        ("budget_yuan", 5_000_000.0)]


def test_a_district_name_several_cities_share_is_read_against_the_division_the_document_names():
    from perfeval.ingest.context import region_of

    assert region_of("朝阳区财政局") is None  # Beijing's or Changchun's: not guessed
    assert region_of("朝阳区财政局", ["220000"]) == "吉林省长春市朝阳区"
    assert region_of("门源县教育局") == "青海省海北藏族自治州门源回族自治县"  # an autonomous county's short name


def test_the_region_of_a_unit_without_one_comes_from_the_title():
    text = "青海省门源县2021年度项目支出绩效自评报告\n\n项目名称：乡村道路养护项目\n项目单位：县交通运输局\n" \
           "项目预算50万元，实际支出48万元，预算执行率96%。自评得分为90分，等级为优。\n"
    c = parse_bytes(text.encode("utf-8"), "r.txt").evaluations[0].candidate
    assert c.get("region") == "青海省海北藏族自治州门源回族自治县"


@pytest.mark.parametrize("cell, read", [
    ("94.27分（优）", (94.27, "优")), ("良好（85.5分）", (85.5, "良")), ("91", (91.0, None)), ("优秀", (None, "优")),
    ("得分：91.2分，等级：优", (91.2, "优")), ("2023", (None, None)),
])
def test_one_score_reader_for_every_cell_that_states_a_score_or_grade(cell, read):
    from perfeval.ingest.normalize import read_score

    assert read_score(cell) == read


def test_spending_stated_per_source_is_the_sum_of_its_parts():
    from perfeval.ingest.extractors.text import labelled_amounts

    sentence = "截至2022年12月31日，中央资金支出780.00万元，自治区资金支出200.00万元，市本级资金支出120.50万元。"
    assert [(a.kind, a.yuan) for a in labelled_amounts(sentence)] == [("spent_yuan", 11_005_000.0)]
    parts = "项目资金由中央衔接推进乡村振兴补助资金800.00万元、自治区财政资金200.00万元、市本级配套资金150.00万元组成。"
    assert [(a.kind, a.yuan) for a in labelled_amounts(parts)] == [("budget_yuan", 11_500_000.0)]
    assert [(a.kind, a.yuan) for a in labelled_amounts("中央预算300万元，实际支出280万元。")] == [
        ("budget_yuan", 3_000_000.0), ("spent_yuan", 2_800_000.0)]


def test_a_date_is_weak_evidence_of_the_fiscal_year_but_its_last_day_is_not():
    from perfeval.ingest.normalize import year_votes

    assert year_votes("评价组于2023年4月开展评价")[2023] < year_votes("2022年项目")[2022]
    assert year_votes("截至2022年12月31日")[2022] == year_votes("2022年项目")[2022]


def test_items_numbered_with_chinese_numerals_in_brackets_inside_one_paragraph():
    from perfeval.ingest.extractors.findings import extract_findings
    from perfeval.ingest.model import Paragraph

    found = extract_findings([Paragraph("六、改进建议", 1, 1),
                              Paragraph("（一）提前启动政府采购程序。（二）配齐配强基层财务人员。（三）完善考核办法。", 2, 2)])
    assert [f.text for f in found] == ["提前启动政府采购程序。", "配齐配强基层财务人员。", "完善考核办法。"]


@pytest.mark.parametrize("label, key", [
    ("年初预算安排", "budget_initial_yuan"), ("执行单位", "unit"), ("自评总分", "score"), ("项目主管部门", "department"),
])
def test_synonyms_other_authors_write(label, key):
    assert label_key(label) == key


def test_a_qualified_label_right_after_a_value_is_a_label():
    # "实施单位 | X | 项目主管部门 | Y": 项目 only narrows the term, so Y is not part of X
    assert label_key("项目主管部门", whole=True) == "department"
    assert label_key("全年实际支出", whole=True) == "spent_yuan"


def test_column_terms_after_a_qualifier():
    from perfeval.ingest.extractors.tables import funds_header, indicator_header
    from perfeval.ingest.model import Cell

    def row(*texts):
        return [Cell(t, 1, 1) for t in texts]
    assert indicator_header(row("一级指标", "二级指标", "三级指标", "指标权重", "实际得分")) == {
        "level1": 0, "level2": 1, "name": 2, "weight": 3, "score": 4}
    assert indicator_header(row("三级指标", "指标分值", "得分率")) is None  # 得分率 is no score
    assert funds_header(row("项目", "年初预算安排", "全年预算数", "全年实际支出", "执行率")) == {
        "budget_initial_yuan": 1, "budget_yuan": 2, "spent_yuan": 3, "execution_rate": 4}


def test_the_total_row_reads_the_score_column_when_score_comes_before_the_weight():
    text = ("2022年度项目支出绩效自评表\n项目名称\t农村区域供水管网改造项目\n预算数（万元）\t1520\n执行数（万元）\t1398.4\n"
            "一级指标\t二级指标\t三级指标\t得分\t分值\n产出指标\t数量指标\t新建管网\t36\t40\n效益指标\t社会效益\t受益人口\t50.5\t60\n"
            "总分\t\t\t86.5\t100\n")
    cand = parse_bytes(text.encode("utf-8"), "f.txt").evaluations[0].candidate
    assert cand.get("score") == 86.5


def test_funds_columns_of_this_year_and_bare_list_columns():
    from perfeval.ingest.extractors.forms import column_key
    from perfeval.ingest.extractors.tables import funds_header
    from perfeval.ingest.model import Cell

    def row(*texts):
        return [Cell(t, 1, 1) for t in texts]
    assert funds_header(row("资金（万元）", "上年执行数", "本年年初预算", "本年调整预算", "本年执行数", "执行率")) == {
        "budget_initial_yuan": 2, "budget_yuan": 3, "spent_yuan": 4, "execution_rate": 5}  # not last year's
    assert funds_header(row("资金来源", "年初预算", "全年预算", "全年执行", "执行率")) == {
        "budget_initial_yuan": 1, "budget_yuan": 2, "spent_yuan": 3, "execution_rate": 4}
    assert [column_key(c) for c in row("预算（万元）", "支出（万元）", "评价分", "项目支出")] == [
        "budget_yuan", "spent_yuan", "score", None]  # 项目支出 as a row label is a part of the spending


@pytest.mark.parametrize("label, key", [
    ("项目（部门）名称", "project"), ("部门（单位）名称", "unit"), ("预算（调整）数（万元）", "budget_yuan"),
])
def test_a_bracketed_aside_inside_a_label_leaves_its_term(label, key):
    assert label_key(label) == key


def test_a_value_set_a_row_above_its_label_is_the_labels():
    # a scan's rows come from the text's positions: a value centred in a tall merged cell lands a
    # row above its label, the row of the label holding nothing else
    text = ("项目支出绩效自评表（2021年度）\n"
            "\t某县茶园绿色防控补助项目\t\t\n项目名称\t\t\t\n主管部门\t某县农业农村局\t实施单位\t某县农业农村局\n"
            "资金（万元）\t年初预算数\t全年预算数\t全年执行数\t执行率\n\t150.00\t150.00\t138.75\t92.50%\n"
            "\t1.示范片分布较散，集中连片示范效果不明显。\t\t\t\n存在问题\t\t\t\t\n总分\t93.25\t\t\t\n")
    (ev,) = parse_bytes(text.encode("utf-8"), "scan.txt").evaluations
    c = ev.candidate
    assert (c.get("project"), c.get("budget_yuan"), c.get("spent_yuan")) == ("某县茶园绿色防控补助项目", 1_500_000.0, 1_387_500.0)
    assert [f.text for f in c.findings if f.kind == "problem"] == ["示范片分布较散，集中连片示范效果不明显。"]
