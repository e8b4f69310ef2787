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


def test_statements_in_one_unnumbered_paragraph_and_the_sign_off_after_them():
    from perfeval.ingest.extractors.findings import extract_findings
    from perfeval.ingest.model import Paragraph
    paras = [Paragraph(t, n, n) for n, t in enumerate([
        "存在问题：", "环保浮球改造补助标准偏低，改造完成率87%，未达到90%的目标；养殖户满意度83%，低于85%的目标值。",
        "填报单位（盖章）：某县海洋与渔业局    填报日期：2020年3月", "单位负责人：张××  填表人：李××"], 1)]
    assert [f.text for f in extract_findings(paras) if f.kind == "problem"] == [
        "环保浮球改造补助标准偏低，改造完成率87%，未达到90%的目标；", "养殖户满意度83%，低于85%的目标值。"]
