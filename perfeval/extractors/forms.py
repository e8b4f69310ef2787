"""Form genres read from tables: 项目支出绩效自评表 and 绩效评价结果信息表.

A table may hold several forms one after another (a department publishes a dozen 自评表 in a row);
every row labelled 项目名称 starts a new one. A results list laid out as one row per project (a
header row of column names) is read too.
"""
from __future__ import annotations

import re

from perfeval.extractors.findings import split_items
from perfeval.extractors.tables import (
    DIMENSION_KEYS,
    MONEY_KEYS,
    dimension_scores,
    funds_header,
    indicator_header,
    kv_pairs,
    label_key,
    money_from_cell,
    parse_indicator_rows,
    read_funds,
)
from perfeval.model import Cell, Table
from perfeval.normalize import clean_name, halfwidth, parse_grade, parse_number, parse_percent
from perfeval.records import Candidate, Finding

SELF_ASSESSMENT = "self_assessment"
RESULTS = "results_disclosure"
DEPARTMENT_NAME = re.compile(r"部门整体|整体支出|部门支出")


DEPARTMENT_LABEL = re.compile(r"^(?:部门(?:\(单位\))?名称|单位名称|预算部门(?:名称)?)$")


def _department_row(row: list[Cell]) -> bool:
    """The first row of a 部门整体支出绩效自评表 names the department instead of a project."""
    label = halfwidth(row[0].compact).replace("（", "(").replace("）", ")") if row else ""
    return len(row) >= 2 and bool(DEPARTMENT_LABEL.match(label)) and bool(row[1].text)


def _project_row(row: list[Cell]) -> bool:
    return len(row) >= 2 and (label_key(row[0].text) == "project" or _department_row(row)) and bool(row[1].text)


def find_forms(table: Table) -> list[tuple[int, int]]:
    """(start, end) row ranges of the forms in a table, each beginning at a 项目名称 row."""
    starts = [i for i, row in enumerate(table.rows) if _project_row(row)]
    return [(s, starts[k + 1] if k + 1 < len(starts) else len(table.rows)) for k, s in enumerate(starts)]


def form_kind(rows: list[list[Cell]]) -> str | None:
    if any(funds_header(r) for r in rows) or any(indicator_header(r) for r in rows):
        return SELF_ASSESSMENT
    keys = {k for k, *_ in kv_pairs(rows)}
    if keys & {"spent_yuan", "score", "grade", "problems", "budget_yuan"}:
        return RESULTS
    return None


def default_money_unit(rows: list[list[Cell]], context_unit: str | None) -> str:
    for row in rows:
        for cell in row:
            m = re.search(r"[（(]\s*(万元|元|亿元)\s*[）)]|单位[:：]\s*(万元|元|亿元)", cell.text)
            if m:
                return m.group(1) or m.group(2)
    return context_unit or "万元"  # the national 自评表 template states money in 万元


def read_self_assessment(rows: list[list[Cell]], context_unit: str | None) -> Candidate:
    cand = Candidate(SELF_ASSESSMENT, rows[0][0].line_start, rows[-1][-1].line_end)
    origin = "自评表"
    if _department_row(rows[0]):
        cand.scope = "department"
        cand.add("unit", clean_name(rows[0][1].text), rows[0][1].line_start, rows[0][1].line_end, "form", origin)
    unit = default_money_unit(rows, context_unit)
    funds_at = next((i for i, r in enumerate(rows) if funds_header(r)), None)
    head_at = next((i for i, r in enumerate(rows) if indicator_header(r)), None)
    kv_end = min(x for x in (funds_at, head_at, len(rows)) if x is not None)
    for key, _label, _lc, vc in kv_pairs(rows[:kv_end]):
        if key in ("project", "unit", "department"):
            cand.add(key, clean_name(vc.text.replace("\n", "")), vc.line_start, vc.line_end, "form", origin)
        elif key == "year":
            year = parse_number(re.sub(r"年度?", "", vc.text))
            cand.add("year", int(year) if year else None, vc.line_start, vc.line_end, "form", origin)
    for key, _label, _lc, vc in kv_pairs(rows[kv_end:]):
        if key == "grade":  # 自评等级 below the 总分 row
            cand.add("grade", parse_grade(vc.text), vc.line_start, vc.line_end, "form", origin)
    if funds_at is not None:
        read_funds(rows, funds_at, funds_header(rows[funds_at]), unit, cand, origin)
    if head_at is not None:
        cols = indicator_header(rows[head_at])
        indicators, total, total_lines, _ = parse_indicator_rows(rows[head_at + 1:], cols, cand, origin)
        cand.indicators = indicators
        if total is not None and total_lines:
            cand.add("score", total, total_lines[0], total_lines[1], "form", origin)
        for dim, value in dimension_scores(indicators).items():
            cand.add(dim, value, indicators[0].line_start, indicators[-1].line_end, "form", "指标评分表")
    return cand


def read_results_form(rows: list[list[Cell]], context_unit: str | None) -> Candidate:
    cand = Candidate(RESULTS, rows[0][0].line_start, rows[-1][-1].line_end)
    origin = "结果信息表"
    unit = default_money_unit(rows, context_unit)
    if _department_row(rows[0]):
        cand.scope = "department"
        cand.add("unit", clean_name(rows[0][1].text), rows[0][1].line_start, rows[0][1].line_end, "form", origin)
    for key, label, lc, vc in kv_pairs(rows):
        _add_value(cand, key, label, vc, unit, origin)
    _department_scope(cand)
    return cand


def _add_value(cand: Candidate, key: str, label: str, vc: Cell, unit: str, origin: str) -> None:
    text = vc.text
    if key in ("project", "unit", "department"):
        cand.add(key, clean_name(text.replace("\n", "")), vc.line_start, vc.line_end, "form", origin)
    elif key in DIMENSION_KEYS:
        cand.add(key, parse_number(text), vc.line_start, vc.line_end, "form", origin)
    elif key in MONEY_KEYS:
        value, _ = money_from_cell(text, label, unit)
        cand.add(key, value, vc.line_start, vc.line_end, "form", origin)
    elif key == "execution_rate":
        cand.add(key, parse_percent(text), vc.line_start, vc.line_end, "form", origin)
    elif key == "score":
        m = re.search(r"\d+(?:\.\d+)?", halfwidth(text))
        if m and float(m.group()) <= 100:
            cand.add("score", float(m.group()), vc.line_start, vc.line_end, "form", origin)
    elif key == "grade":
        grade = parse_grade(re.split(r"[（(]", text)[0])
        cand.add("grade", grade, vc.line_start, vc.line_end, "form", origin)
        m = re.search(r"[（(]\s*(\d+(?:\.\d+)?)\s*分", halfwidth(text))
        if m:
            cand.add("score", float(m.group(1)), vc.line_start, vc.line_end, "form", origin)
    elif key == "year":
        m = re.search(r"(?:19|20)\d{2}", text)
        cand.add("year", int(m.group()) if m else None, vc.line_start, vc.line_end, "form", origin)
    elif key in ("problems", "suggestions", "rectification"):
        kind = {"problems": "problem", "suggestions": "suggestion", "rectification": "rectification"}[key]
        for item, ls, le in split_items(text, vc.line_start, vc.line_end):
            cand.findings.append(Finding(kind, item, ls, le))


def _department_scope(cand: Candidate) -> None:
    name = cand.get("project")
    if name and DEPARTMENT_NAME.search(name):
        cand.scope = "department"
        owner = DEPARTMENT_NAME.split(name)[0].strip()
        reading = cand.best("project")
        if len(owner) >= 2 and not cand.get("unit"):
            cand.add("unit", owner, reading.line_start, reading.line_end, "form", "结果信息表")


# ---- results lists: one row per project -------------------------------------------------------

_COLUMN_EXTRA = [
    ("unit", re.compile(r"^(?:单位|部门|单位名称|部门名称|预算单位|实施单位)$")),
    ("year", re.compile(r"^(?:年度|年份|评价年度)$")),
    ("execution_rate", re.compile(r"^(?:预算)?执行率(?:\(%\))?$")),
    ("problems", re.compile(r"^(?:主要问题|存在问题|问题)$")),
]


def column_key(cell: Cell) -> str | None:
    text = halfwidth(cell.compact).replace("（", "(").replace("）", ")")
    for key, rx in _COLUMN_EXTRA:
        if rx.match(text):
            return key
    return label_key(cell.text)


def read_results_list(table: Table, context_unit: str | None) -> list[Candidate]:
    """A header row naming ≥ 3 known columns (one of them 项目名称), then one project per row."""
    for h, row in enumerate(table.rows):
        keys = [column_key(c) for c in row]
        if "project" in keys and len({k for k in keys if k}) >= 3:
            break
    else:
        return []
    header = table.rows[h]
    unit = default_money_unit([header], context_unit)
    out = []
    for row in table.rows[h + 1:]:
        cells = dict(zip(keys, row))
        project = cells.get("project")
        if project is None or not project.text or label_key(project.text):
            continue
        cand = Candidate(RESULTS, row[0].line_start, row[-1].line_end)
        for key, cell in cells.items():
            if key and cell.text:
                label = header[keys.index(key)].text
                _add_value(cand, key, label, cell, unit, "结果清单")
        _department_scope(cand)
        out.append(cand)
    return out


def extract_forms(table: Table, context_unit: str | None) -> list[Candidate]:
    out = []
    for start, end in find_forms(table):
        rows = table.rows[start:end]
        kind = form_kind(rows)
        if kind == SELF_ASSESSMENT:
            out.append(read_self_assessment(rows, context_unit))
        elif kind == RESULTS:
            out.append(read_results_form(rows, context_unit))
    if not out:
        out = read_results_list(table, context_unit)
    return out

