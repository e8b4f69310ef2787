"""Monthly execution sheets (.xlsx) feed spending_progress with source monthly_sheet."""
from __future__ import annotations

import io

import openpyxl
import pytest

from perfeval.pipeline import parse_bytes


def workbook(rows) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "2023年月度支出进度"
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_monthly_amounts_rates_and_cumulative_columns():
    months = [f"{m}月" for m in range(1, 13)]
    data = workbook([
        ["单位", "项目名称", "全年预算（万元）", *months],
        ["太原市小店区文化和旅游局", "文化惠民演出补贴", 120, *[10] * 12],          # monthly amounts
        ["太原市小店区文化和旅游局", "非遗保护经费", 50, *[f"{m * 8}%" for m in range(1, 13)]],  # rates
        ["太原市小店区文化和旅游局", "图书馆运行经费", 60, *[5 * m for m in range(1, 13)]],  # cumulative amounts
    ])
    parsed = parse_bytes(data, "monthly.xlsx")
    by_name = {ev.get("project"): ev.candidate for ev in parsed.evaluations}
    assert {ev.get("region") for ev in parsed.evaluations} == {"山西省太原市小店区"}
    shows = by_name["文化惠民演出补贴"]
    assert [(p.month, p.cumulative_rate) for p in shows.progress][5:6] == [(6, 0.5)]
    assert shows.progress[-1].cumulative_rate == pytest.approx(1.0) and shows.get("spent_yuan") == 1200000.0
    assert [p.cumulative_rate for p in by_name["非遗保护经费"].progress][:3] == [0.08, 0.16, 0.24]
    library = by_name["图书馆运行经费"]
    assert library.progress[2].cumulative_rate == 0.25 and library.get("spent_yuan") == 600000.0
    assert {p.source for c in by_name.values() for p in c.progress} == {"monthly_sheet"}


def test_monthly_sheet_attaches_to_the_evaluation_in_the_same_workbook():
    wb = openpyxl.Workbook()
    results = wb.active
    results.title = "2022年绩效评价结果"
    results.append(["项目名称", "单位", "预算数（万元）", "执行数（万元）", "执行率", "得分", "等级", "主要问题"])
    results.append(["城区道路养护", "南宁市青秀区市政管理局", 800, 736, "92%", 88.5, "良好", "1. 养护资金拨付滞后。"])
    monthly = wb.create_sheet("月度执行")
    monthly.append(["项目", "预算数（万元）", *[f"{m}月" for m in range(1, 13)]])
    monthly.append(["城区道路养护", 800, *[f"{m * 7}%" for m in range(1, 12)], "92%"])
    buf = io.BytesIO()
    wb.save(buf)
    parsed = parse_bytes(buf.getvalue(), "results.xlsx")
    (ev,) = parsed.evaluations
    c = ev.candidate
    assert (ev.get("source_kind"), ev.get("budget_yuan"), ev.get("spent_yuan"), ev.get("score"), ev.get("grade")) == (
        "results_disclosure", 8000000.0, 7360000.0, 88.5, "良")
    assert ev.get("region") == "广西壮族自治区南宁市青秀区" and ev.get("year") == 2022
    assert [(p.month, p.cumulative_rate, p.source) for p in c.progress][:2] == [(1, 0.07, "monthly_sheet"), (2, 0.14, "monthly_sheet")]
    assert [f.category for f in c.findings if f.kind == "problem"] == ["execution"]


def test_a_period_with_a_rate_column_and_an_amount_column():
    # 12月末进度 and 12月末累计支出（万元） name one period: the rates are the progress, the amount the spending
    data = workbook([
        ["序号", "项目名称", "预算单位", "全年预算（万元）", "3月末进度", "6月末进度", "9月末进度", "12月末进度",
         "12月末累计支出（万元）"],
        ["", "序时进度", "", "", "25.00%", "50.00%", "75.00%", "100.00%", ""],
        [1, "边境村道路维护", "某县住房和城乡建设局", "640.00", "10.00%", "35.00%", "70.00%", "98.00%", "627.20"],
    ])
    (ev,) = parse_bytes(data, "jindu.xlsx").evaluations
    c = ev.candidate
    assert [(p.month, p.cumulative_rate) for p in c.progress] == [(3, 0.1), (6, 0.35), (9, 0.7), (12, 0.98)]
    assert (c.get("budget_yuan"), c.get("spent_yuan")) == (6_400_000.0, 6_272_000.0)


def test_a_sheet_laid_sideways_periods_down_and_a_column_pair_per_project():
    """Months down the first column, each project's name merged over its 累计支出 | 支出进度 pair, its
    department and budget in labelled rows above: read as the usual sheet, the amounts as spending."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["某县2023年重点项目月度支出进度表"])
    ws.append(["单位：万元"])
    ws.append(["项目名称", "", "乡村道路硬化工程", "", "学校食堂改造", "", "合计", ""])
    ws.append(["主管部门", "", "某县交通运输局", "", "某县教育局", "", "", ""])
    ws.append(["全年预算", "", 400, "", 200, "", 600, ""])
    ws.append(["月份", "序时进度", "累计支出", "支出进度", "累计支出", "支出进度", "累计支出", "支出进度"])
    for m in range(1, 13):
        ws.append([f"{m}月", f"{m / 12:.2%}", 30 * m, f"{30 * m / 400:.2%}", 15 * m, f"{15 * m / 200:.2%}",
                   45 * m, f"{45 * m / 600:.2%}"])
    for col in (3, 5, 7):  # names merged over their pair
        ws.merge_cells(start_row=3, start_column=col, end_row=3, end_column=col + 1)
    buf = io.BytesIO()
    wb.save(buf)
    by_name = {ev.get("project"): ev.candidate for ev in parse_bytes(buf.getvalue(), "sideways.xlsx").evaluations}
    assert set(by_name) == {"乡村道路硬化工程", "学校食堂改造"}  # the 合计 pair is no project
    road = by_name["乡村道路硬化工程"]
    assert road.get("unit") == "某县交通运输局" and road.get("budget_yuan") == 4000000.0
    assert road.get("spent_yuan") == 3600000.0  # December's cumulative amount, in 万元
    assert [(p.month, p.cumulative_rate) for p in road.progress][2] == (3, 0.225)


def test_a_half_year_sheet_sideways_gives_progress_but_no_years_spending():
    """A project per column, the months down the rows up to June, its budget in a labelled row and a
    June amount at the bottom: six months of progress; June's amount is not the year's spending."""
    data = workbook([
        ["月份", "序时进度", "湿地公园养护", "森林防火"],
        ["年度预算（万元）", "", 500, 120],
        *[[f"{m}月", f"{m / 12:.2%}", f"{7 * m}%", f"{6 * m}%"] for m in range(1, 7)],
        ["6月末累计支出（万元）", "", 210, 43.2],
    ])
    by_name = {ev.get("project"): ev.candidate for ev in parse_bytes(data, "half.xlsx").evaluations}
    assert set(by_name) == {"湿地公园养护", "森林防火"}
    park = by_name["湿地公园养护"]
    assert [p.month for p in park.progress] == [1, 2, 3, 4, 5, 6] and park.progress[-1].cumulative_rate == 0.42
    assert park.get("budget_yuan") == 5000000.0 and park.get("spent_yuan") is None


def test_one_projects_quarters_down_a_column_are_no_projects():
    """季度 | 当季支出 | 累计支出进度 with a row per quarter: the columns are figures, not projects."""
    data = workbook([
        ["项目名称", "河道清淤工程"],
        ["季度", "当季支出（万元）", "累计支出进度"],
        ["一季度", 20, "10%"], ["二季度", 40, "30%"], ["三季度", 60, "60%"], ["四季度", 70, "95%"],
    ])
    from perfeval.pipeline import IngestError

    with pytest.raises(IngestError, match="no recognisable evaluation"):  # no budget, score or spending
        parse_bytes(data, "quarters.xlsx")
