"""A department report's project sections are evaluations of their own; statements introduced by their kind are found."""
from __future__ import annotations

import pytest

from perfeval.pipeline import IngestError, parse_bytes

REPORT = """某市卫生健康委员会2022年度部门整体支出绩效评价报告

一、部门基本情况
某市卫生健康委员会2022年度部门整体支出预算8,650.00万元，全年支出8,120.40万元，预算执行率93.88%。

二、部门整体支出绩效情况
部门整体支出绩效评价得分为90.5分，等级为优。

三、重点项目绩效情况
（一）基本公共卫生服务补助项目
该项目年初预算1,500.00万元，全年支出1,452.30万元，预算执行率96.82%。项目绩效自评得分94分。存在问题：部分乡镇卫生院服务记录不规范。
（二）医疗卫生机构能力建设项目
该项目预算800.00万元，实际支出612.00万元，预算执行率76.50%，自评得分82分。存在问题：设备采购进度滞后，资金支出偏慢。建议：加快设备采购。

四、存在的问题
1.预算执行进度不均衡，下半年支出集中。
2.绩效目标编制质量有待提高。
"""


def _by_project():
    parsed = parse_bytes(REPORT.encode("utf-8"), "dept.txt")
    return {ev.candidate.get("project"): ev.candidate for ev in parsed.evaluations}


def test_each_project_section_is_an_evaluation_named_by_its_heading():
    found = _by_project()
    assert set(found) == {"部门整体支出", "基本公共卫生服务补助项目", "医疗卫生机构能力建设项目"}
    first, second = found["基本公共卫生服务补助项目"], found["医疗卫生机构能力建设项目"]
    assert (first.scope, first.get("spent_yuan"), first.get("execution_rate"), first.get("score")) == (
        "project", 14_523_000.0, 0.9682, 94.0)
    assert (second.get("budget_yuan"), second.get("spent_yuan"), second.get("score")) == (8_000_000.0, 6_120_000.0, 82.0)


def test_a_sections_figures_and_problems_stay_with_its_project():
    found = _by_project()
    dept = found["部门整体支出"]
    assert (dept.scope, dept.get("budget_yuan"), dept.get("spent_yuan"), dept.get("score")) == (
        "department", 86_500_000.0, 81_204_000.0, 90.5)
    assert [f.text for f in dept.findings] == ["预算执行进度不均衡，下半年支出集中。", "绩效目标编制质量有待提高。"]
    second = found["医疗卫生机构能力建设项目"]
    assert [(f.kind, f.text) for f in second.findings] == [("problem", "设备采购进度滞后，资金支出偏慢。"),
                                                           ("suggestion", "加快设备采购。")]
    assert [(f.kind, f.text) for f in found["基本公共卫生服务补助项目"].findings] == [
        ("problem", "部分乡镇卫生院服务记录不规范。")]


SUMMARIES = """某县交通运输局2023年度部门整体支出绩效自评报告

一、部门概况
2023年度部门整体支出预算3,600.00万元，实际支出3,420.00万元，预算执行率95.00%。专项资金共1,200.00万元，主要用于农村公路养护。

二、项目支出情况
农村公路养护工程项目年初预算600.00万元，实际支出585.00万元，执行率97.50%，自评得分92分。
乡村客运补贴资金预算180.00万元，支出150.00万元，执行率83.33%，自评得分85分。

三、自评结论
部门整体支出自评得分91分，等级为优。
"""


def test_projects_summarised_in_one_sentence_each_are_evaluations_and_keep_their_scores():
    parsed = parse_bytes(SUMMARIES.encode("utf-8"), "dept.txt")
    found = {ev.candidate.get("project"): ev.candidate for ev in parsed.evaluations}
    # named up to the first figure's label; a funds total of the unit is no evaluation
    assert set(found) == {"部门整体支出", "农村公路养护工程项目", "乡村客运补贴资金"}
    assert found["部门整体支出"].get("score") == 91.0  # not the first project's 92
    assert (found["农村公路养护工程项目"].get("budget_yuan"), found["农村公路养护工程项目"].get("score")) == (6_000_000.0, 92.0)
    assert found["乡村客运补贴资金"].get("spent_yuan") == 1_500_000.0


def test_a_plain_text_table_aligned_with_spaces_is_a_table():
    from perfeval.ingest.model import Table
    from perfeval.ingest.readers.text import parse_lines

    lines = ["某州2023年度项目绩效评价结果", "", "序号  部门  项目名称  预算数(万元)  得分",
             "1  州水务局  饮水安全工程  1320.00  89", "2  州教育局  实训基地建设  760.00  92.5", "",
             "说明：  以上为自评结果。"]
    blocks = parse_lines(lines)
    tables = [b for b in blocks if isinstance(b, Table)]
    assert len(tables) == 1 and [c.text for c in tables[0].rows[1]] == ["1", "州水务局", "饮水安全工程", "1320.00", "89"]
    assert (tables[0].line_start, tables[0].line_end) == (3, 5)
    assert blocks[-1].text.startswith("说明")  # one line that splits in two is no table


def test_a_progress_table_after_a_form_is_that_forms_progress():
    import pathlib

    form = (pathlib.Path(__file__).parent / "fixtures" / "general" / "g03_self_assessment_henan_zhengzhou_2023.txt").read_text("utf-8")
    table = "\n附：项目资金分月累计支出进度\n\t月份\n\t累计支出（万元）\n\t累计执行进度\n\n" + "".join(
        f"\t{m}月\n\t{v:.2f}\n\t{r}%\n\n" for m, v, r in ((3, 30.1, 15.3), (6, 80.2, 40.8), (9, 140.0, 71.2), (12, 183.62, 93.45)))
    parsed = parse_bytes((form + table).encode("utf-8"), "form.txt")
    assert len(parsed.evaluations) == 1
    progress = [(p.month, p.cumulative_rate) for p in parsed.evaluations[0].candidate.progress]
    assert progress == [(3, 0.153), (6, 0.408), (9, 0.712), (12, 0.9345)]


def test_projects_listed_one_after_another_in_one_paragraph_are_each_an_evaluation():
    text = ("某县民宗局2024年度部门整体支出绩效自评报告\n\n一、部门整体支出情况\n"
            "部门全年预算1,586.42万元，全年支出1,502.18万元，预算执行率94.69%。\n"
            "2024年我局共实施项目2个，其中：民族发展资金项目预算620.00万元，实际支出598.30万元，执行率96.50%，自评得分93分；"
            "民族团结创建经费预算85.00万元，实际支出71.40万元，执行率84.00%，自评得分86分。\n"
            "二、自评结论\n部门整体支出绩效自评得分91.3分，等级为优。\n三、改进措施\n1.加快项目实施进度。2.加强绩效自评质量审核。\n")
    parsed = parse_bytes(text.encode("utf-8"), "dept.txt")
    found = {ev.candidate.get("project"): ev.candidate for ev in parsed.evaluations}
    assert set(found) == {"部门整体支出", "民族发展资金", "民族团结创建经费"}  # no "2024年我局共实施项目2个"
    assert (found["民族团结创建经费"].get("spent_yuan"), found["民族团结创建经费"].get("score")) == (714_000.0, 86.0)
    assert [f.text for f in found["部门整体支出"].findings if f.kind == "suggestion"] == [
        "加快项目实施进度。", "加强绩效自评质量审核。"]


def test_a_list_introduced_by_a_lead_names_its_projects_whatever_their_names_say():
    text = ("某县农业农村局2024年度部门整体支出绩效评价报告\n一、部门整体支出情况\n"
            "部门全年预算3,586.00万元，全年支出3,402.00万元，预算执行率94.87%。\n"
            "2024年我局实施项目2个：村级光伏电站运维全年预算326.00万元、实际支出326.00万元、执行率100%，自评96分；"
            "庭院经济发展奖补全年预算680.00万元、实际支出598.40万元、执行率88.00%，自评84分。\n"
            "二、自评结论\n部门整体支出绩效评价得分91分，等级为优。\n")
    found = {ev.candidate.get("project"): ev.candidate for ev in parse_bytes(text.encode("utf-8"), "d.txt").evaluations}
    assert set(found) == {"部门整体支出", "村级光伏电站运维", "庭院经济发展奖补"}  # the lead is no project
    assert found["村级光伏电站运维"].get("score") == 96.0


def test_the_next_item_of_a_sections_list_ends_the_section_even_when_it_is_a_paragraph():
    text = ("某旗农牧局2021年度部门整体支出绩效评价报告\n一、部门整体支出情况\n"
            "2021年全年预算11,432.75万元，全年实际支出10,968.51万元，预算执行率95.94%。\n二、重点项目绩效情况\n"
            "（一）草原生态保护补助奖励资金\n该项目全年预算3,260.00万元，实际支出3,260.00万元，预算执行率100%。\n"
            "（二）其他项目。高标准农田建设项目全年预算2,400.00万元，实际支出2,205.60万元，执行率91.90%，自评得分89分；"
            "农机购置补贴全年预算1,150.00万元，实际支出1,138.50万元，执行率99.00%，自评得分96分。\n"
            "三、自评结论\n部门整体支出绩效评价得分93.2分，等级为优。\n")
    found = {ev.candidate.get("project"): ev.candidate for ev in parse_bytes(text.encode("utf-8"), "d.txt").evaluations}
    assert {"草原生态保护补助奖励资金", "高标准农田建设项目", "农机购置补贴"} <= set(found)
    assert found["草原生态保护补助奖励资金"].get("spent_yuan") == 32_600_000.0
    assert found["农机购置补贴"].get("score") == 96.0


def test_progress_periods_after_the_first_in_a_sentence_need_no_verb():
    from perfeval.ingest.extractors import text as tx
    s = tx.plain("从支出进度看，第一季度累计支出进度１２．４％，第二季度累计38.6%，第三季度累计67.2%，全年93.15%。")
    assert tx.find_progress(s) == [(3, 0.124), (6, 0.386), (9, 0.672), (12, 0.9315)]
    assert tx.find_progress(tx.plain("截至3月底累计支出进度8.5%，6月底42.3%，9月底71.5%。")) == [
        (3, 0.085), (6, 0.423), (9, 0.715)]


def test_a_month_row_takes_its_rates_from_the_cumulative_row_below_the_amounts():
    from perfeval.ingest.extractors.tables import read_progress_table
    from perfeval.ingest.model import Cell

    def row(*texts):
        return [Cell(t, 1, 1) for t in texts]
    rows = [row("月份", "3月", "6月", "9月", "12月"), row("累计支出（千元）", "236.0", "980.4", "1,820.7", "3,211.9"),
            row("当月支出进度", "3.1%", "9.4%", "10.3%", "11.2%"), row("累计支出进度", "6.8%", "28.4%", "52.8%", "93.1%")]
    assert [(p.month, p.cumulative_rate) for p in read_progress_table(rows)] == [
        (3, 0.068), (6, 0.284), (9, 0.528), (12, 0.931)]


def test_a_lists_rows_written_as_sentences_are_each_a_result():
    text = ("某市2020年度市级重点项目绩效评价结果\n"
            "根据绩效评价管理办法，市财政局对2个项目开展了绩效评价。\n"
            "序号为1，项目名称为瓯江干流治理工程，主管部门为丽水市水利局，预算资金为2.3560亿元，实际支出为2.1204亿元，"
            "执行率为90.00%，评价得分为88.2分，评价等级为良。\n"
            "序号为2，项目名称为四好农村路建设补助，主管部门为丽水市交通运输局，预算资金为1.8000亿元，实际支出为1.7532亿元，"
            "执行率为97.40%，评价得分为93分，评价等级为优。\n")
    found = {ev.candidate.get("project"): ev.candidate for ev in parse_bytes(text.encode("utf-8"), "r.txt").evaluations}
    assert set(found) == {"瓯江干流治理工程", "四好农村路建设补助"}
    c = found["四好农村路建设补助"]
    assert (c.get("budget_yuan"), c.get("spent_yuan"), c.get("score"), c.get("grade")) == (180_000_000.0, 175_320_000.0, 93.0, "优")


def test_a_lists_rows_written_with_its_bare_column_words_are_each_a_result():
    # the list's own headers (项目 | 部门 | 预算安排 …) as the sentences' labels, not a form's 项目名称
    text = ("某地区2019年度项目支出绩效评价结果\n"
            "部门为某地区自然资源局，项目为森林资源调查监测经费，预算安排为180.00万元，实际支出为171.54万元，"
            "执行率为95.30%，自评分为92，评价等级为优。\n"
            "部门为某地区民政局，项目为孤儿基本生活保障，预算安排为96.48万元，实际支出为96.48万元，"
            "执行率为100.00%，自评分为93，评价等级为优。\n")
    found = {ev.candidate.get("project"): ev.candidate for ev in parse_bytes(text.encode("utf-8"), "b.txt").evaluations}
    assert set(found) == {"森林资源调查监测经费", "孤儿基本生活保障"}
    c = found["森林资源调查监测经费"]
    assert (c.get("unit"), c.get("budget_yuan"), c.get("spent_yuan"), c.get("score")) == (
        "某地区自然资源局", 1_800_000.0, 1_715_400.0, 92.0)


def test_a_paragraph_of_the_units_figures_that_goes_on_to_a_projects_gives_both():
    text = ("某县自然资源局2022年度机关整体支出绩效自评报告\n二、机关整体支出情况\n"
            "2022年年初预算1,856.40万元，调整后全年预算2,104.56万元，全年实际支出2,013.06万元，预算执行率95.65%。"
            "其中，国土调查成果年度更新项目预算186.00万元，实际支出180.42万元，执行率97.00%，项目自评得分93分。\n"
            "三、自评结论\n本单位2022年度机关整体支出自评得分91分，等级为“优”。\n")
    found = {ev.candidate.get("project"): ev.candidate for ev in parse_bytes(text.encode("utf-8"), "d.txt").evaluations}
    assert set(found) == {"部门整体支出", "国土调查成果年度更新项目"}
    dept, project = found["部门整体支出"], found["国土调查成果年度更新项目"]
    assert (dept.get("budget_yuan"), dept.get("spent_yuan"), dept.get("score")) == (21_045_600.0, 20_130_600.0, 91.0)
    assert (project.get("budget_yuan"), project.get("spent_yuan"), project.get("score")) == (1_860_000.0, 1_804_200.0, 93.0)


def test_a_project_heading_run_into_its_first_paragraph_opens_its_section():
    text = ("某县文化旅游局2021年度部门整体支出绩效评价报告\n一、部门整体支出情况\n"
            "2021年全年预算安排基本支出1,264.38万元、项目支出1,518.42万元；全年实际支出基本支出1,264.38万元、"
            "项目支出1,297.65万元。\n二、项目支出绩效情况\n"
            "（一）民歌保护传承项目。该项目全年预算180.00万元，实际支出171.36万元，执行率95.20%。项目自评得分92分。\n"
            "（二）景区旅游公路标识标牌建设项目。该项目全年预算420.00万元，实际支出298.20万元，执行率71.00%。\n"
            "全年完成标识标牌安装186块。项目自评得分78.5分，评价等级为“中”。\n"
            "存在问题：标识标牌设计方案两次修改，招标延至9月。\n"
            "三、评价结论\n本部门2021年度整体支出绩效评价得分86.2分，评价等级为“良”。\n")
    found = {ev.candidate.get("project"): ev.candidate for ev in parse_bytes(text.encode("utf-8"), "r.txt").evaluations}
    assert set(found) == {"部门整体支出", "民歌保护传承项目", "景区旅游公路标识标牌建设项目"}
    dept, sign = found["部门整体支出"], found["景区旅游公路标识标牌建设项目"]
    # the parts of each figure (基本支出、项目支出) summed under the label before them
    assert (dept.get("budget_yuan"), dept.get("spent_yuan"), dept.get("score")) == (27_828_000.0, 25_620_300.0, 86.2)
    assert (sign.get("score"), sign.get("grade")) == (78.5, "中")
    assert [f.text for f in sign.findings if f.kind == "problem"] == ["标识标牌设计方案两次修改，招标延至9月。"]
    assert not [f for f in dept.findings if "标识标牌" in f.text]


def test_a_department_report_goes_on_after_the_forms_of_its_projects():
    form = "项目名称\t{0}\n全年预算（万元）\t{1}\t实际支出（万元）\t{2}\n执行率\t{3}\t评价得分\t{4}\n"
    text = ("某区卫生健康委员会\n2020年度部门整体支出绩效评价报告\n一、部门整体支出情况\n"
            "2020年度部门全年预算6,236.80万元，其中：基本支出3,420.50万元，项目支出2,816.30万元。全年实际支出5,984.33万元，"
            "其中：基本支出3,420.50万元，项目支出2,563.83万元，预算执行率95.95%。\n"
            "二、评价结论\n部门整体支出绩效评价得分89.5分，评价等级为良。\n三、重点项目评价情况\n（一）基本公共卫生服务项目\n"
            + form.format("基本公共卫生服务项目", "1,680.00", "1,612.80", "96.00%", "92")
            + "存在问题：部分签约居民随访记录不完整。\n（二）疾病预防控制专项经费\n"
            + form.format("疾病预防控制专项经费", "560.00", "448.00", "80.00%", "81")
            + "存在问题：疫苗冷链设备采购合同签订滞后。\n四、部门整体支出存在的问题\n"
            "1.内部控制制度更新不及时，部分制度仍为2016年制定。\n五、下一步工作\n1.全面梳理修订内部控制制度。\n")
    found = {ev.candidate.get("project"): ev.candidate for ev in parse_bytes(text.encode("utf-8"), "w.txt").evaluations}
    assert set(found) == {"部门整体支出", "基本公共卫生服务项目", "疾病预防控制专项经费"}
    dept, last = found["部门整体支出"], found["疾病预防控制专项经费"]
    assert dept.get("spent_yuan") == 59_843_300.0  # 其中 parts named one after another are no spending of their own
    assert [f.text for f in dept.findings if f.kind == "problem"] == ["内部控制制度更新不及时，部分制度仍为2016年制定。"]
    assert [f.text for f in last.findings if f.kind == "problem"] == ["疫苗冷链设备采购合同签订滞后。"]


def test_a_cover_letter_with_a_funds_total_is_no_evaluation():
    text = ("报送说明\n县财政局：\n现将我局2022年度绩效自评材料报送如下：\n1.部门整体支出绩效自评报告；\n"
            "2.基本公共卫生服务补助资金绩效自评表。\n以上材料涉及项目资金共计1,008.40万元。\n某县卫生健康局\n2023年3月20日\n")
    with pytest.raises(IngestError):
        parse_bytes(text.encode("utf-8"), "baosong.txt")


def test_the_parts_in_brackets_after_a_figure_are_no_figures_of_their_own():
    text = ("某县卫生健康局2022年度部门整体支出绩效自评报告\n"
            "一、部门整体支出情况。2022年全年预算3,640.60万元（基本支出1,286.00万元、项目支出2,354.60万元），"
            "全年支出3,517.88万元（基本支出1,286.00万元、项目支出2,231.88万元），预算执行率96.63%。\n"
            "二、自评结论。经自评，2022年度部门整体支出绩效自评得分90.5分，自评等级为优。\n")
    (ev,) = parse_bytes(text.encode("utf-8"), "d.txt").evaluations
    assert (ev.candidate.get("budget_yuan"), ev.candidate.get("spent_yuan")) == (36_406_000.0, 35_178_800.0)


def test_figures_the_evaluation_does_not_cover_are_not_its_own():
    text = ("“高标准农田建设”项目绩效评价报告\n一、项目概况\n项目由某旗农牧和科技局组织实施。"
            "2021年度同类项目预算2,600万元，已于上一年度完成评价，不在本次评价范围。\n"
            "二、资金使用情况\n2022年项目预算3,150.00万元，实际支出2,892.60万元，项目预算执行率为91.83%。\n"
            "三、评价结论\n项目综合得分84.5分，评价等级为良。\n")
    (ev,) = parse_bytes(text.encode("utf-8"), "r.txt").evaluations
    assert (ev.candidate.get("budget_yuan"), ev.candidate.get("spent_yuan")) == (31_500_000.0, 28_926_000.0)


def test_a_recap_of_dimension_scores_along_its_first_row():
    text = ("“农村客运公交化改造补助”项目绩效评价报告\n经综合评价，该项目得分83分，评价等级为“良”。各维度得分如下：\n"
            "评价维度\t决策\t过程\t产出\t效益\t合计\n分值\t20\t20\t40\t20\t100\n得分\t16.5\t17\t32.5\t17\t83\n")
    (ev,) = parse_bytes(text.encode("utf-8"), "r.txt").evaluations
    assert (ev.candidate.get("score_decision"), ev.candidate.get("score_process"), ev.candidate.get("score")) == (
        16.5, 17.0, 83.0)


@pytest.mark.parametrize("score_head, grade_head", [("评价得分", "评价等级"), ("实际得分", "等次")])
def test_a_recap_whose_score_column_is_named_in_other_words(score_head, grade_head):
    """The recap's score and grade columns are found by the vocabulary, not by one exact header."""
    text = ("“城区排水管网改造”项目绩效评价报告\n经综合评价，该项目得分85分。各维度得分见下表。\n"
            f"评价维度\t权重（分）\t{score_head}\t{grade_head}\n决策\t15\t13.5\t\n过程\t25\t21\t\n产出\t35\t30.5\t\n"
            f"效益\t25\t20\t\n综合得分\t100\t85\t良\n")
    (ev,) = parse_bytes(text.encode("utf-8"), "r.txt").evaluations
    c = ev.candidate
    assert (c.get("score_decision"), c.get("score_process"), c.get("score"), c.get("grade")) == (13.5, 21.0, 85.0, "良")


def test_a_numbered_list_of_quoted_projects_with_their_results_is_one_result_each():
    text = ("某县财政局关于2018年度财政项目绩效评价结果的公告\n根据县政府要求，县财政局对下列项目实施了重点绩效评价，现予公告：\n"
            "1．某县交通运输局“港区航道维护疏浚”项目，预算1,680.00万元，支出1,596.00万元，执行率95.00%，评价得分90分，评价等级优秀。\n"
            "2．某县民政局“社区居家养老服务补助”项目，预算588.00万元，支出534.49万元，执行率90.90%，评价得分86分，评价等级良好。\n"
            "评价结果为不合格的项目，由主管部门限期整改。\n")
    found = {ev.candidate.get("project"): ev.candidate for ev in parse_bytes(text.encode("utf-8"), "n.txt").evaluations}
    assert set(found) == {"港区航道维护疏浚", "社区居家养老服务补助"}
    c = found["社区居家养老服务补助"]
    assert (c.get("unit"), c.get("spent_yuan"), c.get("score"), c.get("grade")) == ("某县民政局", 5_344_900.0, 86.0, "良")


CIRCULAR = """某县财政局关于2021年度重点项目支出进度情况的通报

各有关单位：
现将2021年度县级重点项目支出进度情况通报如下。纳入通报范围的重点项目共2个，全年预算合计3,000.00万元。
（一）乡村道路改造工程。该项目由某县交通运输局负责实施，全年预算2,000.00万元。截至6月底累计支出800.00万元，支出进度40.00%；截至12月31日累计支出1,900.00万元，全年预算执行率95.00%。
（二）中小学校舍维修项目。该项目由某县教育局负责实施，全年预算1,000.00万元。截至6月底累计支出300.00万元，支出进度30.00%；截至12月31日累计支出980.00万元，全年预算执行率98.00%。
请各单位加快支出进度。

某县财政局
2022年1月10日
"""


def test_a_circulars_project_sections_are_its_evaluations_and_the_circular_is_none():
    """A circular (…情况的通报) is no evaluation: its projects with sections and figures of their own
    are, each with the unit said to carry it out and its year-end progress."""
    parsed = parse_bytes(CIRCULAR.encode("utf-8"), "circular.txt")
    got = {ev.get("project"): ev for ev in parsed.evaluations}
    assert set(got) == {"乡村道路改造工程", "中小学校舍维修项目"}
    road = got["乡村道路改造工程"]
    assert road.get("unit") == "某县交通运输局" and road.get("budget_yuan") == 20000000.0
    assert [(p.month, p.cumulative_rate) for p in road.candidate.progress] == [(6, 0.4), (12, 0.95)]


def test_a_notice_of_a_training_meeting_is_no_evaluation():
    """A notice that quotes a threshold score and the number of projects is refused, not an evaluation."""
    notice = ("某区财政局关于召开2023年度预算绩效自评工作培训会议的通知\n\n各预算单位：\n"
              "一、会议时间：2024年2月27日上午9:00。\n二、有关要求：2023年度纳入自评范围的项目共86个，涉及资金1.2亿元。"
              "自评得分90分以上的项目须附佐证材料。\n\n某区财政局\n2024年2月20日\n")
    with pytest.raises(IngestError, match="no recognisable evaluation"):
        parse_bytes(notice.encode("utf-8"), "notice.txt")


def test_a_paragraph_of_other_projects_after_a_section_is_not_that_sections():
    """"此外，A项目预算…；B项目预算…" after a project's section: A and B are evaluations of their own,
    not part of the section before."""
    text = ("某县林业局2022年度部门整体支出绩效评价报告\n一、部门整体支出情况\n"
            "2022年全年预算4,085.72万元，全年实际支出3,862.19万元，预算执行率94.53%。\n三、重点项目绩效情况\n"
            "（一）森林防火视频监控系统建设项目。全年预算386.00万元，实际支出301.08万元，执行率78.00%，自评得分81分。\n"
            "此外，退耕还林补助项目预算420.00万元，实际支出420.00万元，自评得分95分；林业有害生物防治项目预算68.50万元，"
            "实际支出61.20万元，自评得分88分。\n四、评价结论\n部门整体支出绩效评价得分90.6分，等级为优。\n")
    got = {ev.get("project"): ev.candidate for ev in parse_bytes(text.encode("utf-8"), "d.txt").evaluations}
    assert {"森林防火视频监控系统建设项目", "退耕还林补助项目", "林业有害生物防治项目"} <= set(got)
    assert got["森林防火视频监控系统建设项目"].get("spent_yuan") == 3_010_800.0
    assert got["林业有害生物防治项目"].get("score") == 88.0
