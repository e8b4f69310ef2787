from __future__ import annotations

import datetime as dt

import pytest

from perfeval.ingest.normalize import (
    clean_name,
    find_dates,
    find_money,
    grade_from_score,
    parse_grade,
    parse_money,
    parse_number,
    parse_percent,
)


@pytest.mark.parametrize("text,unit,yuan", [
    ("9,459.70万元", None, 94597000.0), ("7934168.6元", None, 7934168.6), ("4599.877", "万元", 45998770.0),
    ("１２万元", None, 120000.0), ("1.2亿元", None, 120000000.0), ("43.04202", "万元", 430420.2),
])
def test_money(text, unit, yuan):
    assert parse_money(text, unit) == yuan


def test_money_list_keeps_order_and_units():
    found = find_money("预算12万元，实际支出5.444万元，节约65560元")
    assert [(y, u) for y, u, *_ in found] == [(120000.0, "万元"), (54440.0, "万元"), (65560.0, "元")]


@pytest.mark.parametrize("text,value", [("93.30%", 0.933), ("100%", 1.0), ("９３．３％", 0.933), ("0.8", 0.8), ("—", None)])
def test_percent(text, value):
    assert parse_percent(text) == value


@pytest.mark.parametrize("word,grade", [("优秀", "优"), ("“良好”", "良"), ("一般", "中"), ("合格", "中"),
                                        ("较差", "差"), ("不合格", "差"), ("良", "良"), ("", None), ("未评级", None)])
def test_grade_words(word, grade):
    assert parse_grade(word) == grade


@pytest.mark.parametrize("score,band", [(90, "优"), (89.99, "良"), (80, "良"), (79.5, "中"), (60, "中"), (59.9, "差")])
def test_score_band(score, band):
    assert grade_from_score(score) == band


def test_numbers_and_dates():
    assert parse_number("　16 ") == 16 and parse_number("1,351.88") == 1351.88 and parse_number("—") is None
    # a label's closing bracket wrapped onto the top of the value's cell; two lines are no one number
    assert parse_number("）\n800.00") == 800.0 and parse_number("28\n15") is None and parse_number("(3)") is None
    assert [d for d, *_ in find_dates("2019年6月27日通过，２０２１年１１月１９日划拨")] == [dt.date(2019, 6, 27), dt.date(2021, 11, 19)]


def test_clean_name_keeps_inner_quotes():
    assert clean_name("“12345” 市民服务热线服务外包经费") == "“12345” 市民服务热线服务外包经费"
    assert clean_name("“聘用人员工资及管理费用”") == "聘用人员工资及管理费用"


def test_full_width_digits_become_ascii_once_where_blocks_are_built():
    from perfeval.ingest.normalize import ascii_digits
    from perfeval.pipeline import parse_bytes

    assert ascii_digits("２０２１年得分７８．５分，（一）") == "2021年得分78.5分，（一）"  # punctuation stays
    text = ("某县２０２１年度项目支出绩效自评表\n项目名称\t乡村道路养护\n年度预算数（万元）\t１８６．００\n"
            "执行数（万元）\t１７２．３５\n执行率\t９２．６６％\n自评得分\t９１．５\n")
    parsed = parse_bytes(text.encode("utf-8"), "form.txt")
    cand = parsed.evaluations[0].candidate
    assert (cand.get("year"), cand.get("budget_yuan"), cand.get("score")) == (2021, 1_860_000.0, 91.5)
    assert "２０２１" in parsed.document.lines[0]  # the lines keep the original for snippets
