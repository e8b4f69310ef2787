"""Form genres read from tables: 项目支出绩效自评表 and 绩效评价结果信息表.

A table may hold several forms one after another (a department publishes a dozen 自评表 in a row);
every row labelled 项目名称 starts a new one. A results list laid out as one row per project (a
header row of column names) is read too.
"""
from __future__ import annotations

import re

from perfeval.ingest.extractors import text as tx
from perfeval.ingest.extractors.findings import split_items
from perfeval.ingest.extractors.tables import (
    DIMENSION_KEYS,
    MONEY_KEYS,
    dimension_scores,
    first_filled,
    funds_header,
    indicator_header,
    kv_pairs,
    label_key,
    money_from_cell,
    parse_indicator_rows,
    read_funds,
    read_progress_table,
    values_above_labels,
)
from perfeval.ingest.extractors.text import DEPARTMENT_SCOPE
from perfeval.ingest.model import Cell, Paragraph, Table
from perfeval.ingest.normalize import (
    MONEY_UNIT,
    TemplateUnit,
    clean_name,
    parse_money,
    parse_number,
    parse_percent,
    period_month,
    read_money,
    read_score,
    unit_in_label,
)
from perfeval.ingest.records import Candidate, Finding, Progress

SELF_ASSESSMENT = "self_assessment"
RESULTS = "results_disclosure"
DEPARTMENT_NAME = re.compile(DEPARTMENT_SCOPE)


DEPARTMENT_LABEL = re.compile(r"^(?:部门(?:\(单位\))?名称|单位名称|预算部门(?:名称)?)$")


def _department_row(row: list[Cell]) -> bool:
    """The first row of a 部门整体支出绩效自评表 names the department instead of a project."""
    label = row[0].plain if row else ""
    return len(row) >= 2 and bool(DEPARTMENT_LABEL.match(label)) and first_filled(row[1:]) is not None


def _project_row(row: list[Cell]) -> bool:
    """A label/value row naming the project (not the header row of a list: its next filled cell is
    a label too)."""
    value = first_filled(row[1:])
    return (len(row) >= 2 and (label_key(row[0].text) == "project" or _department_row(row)) and value is not None
            and column_key(value) is None)


def find_forms(table: Table) -> list[tuple[int, int]]:
    """(start, end) row ranges of the forms in a table, each beginning at a 项目名称 row."""
    starts: list[int] = []
    rows = values_above_labels(table.rows)
    for i, row in enumerate(rows):
        if not _project_row(row):
            continue
        if starts and _department_row(row) and label_key(rows[starts[-1]][0].text) == "project" and not any(
                funds_header(r) or indicator_header(r) for r in rows[starts[-1]:i]):
            continue  # "项目名称 | X" then "单位名称 | Y": the project's unit, not a department's form
        starts.append(i)
    return [(s, starts[k + 1] if k + 1 < len(starts) else len(rows)) for k, s in enumerate(starts)]


def form_kind(rows: list[list[Cell]]) -> str | None:
    if any(funds_header(r) for r in rows) or any(indicator_header(r) for r in rows):
        return SELF_ASSESSMENT
    keys = {k for k, *_ in kv_pairs(rows)}
    # a result: what was spent, scored, graded or found wrong (a budget alone is a plan: 绩效目标申报表)
    if keys & {"spent_yuan", "execution_rate", "score", "grade", "problems"}:
        return RESULTS
    return None


def default_money_unit(rows: list[list[Cell]], context_unit: str | None) -> str:
    for row in rows:
        for cell in row:
            unit = unit_in_label(cell.text)
            if unit:
                return unit
    return context_unit or TemplateUnit("万元")  # the national 自评表 template states money in 万元


def read_self_assessment(rows: list[list[Cell]], context_unit: str | None, caption_unit: str | None = None) -> Candidate:
    """`caption_unit`: the unit the table's caption states (金额单位：万元), which a column's own unit
    (全年执行数（元）) does not override beyond that column."""
    cand = Candidate(SELF_ASSESSMENT, rows[0][0].line_start, rows[-1][-1].line_end)
    origin = "自评表"
    if _department_row(rows[0]):
        cand.scope = "department"
        named = first_filled(rows[0][1:])
        cand.add("unit", clean_name(named.text), named.line_start, named.line_end, "form", origin)
    unit = caption_unit or default_money_unit(rows, context_unit)
    funds_at = next((i for i, r in enumerate(rows) if funds_header(r)), None)
    head_at = next((i for i, r in enumerate(rows) if indicator_header(r)), None)
    kv_end = min(x for x in (funds_at, head_at, len(rows)) if x is not None)
    for key, label, _lc, vc in kv_pairs(rows[:kv_end]):
        if key in ("project", "unit", "department"):
            cand.add(key, clean_name(vc.text.replace("\n", "")), vc.line_start, vc.line_end, "form", origin)
        elif key == "year":
            year = parse_number(vc.text.replace("年度", "").replace("年", ""))
            cand.add("year", int(year) if year else None, vc.line_start, vc.line_end, "form", origin)
        elif key in MONEY_KEYS or key in ("execution_rate", "score_execution"):  # where no funds table is
            _add_value(cand, key, label, vc, unit, origin)
    for key, label, _lc, vc in kv_pairs(rows[kv_end:]) + inline_pairs(rows[kv_end:]):
        # 自评等级 below the 总分 row, "自评等级：优" in a cell, a 评价结论 sentence
        if key in ("grade", "problems", "suggestions", "rectification", "problems_suggestions"):
            _add_value(cand, key, label, vc, unit, origin)
    if funds_at is not None:
        read_funds(rows, funds_at, funds_header(rows[funds_at]), unit, cand, origin)
    cand.progress += read_progress_table(rows)
    if head_at is not None:
        cols = indicator_header(rows[head_at])
        indicators, total, total_lines, _ = parse_indicator_rows(rows[head_at + 1:], cols, cand, origin,
                                                                 len(rows[head_at]))
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
        named = first_filled(rows[0][1:])
        cand.add("unit", clean_name(named.text), named.line_start, named.line_end, "form", origin)
    for key, label, lc, vc in kv_pairs(rows):
        _add_value(cand, key, label, vc, unit, origin)
    _department_scope(cand)
    return cand


def _add_value(cand: Candidate, key: str, label: str, vc: Cell, unit: str, origin: str) -> None:
    text = vc.text
    if key in ("project", "unit", "department"):
        cand.add(key, clean_name(text.replace("\n", "")), vc.line_start, vc.line_end, "form", origin)
    elif key in DIMENSION_KEYS or key == "score_execution":
        cand.add(key, parse_number(text), vc.line_start, vc.line_end, "form", origin)
    elif key in MONEY_KEYS:
        cand.add_money(key, money_from_cell(text, label, unit), vc.line_start, vc.line_end, "form", origin)
    elif key == "execution_rate":
        cand.add(key, parse_percent(text), vc.line_start, vc.line_end, "form", origin)
    elif key in ("score", "grade"):  # either cell may state both: "91.5（优）", "良（85分）", "93分（优）"
        score, grade = read_score(text)
        if any(p in text.strip().rstrip("。；;") for p in "，,。；;"):
            # a sentence in the cell ("本项目满分100分，自评得分92分，评价等次为优。") is read as the text
            # of a report is: its full marks are no score, its grade is said in words
            plain = tx.plain(text)
            score = (tx.find_total_score(plain) or (None,))[0]
            grade = (tx.find_grade(plain) or (None,))[0]
        cand.add("score", score, vc.line_start, vc.line_end, "form", origin)
        cand.add("grade", grade, vc.line_start, vc.line_end, "form", origin)
    elif key == "year":
        m = re.search(r"(?:19|20)\d{2}", text)
        cand.add("year", int(m.group()) if m else None, vc.line_start, vc.line_end, "form", origin)
    elif key in STATEMENT_KEYS:
        cand.findings += cell_statements(key, vc)


STATEMENT_KEYS = ("problems_suggestions", "problems", "suggestions", "rectification")
_STATEMENT_KIND = {"problems": "problem", "suggestions": "suggestion", "rectification": "rectification"}


def cell_statements(key: str, vc: Cell) -> list[Finding]:
    """The statements of a cell labelled as findings (存在问题, 改进措施, 主要问题及改进措施), one per item."""
    if key == "problems_suggestions":
        # "主要问题：一是…；二是…\n改进措施：一是…": the problems, then the measures
        parts = re.split(r"(?:改进|整改)?(?:措施|建议)\s*[:：]", vc.text, maxsplit=1)
        problems = re.sub(r"^\s*(?:主要|存在的?)?问题\s*[:：]", "", parts[0])
        pieces = [("problem", problems)] + ([("suggestion", parts[1])] if len(parts) > 1 else [])
    else:
        pieces = [(_STATEMENT_KIND[key], vc.text)]
    return [Finding(kind, item, ls, le) for kind, text in pieces
            for item, ls, le in split_items(text.strip(), vc.line_start, vc.line_end)]


_INLINE = re.compile(r"^\s*([^:：\n]{2,12})[:：]\s*(\S.{0,40})$")


def inline_pairs(rows: list[list[Cell]]) -> list[tuple[str, str, Cell, Cell]]:
    """Label and value written in one cell: "自评等级：优"."""
    out = []
    for row in rows:
        for cell in row:
            m = _INLINE.match(cell.text)
            if m and label_key(m.group(1)) in ("grade", "score"):
                out.append((label_key(m.group(1)), m.group(1), cell, Cell(m.group(2), cell.line_start, cell.line_end)))
    return out


def _department_scope(cand: Candidate) -> None:
    name = cand.get("project")
    if name and DEPARTMENT_NAME.search(name):
        cand.scope = "department"
        owner = DEPARTMENT_NAME.split(name)[0].strip()
        reading = cand.best("project")
        if not owner and not DEPARTMENT_NAME.sub("", name).strip():  # "部门整体" alone: the usual name
            reading.value = "部门整体支出"
        if len(owner) >= 2 and not cand.get("unit"):
            cand.add("unit", owner, reading.line_start, reading.line_end, "form", "结果信息表")


# ---- results lists: one row per project -------------------------------------------------------

_COLUMN_EXTRA = [
    # a list's column of names: 项目 alone (as a form label it is no field), 评价对象 (a form's is its unit)
    ("project", re.compile(r"^(?:项目|评价对象)$")),
    ("unit", re.compile(r"^(?:单位|部门|单位名称|部门名称|预算单位|实施单位)$")),
    ("year", re.compile(r"^(?:年度|年份|评价年度)$")),
    ("execution_rate", re.compile(r"^(?:预算)?执行率(?:\(%\))?$")),
    # a list's money columns named by the bare word (预算（万元） | 支出（万元）): as a row label 项目支出 or
    # 基本支出 is a part of the spending, so only a column header says this
    ("budget_yuan", re.compile(rf"^(?:全年|年度)?预算(?:\({MONEY_UNIT}\))?$")),
    ("spent_yuan", re.compile(rf"^(?:全年|年度|实际)?支出(?:\({MONEY_UNIT}\))?$")),
    ("score", re.compile(r"^评价分$")),
    ("unit", re.compile(r"^主管\((?:实施)?单位\)$|^主管\(实施\)单位$")),
    # "91.5（优）" under "评价得分（等级）": the score, and the grade in brackets (_add_value)
    ("score", re.compile(r"^(?:评价|自评|综合)?得分(?:\((?:等级|等次)\)|(?:及|和|/|、)(?:等级|等次))$")),
    ("problems", re.compile(r"^(?:主要问题|存在问题|问题)$")),
]


def column_key(cell: Cell) -> str | None:
    text = cell.plain
    for key, rx in _COLUMN_EXTRA:
        if rx.match(text):
            return key
    return label_key(cell.text)


def _group_cell(header: list[Cell], i: int) -> bool:
    """A header cell whose text spans the empty cells after it (merged across columns)."""
    return bool(header[i].text) and i + 1 < len(header) and not header[i + 1].text


SERIAL = re.compile(r"^(?:序号|编号|序)$")
# Columns a list groups its rows by: a unit's (or department's, year's) cell is often merged down
# over its projects' rows, and an empty one below a filled one means the same.
GROUP_COLUMNS = ("unit", "department", "year")


def read_results_list(table: Table, context_unit: str | None) -> list[Candidate]:
    """A header row naming ≥ 3 known columns (one of them 项目名称), then one project per row."""
    departments = False  # one department's overall spending per row (部门名称 | 部门整体支出 …)
    for h, row in enumerate(table.rows):
        keys = [column_key(c) for c in row]
        if "project" in keys and len({k for k in keys if k}) >= 3 and len(set(period_columns(row).values())) < 3:
            break
        # rows named by a department (部门名称, or a header that says 部门整体支出) and no project
        # column: each row is a department's overall spending
        if "unit" in keys and h + 1 < len(table.rows) and any(
                DEPARTMENT_NAME.search(c.compact) or (k == "unit" and c.compact.startswith("部门"))
                for c, k in zip(row, keys)):
            below = [column_key(c) for c in table.rows[h + 1]]
            if len({k for k in keys + below if k and k != "unit"}) >= 2:
                departments = True
                break
    else:
        return []
    header = table.rows[h]
    labels = [c.text for c in header]
    unit = default_money_unit([header], context_unit)
    first = h + 1
    # a header on two rows: a group cell merged over columns ("资金情况（万元）") named on the next row
    if first < len(table.rows):
        sub = table.rows[first]
        sub_keys = [column_key(c) for c in sub]
        if sum(1 for k, sk in zip(keys, sub_keys) if sk and not k) >= 2 and "project" not in sub_keys:
            for i, (k, sk) in enumerate(zip(keys, sub_keys)):
                # a group cell merged over columns (its text in the first, "" after) is no column of
                # its own, even when its name is a field's ("评价结果" over 得分 | 等级)
                if sk and (not k or _group_cell(header, i)):
                    keys[i], labels[i] = sk, sub[i].text
            first += 1
    rows = table.rows[first:]
    serial_at = next((i for i, c in enumerate(header) if SERIAL.match(c.compact)), None)
    numbered = serial_at is not None and any(serial_at < len(r) and r[serial_at].text for r in rows)
    out = []
    above: dict[str, Cell] = {}  # the last filled cell of the grouping columns
    seen_number = False
    for row in rows:
        if numbered and (serial_at >= len(row) or not row[serial_at].text):
            if seen_number:
                continue  # projects are numbered: a row without a number is a breakdown ("其中：…") or a note
            # before any numbered row there is no project to break down: the number is missing
            # (not written, or not recognised on a scan)
        elif numbered:
            seen_number = True
        cells = dict(zip(keys, row))
        for key in GROUP_COLUMNS:
            cell = cells.get(key)
            if cell is not None and cell.text:
                above[key] = cell
            elif cell is not None and key in above:
                cells[key] = above[key]  # merged down over the group's rows (its text is in the top cell)
        project = cells.get("project")
        if departments and cells.get("unit") is not None and cells["unit"].text and not label_key(cells["unit"].text):
            named = cells["unit"]
            project = Cell(named.text + "部门整体支出", named.line_start, named.line_end)  # the department's own spending
            cells["project"] = project
        if project is None or not project.text or label_key(project.text) or project.compact.startswith("其中"):
            continue
        cand = Candidate(RESULTS, row[0].line_start, row[-1].line_end)
        for key, cell in cells.items():
            if key and cell.text:
                _add_value(cand, key, labels[keys.index(key)] if key in keys else "", cell, unit, "结果清单")
        _department_scope(cand)
        out.append(cand)
    return out


# ---- a row of a list written as a sentence: "项目名称为X，主管部门为Y，预算资金为…，评价得分为88.2分" --------

CLAUSE_RESULT_KEYS = MONEY_KEYS | {"execution_rate", "score", "grade"}


def typed_fields(text: str) -> list[str]:
    """The fields of a form's row typed as a line, apart at runs of spaces ("主管部门：X局　　　　实施单位：Y站")."""
    return [part for part in text.replace("\u3000", "  ").split("  ") if part.strip()]


def labelled_clauses(text: str) -> list[tuple[str, str, str]]:
    """(key, label, value) of the clauses of a sentence that each give a labelled value: a label of
    the vocabulary, then 为/是/：, then the value."""
    out = []
    # clauses end at sentence punctuation (not ",": it separates thousands), or at a run of spaces (a
    # form's row typed as a line: "主管部门：X局　　　　实施单位：Y站")
    pieces = text.replace("；", "，").replace(";", "，").replace("。", "，")
    for clause in (c for piece in typed_fields(pieces) for c in piece.split("，")):
        clause = clause.strip()
        cut = min((i for i in (clause.find("为"), clause.find("："), clause.find(":"), clause.find("是")) if 0 < i <= 12),
                  default=None)
        if cut is None:
            continue
        # the row of a list written out: its labels are the list's column headers (项目为X，部门为Y)
        key = column_key(Cell(clause[:cut], 0, 0))
        if key and clause[cut + 1:].strip():
            out.append((key, clause[:cut], clause[cut + 1:].strip()))
    return out


def read_clause_row(para: Paragraph, context_unit: str | None) -> Candidate | None:
    """A paragraph that is a list's row written out (a project named by its label, at least three
    more labelled values, a figure or a result among them): one result, as its table row would be."""
    clauses = labelled_clauses(para.text)
    keys = {k for k, _, _ in clauses}
    if "project" not in keys or len(keys) < 4 or not keys & CLAUSE_RESULT_KEYS:
        return None
    cand = Candidate(RESULTS, para.line_start, para.line_end)
    unit = default_money_unit([], context_unit)
    for key, label, value in clauses:
        _add_value(cand, key, label, Cell(value, para.line_start, para.line_end), unit, "结果清单")
    _department_scope(cand)
    return cand


def extract_forms(table: Table, context_unit: str | None, spans: list[tuple[int, int]] | None = None) -> list[Candidate]:
    """`spans`: find_forms(table), when the caller has it."""
    out = []
    form_rows = values_above_labels(table.rows)  # the rows find_forms counts
    caption_unit = next((u for p in table.banner() if "单位" in p.text and (u := unit_in_label(p.text))), None)
    for start, end in (find_forms(table) if spans is None else spans):
        rows = form_rows[start:end]
        kind = form_kind(rows)
        if kind == SELF_ASSESSMENT:
            out.append(read_self_assessment(rows, context_unit, caption_unit))
        elif kind == RESULTS:
            out.append(read_results_form(rows, context_unit))
    if not out:
        out = read_results_list(table, context_unit)
    if not out:
        out = read_monthly_sheet(table, context_unit)
    return out



# ---- progress sheets: 项目 | 单位 | 预算 | 1月 … 12月 (or 一季度 … 四季度) -------------------------

MONTHLY = "monthly_sheet"
# what a period column may add to the period's name: 3月末累计支出进度(%), 一季度执行数(万元)
_PERIOD_SUFFIX = re.compile(rf"(?:累计)?(?:支出|执行|支付)?(?:进度|执行率|率|金额|数)?(?:\((?:{MONEY_UNIT}|%)\))?$")


def period_columns(row: list[Cell]) -> dict[int, int]:
    """The columns of a header row that name a period (normalize.period_month), as their month; a
    column the vocabulary names (全年支出, 全年预算) is that field, not a period."""
    out = {}
    for i, cell in enumerate(row):
        if cell.text and column_key(cell) is None:
            text = cell.plain
            month = period_month(text) or period_month(_PERIOD_SUFFIX.sub("", text, count=1))
            if month:
                out[i] = month
    return out


def _period_of(cell: Cell) -> int | None:
    return period_columns([cell]).get(0)


def periods_down(rows: list[list[Cell]]) -> list[list[Cell]] | None:
    """A progress sheet laid sideways — the periods down its first column, a column per project (or a
    group of columns under one merged name: 累计支出 | 支出进度), the projects' other figures in rows
    labelled by the vocabulary above the periods (主管部门, 全年预算) — turned the usual way round: a
    header row, then a row per project, each cell still the sheet's own (its lines kept)."""
    for c in (0, 1):
        period_rows = [r for r, row in enumerate(rows) if c < len(row) and _period_of(row[c])]
        if len({_period_of(rows[r][c]) for r in period_rows}) >= 3:
            break
    else:
        return None
    first = period_rows[0]
    head = [r for r in range(first) if c < len(rows[r]) and sum(1 for x in rows[r] if x.text) > 1]  # not banners
    keys = {r: column_key(rows[r][c]) for r in head}
    named = [r for r in head if keys[r] == "project"] or [r for r in head if keys[r] is None]
    if not named:
        return None
    names = named[0]
    attrs = [r for r in head if keys[r] and r != names]
    sub = head[-1] if head[-1] != names and keys[head[-1]] is None else None  # 累计支出 | 支出进度 under each name
    groups: list[list[int]] = []
    for j in range(c + 1, len(rows[names])):
        if rows[names][j].text:
            groups.append([j])
        elif groups and sub is not None and j < len(rows[sub]) and rows[sub][j].text:
            groups[-1].append(j)  # the name merged over this column too
    if not attrs and (keys[names] != "project" or len(groups) < 2):
        return None  # "季度 | 当季支出 | 累计支出进度": one project's columns of figures, not projects
    first_cell = rows[names][c]
    header = [Cell("项目名称", first_cell.line_start, first_cell.line_end)] + [rows[a][c] for a in attrs]
    for r in period_rows:
        for j in groups[0]:
            label = rows[r][c].text + (rows[sub][j].text if sub is not None and j < len(rows[sub]) else "")
            header.append(Cell(label, rows[r][c].line_start, rows[r][c].line_end))
    blank = Cell("", 0, 0)

    def at(r: int, j: int) -> Cell:
        return rows[r][j] if j < len(rows[r]) else blank

    out = [row for row in rows[:first] if row and sum(1 for x in row if x.text) <= 1]  # the banners: unit, title
    out.append(header)
    for group in groups:
        if len(group) != len(groups[0]):
            continue  # a 合计 column pair against a lone column: not this layout's project
        out.append([rows[names][group[0]]] + [at(a, group[0]) for a in attrs]
                   + [at(r, j) for r in period_rows for j in group])
    return out


def read_monthly_sheet(table: Table, context_unit: str | None) -> list[Candidate]:
    """A progress sheet with the periods along its header row, or laid sideways (periods_down)."""
    return _monthly_rows(table.rows, context_unit) or _monthly_rows(periods_down(table.rows) or [], context_unit)


def _monthly_rows(rows: list[list[Cell]], context_unit: str | None) -> list[Candidate]:
    """Per project, the cumulative share of the budget spent by the end of each period, and what its
    other columns say (unit, budget, spending, score, grade: the list vocabulary).

    Values may be rates (93.3%) or amounts; amounts are cumulated when they go down somewhere
    (monthly, not cumulative, figures) and divided by the row's budget column. A row named by a
    term of the vocabulary (序时进度: the time-proportional benchmark) is no project."""
    for h, row in enumerate(rows[:8]):
        # a header on two rows: the months under a merged "累计支出进度(%)", the other columns named above
        above = rows[h - 1] if h else []
        cells = [c if c.text or i >= len(above) else above[i] for i, c in enumerate(row)]
        months = period_columns(row)
        keys = [None if i in months else column_key(c) for i, c in enumerate(cells)]
        if len(set(months.values())) >= 3 and "project" in keys:
            break
    else:
        return []
    heads = [c.plain for c in cells] + [c.plain for c in above]
    labels = [c.text for c in cells]
    project_at = keys.index("project")
    header_rows = rows[max(0, h - 1):h + 1]
    money_unit = default_money_unit(header_rows, context_unit if context_unit else TemplateUnit("元"))
    cumulative_head = any("累计" in t for t in heads)
    # the months' figures are rates written as numbers: "累计支出进度(%)", "执行率(%)"
    percent_head = any("进度(%)" in t or "率(%)" in t for t in heads)
    # a period with a column of its rate and one of its amount (12月末进度 | 12月末累计支出(万元)): the
    # rates are the progress, the last amount the spending
    def percents(i: int) -> bool:
        return any(i < len(r) and "%" in r[i].text for r in rows[h + 1:])

    amount_months = {i: m for i, m in months.items() if sum(1 for n in months.values() if n == m) > 1 and (
        unit_in_label(heads[i]) or not percents(i) and any(percents(k) for k, n in months.items() if n == m))}
    rate_months = {i: m for i, m in months.items() if i not in amount_months}
    out = []
    for row in rows[h + 1:]:
        if project_at >= len(row) or not (pc := row[project_at]).text or pc.compact.startswith(("合计", "总计")) \
                or label_key(pc.text):
            continue
        cells = {m: row[i] for i, m in rate_months.items() if i < len(row) and row[i].text}
        amount_cells = {m: row[i] for i, m in amount_months.items() if i < len(row) and row[i].text}
        if not cells:  # the periods are amounts only
            cells, amount_cells = amount_cells, {}
        if not cells:
            continue
        cand = Candidate(MONTHLY, row[0].line_start, row[-1].line_end)
        for i, key in enumerate(keys):
            if key and i < len(row) and row[i].text:
                _add_value(cand, key, labels[i], row[i], money_unit, "月度执行表")
        budget = cand.get("budget_yuan")
        if all("%" in c.text for c in cells.values()):
            points = [(m, parse_percent(c.text), c) for m, c in sorted(cells.items())]
        elif percent_head:
            points = [(m, parse_percent(c.text + "%"), c) for m, c in sorted(cells.items())]
        else:
            amounts = [(m, parse_money(c.text, money_unit), c) for m, c in sorted(cells.items())]
            values = [a for _, a, _ in amounts if a is not None]
            decreasing = any(b < a for a, b in zip(values, values[1:]))
            # monthly rather than cumulative figures: they go down somewhere, or their sum fits the budget
            if not cumulative_head and (decreasing or (budget and sum(values) <= 1.05 * budget)):
                running, cumulated = 0.0, []
                for m, a, c in amounts:
                    running += a or 0.0
                    cumulated.append((m, running, c))
                amounts = cumulated
            if amounts and amounts[-1][1] is not None and amounts[-1][0] == 12:  # a year's spending is its end's
                last = amounts[-1]
                cand.add("spent_yuan", round(last[1], 2), last[2].line_start, last[2].line_end, "form", "月度执行表",
                         read_money(last[2].text, money_unit).assumed)
            points = [(m, round(a / budget, 6) if budget and a is not None else None, c) for m, a, c in amounts]
        if amount_cells and not cand.fields.get("spent_yuan") and max(amount_cells) == 12:
            last = amount_cells[max(amount_cells)]
            money = read_money(last.text, money_unit)
            if money.yuan is not None:
                cand.add("spent_yuan", round(money.yuan, 2), last.line_start, last.line_end, "form", "月度执行表", money.assumed)
        cand.progress = [Progress(m, v, "monthly_sheet", c.line_start, c.line_end) for m, v, c in points if v is not None]
        _department_scope(cand)  # a row of the unit's overall spending (单位整体支出)
        if cand.progress or cand.fields.get("spent_yuan"):
            out.append(cand)
    return out
