"""Money read in a wrongly assumed unit is rescaled against the document's other readings, or flagged."""
from __future__ import annotations

import pathlib

from perfeval.ingest.reconcile import reconcile_money
from perfeval.ingest.records import Candidate
from perfeval.pipeline import parse_bytes

FORM = pathlib.Path(__file__).parent / "fixtures" / "general" / "g03_self_assessment_henan_zhengzhou_2023.txt"
# the form's money cells as the template writes them (万元), and the report's sentence that repeats them
CELLS = ("180.00", "196.50", "183.62")
SENTENCE_LINE = "2023年项目年初预算180.00万元"


def _evaluation(text: str):
    parsed = parse_bytes(text.encode("utf-8"), "form.txt")
    assert len(parsed.evaluations) == 1
    ev = parsed.evaluations[0]
    return ev.candidate, [c for c in ev.checks if c.rule == "money_unit"]


def _form(cells: tuple[str, str, str], caption: str = "（万元）") -> str:
    text = FORM.read_text("utf-8")
    assert all(text.count(f"\t{c}\n") == 2 for c in CELLS) and "（万元）" in text
    for old, new in zip(CELLS, cells, strict=True):
        text = text.replace(f"\t{old}\n", f"\t{new}\n")
    return text.replace("（万元）", caption, 1)


def test_the_form_as_written_needs_no_reconciliation():
    cand, checks = _evaluation(FORM.read_text("utf-8"))
    assert (cand.get("budget_yuan"), cand.get("spent_yuan")) == (1_965_000.0, 1_836_200.0)
    assert checks == []


def test_yuan_figures_under_a_wan_yuan_caption_are_rescaled_against_the_report_text():
    cand, checks = _evaluation(_form(("1800000.00", "1965000.00", "1836200.00")))
    assert (cand.get("budget_initial_yuan"), cand.get("budget_yuan"), cand.get("spent_yuan")) == (
        1_800_000.0, 1_965_000.0, 1_836_200.0)
    assert len(checks) == 1
    message = checks[0].message
    assert "自评表" in message and "万元" in message and "一万倍" in message
    assert "报告正文" in message or "第" in message  # names the reading that shows the unit


def test_wan_yuan_figures_under_a_yuan_caption_are_rescaled_too():
    cand, checks = _evaluation(_form(CELLS, caption="（元）"))
    assert (cand.get("budget_yuan"), cand.get("spent_yuan")) == (1_965_000.0, 1_836_200.0)
    assert len(checks) == 1 and "按元读为" in checks[0].message


def test_figures_that_agree_with_the_text_as_read_are_left_alone():
    # the text says 196.50万元 and the form says 196.50 under 万元: nothing to do
    text = FORM.read_text("utf-8")
    assert SENTENCE_LINE in text
    cand, checks = _evaluation(text)
    assert not [r for r in cand.fields["budget_yuan"] if r.unit_assumed is None and r.value != 1_965_000.0]
    assert checks == []


def _candidate(rate: float | None, spent_assumed: str | None, spent: float, budget: float) -> Candidate:
    cand = Candidate("self_assessment", 1, 10)
    cand.add("budget_yuan", budget, 3, 3, "text", "报告正文")
    cand.add("spent_yuan", spent, 5, 5, "form", "自评表", spent_assumed)
    if rate is not None:
        cand.add("execution_rate", rate, 6, 6, "text", "报告正文")
    return cand


def test_the_stated_rate_shows_a_spending_figure_read_in_the_wrong_unit():
    # budget 94,000元 written with its unit; spending 90,000 written bare under 万元; rate 95.74%
    cand = _candidate(0.9574, "万元", 90_000 * 10_000.0, 94_000.0)
    checks = reconcile_money(cand)
    assert cand.get("spent_yuan") == 90_000.0
    assert [c.rule for c in checks] == ["money_unit"]


def test_a_figure_with_its_unit_written_is_never_rescaled_but_a_contradiction_is_flagged():
    cand = _candidate(0.9574, None, 90_000 * 10_000.0, 94_000.0)
    checks = reconcile_money(cand)
    assert cand.get("spent_yuan") == 900_000_000.0
    assert [c.rule for c in checks] == ["money_unit"] and "数量级" in checks[0].message


def test_spending_a_hundred_times_the_budget_is_flagged_without_a_rate():
    checks = reconcile_money(_candidate(None, None, 5e9, 4e5))
    assert [c.rule for c in checks] == ["money_unit"]
    assert reconcile_money(_candidate(None, None, 3.8e5, 4e5)) == []


def test_no_rescaling_when_the_evidence_points_two_ways():
    # the rate (100% of a 94,000元 budget) says ÷10^4, another sentence says ×10^4: left as read, flagged
    cand = _candidate(1.0, "万元", 94_000 * 10_000.0, 94_000.0)
    cand.add("spent_yuan", 94_000 * 1e8, 7, 7, "text", "报告正文")
    checks = reconcile_money(cand)
    assert [r.value for r in cand.fields["spent_yuan"] if r.unit_assumed] == [94_000 * 10_000.0]
    assert [c.rule for c in checks] == ["money_unit"]


def _table(budget: str, spent: str, rate: str | None, caption: str = "单位：万元") -> str:
    """A results table whose figures share one caption: nothing outside the table witnesses them."""
    head = ["项目名称", "预算数", "执行数"] + (["执行率"] if rate is not None else []) + ["评价得分"]
    row = ["乡村道路养护", budget, spent] + ([rate] if rate is not None else []) + ["91"]
    return (f"某县2023年度项目支出绩效评价结果\n{caption}\n" + "\t".join(head) + "\n" + "\t".join(row) + "\n")


def test_one_cell_of_a_wan_yuan_table_filled_in_yuan_is_found_by_the_stated_rate():
    # 186.00 and 1723500.00 under 万元 with 92.66%: either could be off; a 元 figure typed under a
    # 万元 caption is the slip, so the large one is rescaled and the other stands
    cand, checks = _evaluation(_table("186.00", "1723500.00", "92.66%"))
    assert (cand.get("budget_yuan"), cand.get("spent_yuan")) == (1_860_000.0, 1_723_500.0)
    assert len(checks) == 1 and "一万倍" in checks[0].message


def test_without_a_rate_the_cell_that_makes_spending_a_plausible_share_of_the_budget_is_rescaled():
    cand, checks = _evaluation(_table("186.00", "1723500.00", None))
    assert (cand.get("budget_yuan"), cand.get("spent_yuan")) == (1_860_000.0, 1_723_500.0)
    assert len(checks) == 1
    # a 万元 figure under a 元 caption: the small one is the slip
    cand, checks = _evaluation(_table("1860000", "172.35", None, caption="单位：元"))
    assert (cand.get("budget_yuan"), cand.get("spent_yuan")) == (1_860_000.0, 1_723_500.0)


def test_a_unit_written_against_the_caption_is_read_as_written_and_flagged():
    cand, checks = _evaluation(_table("186.00", "1,723,500.00元", "92.66%"))
    assert (cand.get("budget_yuan"), cand.get("spent_yuan")) == (1_860_000.0, 1_723_500.0)
    assert len(checks) == 1 and "所写的单位" in checks[0].message and "万元" in checks[0].message


def test_a_unit_written_where_the_document_states_none_contradicts_nothing():
    # no caption: the 万元 the template implies is no statement of the document
    cand, checks = _evaluation(_table("186.00", "1,723,500.00元", "92.66%", caption=""))
    assert cand.get("spent_yuan") == 1_723_500.0
    assert not [c for c in checks if "所写的单位" in c.message]


def test_an_initial_budget_filled_in_yuan_is_rescaled_against_the_budget_of_its_table():
    # the budget and spending agree with the rate; the initial budget, typed in 元, is 10^4 off them
    text = ("某县2023年度项目支出绩效评价结果\n单位：万元\n项目名称\t年初预算数\t预算数\t执行数\t执行率\t评价得分\n"
            "乡村道路养护\t1800000.00\t186.00\t172.35\t92.66%\t91\n")
    cand, checks = _evaluation(text)
    assert (cand.get("budget_initial_yuan"), cand.get("budget_yuan"), cand.get("spent_yuan")) == (
        1_800_000.0, 1_860_000.0, 1_723_500.0)
    assert len(checks) == 1 and "年初预算数" in checks[0].message and "一万倍" in checks[0].message
