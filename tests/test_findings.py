"""perfeval.ingest.extractors.findings: problems, suggestions and rectifications under their headings,
split into numbered items with their lines."""
from __future__ import annotations

from perfeval.ingest.extractors import findings
from perfeval.ingest.model import Paragraph


def paragraphs(*texts: str) -> list[Paragraph]:
    return [Paragraph(t, i + 1, i + 1) for i, t in enumerate(texts)]


def test_items_under_problem_and_suggestion_headings():
    got = findings.extract_findings(paragraphs(
        "四、存在的问题",
        "1.绩效目标设置不够细化，部分指标未量化。",
        "2.项目资金拨付进度滞后，年底集中支付。",
        "五、改进建议",
        "1.细化绩效目标，做到可衡量可考核。",
    ))
    assert [(f.kind, f.line_start) for f in got] == [("problem", 2), ("problem", 3), ("suggestion", 5)]
    assert got[0].text.startswith("绩效目标设置不够细化")  # the item number is not part of the text


def test_inline_items_of_one_paragraph_are_split():
    got = findings.extract_findings(paragraphs(
        "存在的主要问题",
        "一是预算编制不够精准，调整频繁；二是合同管理不规范，存在先付款后签合同的情况。",
    ))
    assert [f.kind for f in got] == ["problem", "problem"]
    assert "合同管理不规范" in got[1].text and all(f.line_start == 2 for f in got)


def test_headings_are_recognised_by_kind():
    assert findings.heading_kind("（三）整改落实情况") == "rectification"
    assert findings.heading_kind("六、下一步工作措施") == "suggestion"
    assert findings.heading_kind("三、存在的问题及原因分析") == "problem"
    assert findings.heading_kind("二、项目资金使用情况") == "other"
    assert findings.is_heading("二、项目资金使用情况")
    assert not findings.is_heading("项目资金拨付及时，使用规范，未发现挤占挪用。")


def test_the_reasons_for_indicator_shortfalls_are_a_forms_problems_when_it_states_none_else():
    from perfeval.pipeline import parse_bytes
    text = ("2020年度项目支出绩效自评表\n项目名称\t苹果产业提质增效示范项目\n预算数（万元）\t125\n执行数（万元）\t118.64\n"
            "一级指标\t二级指标\t三级指标\t分值\t得分\t偏差原因\n"
            "产出指标\t数量指标\t技术培训人次\t20\t17\t技术培训集中在果树休眠期开展，部分果农未能参训\n"
            "产出指标\t质量指标\t优果率\t20\t20\t无\n总分\t\t\t100\t93\t\n")
    cand = parse_bytes(text.encode("utf-8"), "f.txt").evaluations[0].candidate
    assert [f.text for f in cand.findings if f.kind == "problem"] == ["技术培训集中在果树休眠期开展，部分果农未能参训"]
    # a 备注 column holds remarks, not problems
    cand = parse_bytes(text.replace("偏差原因", "备注").encode("utf-8"), "f.txt").evaluations[0].candidate
    assert not [f for f in cand.findings if f.kind == "problem"]


def test_statements_in_one_unnumbered_paragraph_and_the_sign_off_after_them():
    from perfeval.ingest.extractors.findings import extract_findings
    from perfeval.ingest.model import Paragraph
    paras = [Paragraph(t, n, n) for n, t in enumerate([
        "存在问题：", "环保浮球改造补助标准偏低，改造完成率87%，未达到90%的目标；养殖户满意度83%，低于85%的目标值。",
        "填报单位（盖章）：某县海洋与渔业局    填报日期：2020年3月", "单位负责人：张××  填表人：李××"], 1)]
    assert [f.text for f in extract_findings(paras) if f.kind == "problem"] == [
        "环保浮球改造补助标准偏低，改造完成率87%，未达到90%的目标；", "养殖户满意度83%，低于85%的目标值。"]


def test_measures_and_circumstances_in_a_reasons_column_are_no_problems():
    from perfeval.pipeline import parse_bytes
    text = ("2021年度项目支出绩效自评表\n项目名称\t网格化平台运维项目\n预算数（万元）\t80\n执行数（万元）\t76\n"
            "一级指标\t二级指标\t三级指标\t分值\t得分\t偏差原因分析及改进措施\n"
            "产出指标\t数量指标\t数据备份次数\t20\t18\t进一步做好数据备份。\n"
            "产出指标\t时效指标\t会议召开次数\t20\t19\t疫情防控限制会议次数。\n"
            "效益指标\t社会效益\t巡检覆盖率\t20\t17\t巡检人员不足，部分点位巡检滞后\n总分\t\t\t100\t94\t\n")
    cand = parse_bytes(text.encode("utf-8"), "f.txt").evaluations[0].candidate
    assert [f.text for f in cand.findings if f.kind == "problem"] == ["巡检人员不足，部分点位巡检滞后"]
