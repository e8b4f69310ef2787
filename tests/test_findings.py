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


def test_a_problem_row_under_a_reports_scoring_table_gives_its_problems_once():
    """A report whose scoring table ends in a 存在问题 row (as forms have it): the row's items are the
    report's problems, next to those of its own sections, and a statement said in both is kept once."""
    import io

    import docx

    from perfeval.pipeline import parse_bytes

    doc = docx.Document()
    for text in ("某县2022年度农村道路养护项目绩效评价报告",
                 "项目预算300.00万元，实际支出270.00万元，预算执行率90.00%。经评价，综合得分85分，等级为良。",
                 "附表：绩效评价指标评分表"):
        doc.add_paragraph(text)
    rows = [["一级指标", "二级指标", "三级指标", "分值", "得分"],
            ["决策", "项目立项", "立项依据充分性", "20", "18"],
            ["过程", "资金管理", "资金使用合规性", "20", "17"],
            ["产出", "产出数量", "养护里程完成率", "30", "27"],
            ["效益", "社会效益", "通行条件改善", "30", "23"],
            ["合计", "", "", "100", "85"],
            ["存在问题", "1.养护资金拨付滞后，年底集中支付；2.部分路段养护台账不完整。", "", "", ""]]
    table = doc.add_table(rows=len(rows), cols=5)
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    doc.add_paragraph("三、存在的问题")
    doc.add_paragraph("1.部分路段养护台账不完整。")
    doc.add_paragraph("四、建议")
    doc.add_paragraph("1.加快资金拨付。")
    buf = io.BytesIO()
    doc.save(buf)
    [evaluation] = parse_bytes(buf.getvalue(), "report.docx").evaluations
    problems = [f.text.rstrip("。；") for f in evaluation.candidate.findings if f.kind == "problem"]
    assert sorted(problems) == ["养护资金拨付滞后，年底集中支付", "部分路段养护台账不完整"]
    assert [f.kind for f in evaluation.candidate.findings].count("suggestion") == 1
