"""perfeval.ingest.validate: the consistency rules, each a row of `checks` with a Chinese message."""
from __future__ import annotations

from perfeval.ingest import validate
from perfeval.ingest.records import Candidate, Indicator


def candidate(**fields) -> Candidate:
    cand = Candidate("self_assessment", 1, 20)
    for name, value in fields.items():
        cand.add(name, value, 1, 1, "form", "自评表")
    return cand


def rules(cand: Candidate) -> list[str]:
    return [c.rule for c in validate.run_checks(cand)]


def indicator(score: float, weight: float, note: str = "") -> Indicator:
    return Indicator("产出指标", "数量指标", "完成数", "10", "10", weight, score, note, 1, 1)


def test_a_consistent_evaluation_has_no_checks():
    cand = candidate(score=92.0, score_decision=18.0, score_process=20.0, score_performance=54.0, grade="优",
                     budget_yuan=1_000_000.0, spent_yuan=950_000.0, execution_rate=0.95, execution_rate_stated=True,
                     score_execution=9.5, score_execution_max=10.0)
    assert rules(cand) == []


def test_dimensions_that_do_not_add_up_to_the_total():
    cand = candidate(score=92.0, score_decision=18.0, score_process=20.0, score_performance=50.0)
    (check,) = validate.run_checks(cand)
    assert check.rule == "dimensions_vs_total" and "88" in check.message and "92" in check.message


def test_indicators_plus_execution_points_against_the_total():
    cand = candidate(score=90.0, score_execution=10.0)
    cand.indicators = [indicator(40.0, 45.0, "进度滞后"), indicator(38.0, 45.0, "质量")]
    assert rules(cand) == ["indicators_vs_total"]  # 40 + 38 + 10 = 88, not 90


def test_execution_points_follow_the_rate_and_the_grade_its_band():
    assert rules(candidate(execution_rate=0.8, score_execution=10.0)) == ["execution_points"]
    assert rules(candidate(score=85.0, grade="优")) == ["grade_vs_score"]
    assert rules(candidate(score=90.0, grade="优")) == []


def test_a_stated_rate_far_from_spent_over_budget():
    cand = candidate(budget_yuan=1_000_000.0, spent_yuan=900_000.0, execution_rate=0.95, execution_rate_stated=True)
    assert rules(cand) == ["rate_mismatch"]
    cand = candidate(budget_yuan=1_000_000.0, spent_yuan=948_000.0, execution_rate=0.95, execution_rate_stated=True)
    assert rules(cand) == []  # within 0.5 percentage points


def test_two_places_disagreeing_name_both_and_the_one_used():
    cand = candidate(spent_yuan=950_000.0)
    cand.add("spent_yuan", 900_000.0, 40, 40, "text", "报告正文")
    (check,) = validate.run_checks(cand)
    assert check.rule == "value_conflict"
    assert "第1行" in check.message and "第40行" in check.message and "采用自评表的数值" in check.message


def test_a_deduction_without_reason_once_other_indicators_give_reasons():
    cand = candidate()
    cand.indicators = [indicator(8.0, 10.0, "进度滞后"), indicator(7.0, 10.0)]
    (check,) = validate.run_checks(cand)
    assert check.rule == "deduction_without_reason" and check.severity == "info"


def test_money_close_allows_rounding_of_large_sums_only():
    assert validate.money_close(1_000_000.0, 1_000_050.0)
    assert not validate.money_close(1_000.0, 1_002.0)
    assert not validate.money_close(None, 1.0)
