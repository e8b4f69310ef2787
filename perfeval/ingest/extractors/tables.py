"""Reading the tables evaluation documents use: label/value forms, funds rows, scored indicators."""
from __future__ import annotations

import re
from functools import lru_cache

from perfeval.ingest.extractors.text import names_component
from perfeval.ingest.model import Cell
from perfeval.ingest.normalize import (
    MONEY_UNIT,
    Money,
    halfwidth,
    parse_number,
    parse_percent,
    period_month,
    read_money,
    read_score,
    unit_in_label,
)
from perfeval.ingest.records import Candidate, Indicator, Progress

# Labels of label/value cells, matched against the cell text without white space.
KV_LABELS: list[tuple[str, str]] = [
    ("project", r"项目名称|项目全称"),
    ("unit", r"项目(?:实施|执行|承担)?单位|(?:实施|执行|责任|承担|承办)单位|实施主体|预算单位|单位名称|"
             r"部门(?:\(单位\))?名称|被评价单位|评价对象"),
    ("department", r"主管部门|主管单位"),
    ("budget_initial_yuan", r"计划投资(?:额)?|年初(?:预算)?(?:安排)?(?:数|金额|资金)?"),
    ("budget_yuan", r"(?:全年|年度|本年度?)?预算(?:金额|数|资金)|全年预算|调整后预算(?:数)?|预算安排(?:数|金额)?|"
                    r"批复预算(?:数)?|资金总(?:额|量|计)|总资金|资金规模"),
    ("funds_received_yuan", r"(?:实际)?到位资金|资金到位(?:数|情况)?"),
    ("spent_yuan", r"实际使用(?:情况|资金)?|实际支出(?:数|金额)?|(?:全年|预算|资金)?执行(?:数|金额)|实际执行(?:数|金额)?|全年执行|"
                   r"决算(?:金额|数)|支出金额|支出数|已支出(?:金额|资金)?"),
    # the points the budget execution earned (执行率得分（满分10分）), not the total score
    ("score_execution", r"(?:预算|资金)?执行(?:率)?得分"),
    ("execution_rate", r"(?:预算|资金)?执行率|资金支出率|支出率|(?:资金)?使用率"),
    # a core word after any of the qualifiers documents put before it: 综合评价得分, 自评等次, 绩效评价等级
    ("score", r"评价分值|(?:综合|绩效|评价|自评|最终|总)*(?:得分|评分|分数)|自评分|(?:综合|绩效|评价|自评|最终)*总分"),
    ("grade", r"(?:综合|绩效|评价|自评|最终)*(?:等级|等次|评级|级次|级别)|评价结论|评价结果|自评结论|综合评定"),
    ("score_decision", r"(?:项目)?决策(?:得分|指标得分)?"),
    ("score_process", r"(?:项目)?(?:管理|过程)(?:得分|指标得分)?"),
    ("score_performance", r"(?:项目)?绩效(?:得分|指标得分)?"),
    ("year", r"评价年度|所属年度|年度"),
    ("problems_suggestions", r"(?:存在(?:的)?|主要)问题(?:和|及|与|、)(?:改进措施|整改措施|改进建议|整改建议|建议)"),
    ("problems", r"存在(?:的)?问题|主要问题|问题及原因"),
    ("suggestions", r"整改建议|改进建议|建议|意见建议|措施建议|改进措施|整改措施|改进意见"),
    ("rectification", r"整改情况|整改落实情况|整改结果"),
    ("achievements", r"主要绩效|主要成效"),
    # the time-proportional benchmark a progress table states in a row or column of its own
    ("progress_reference", r"序时进度|时间进度|时序进度"),
]
LABEL_END = rf"(?:\({MONEY_UNIT}\)|[:：])?$"  # a label may end in its unit or a colon
# All labels in one expression, in KV_LABELS order: an alternation takes the first alternative with
# which the whole expression matches, so the key is the first whose own expression matches (the
# patterns group without capturing, so the matched named group is the key).
_KV_ANY = re.compile("(?:" + "|".join(f"(?P<{key}>{pat})" for key, pat in KV_LABELS) + ")" + LABEL_END)
# A label is a vocabulary term with what documents put before it (综合评价得分, 存在的主要问题, 年度预算数):
# the term ends the label, a short qualifier without figures or sentence punctuation may lead it.
MAX_QUALIFIER = 6
_QUALIFIER_BREAK = re.compile(r"[,，。；;、]|\d(?!\d*年)")  # a year may lead it (2023年度预算数)
# Qualifiers that only narrow a term (项目主管部门, 全年实际支出): a cell of them and a term is a label
# even right after a value, where a longer lead ("资金使用存在问题") makes it a value that ends in a term.
FIELD_QUALIFIERS = re.compile(r"^(?:项目|全年|年度|本年度?|当年|实际|综合|自评|评价|绩效|最终|主要|部门|单位)+$")
MONEY_KEYS = {"budget_initial_yuan", "budget_yuan", "funds_received_yuan", "spent_yuan"}
DIMENSION_KEYS = {"score_decision", "score_process", "score_performance"}


@lru_cache(maxsize=8192)  # a pure function of the text, asked of the same cells by every reader of a table
def label_key(cell_text: str, whole: bool = False) -> str | None:
    """The field a label cell names; `whole`: only a cell that is a term itself (a value cell that
    ends in a term, "资金使用存在问题", is no label after a label)."""
    compact = halfwidth("".join(cell_text.split()))
    compact = compact.replace("（", "(").replace("）", ")")
    if len(compact) > MAX_QUALIFIER + 12:
        return None
    m = _KV_ANY.search(compact)
    if m is None:
        inner = _without_inner_brackets(compact)  # 项目（部门）名称, 预算（调整）数: the term around the aside
        return label_key(inner, whole) if inner != compact else None
    if m.start() and ((whole and not FIELD_QUALIFIERS.match(compact[:m.start()])) or m.start() > MAX_QUALIFIER
                      or ((b := _QUALIFIER_BREAK.search(compact)) is not None and b.start() < m.start())):
        return None
    return m.lastgroup


def _without_inner_brackets(text: str) -> str:
    """`text` without the bracketed asides inside it; a bracket that ends it (its unit) stays."""
    out, depth, kept_from, opened = [], 0, 0, 0
    for i, ch in enumerate(text):
        if ch == "(" and i:
            if depth == 0:
                out.append(text[kept_from:i])
                opened = i
            depth += 1
        elif ch == ")" and depth:
            depth -= 1
            if depth == 0:
                kept_from = opened if i == len(text) - 1 else i + 1  # a last bracket is the label's unit
    if depth:  # a bracket left open: no aside to take out
        return text
    out.append(text[kept_from:])
    return "".join(out)


def first_filled(cells: list[Cell]) -> Cell | None:
    """The first cell with text: after a label merged over several columns, its value."""
    return next((c for c in cells if c.text), None)


def first_filled_row(rows: list[list[Cell]]) -> list[Cell]:
    """The first row with any text (a table's header, blank rows above it skipped)."""
    return next((r for r in rows if any(c.text for c in r)), [])


def kv_pairs(rows: list[list[Cell]]) -> list[tuple[str, str, Cell, Cell]]:
    """(key, label text, label cell, value cell) for label cells followed by a value cell.

    A row whose first cell is empty continues the previous label's value (a row split across
    pages); its text is appended to that value.
    """
    out: list[tuple[str, str, Cell, Cell]] = []
    for row in rows:
        if row and not row[0].text and out and len(row) >= 2 and any(c.text for c in row[1:]):
            key, label, lc, vc = out[-1]
            extra = "\n".join(c.text for c in row[1:] if c.text)
            joiner = "\n" if vc.text.endswith(("。", "；", ";", "！")) else ""
            out[-1] = (key, label, lc, Cell(vc.text + joiner + extra, vc.line_start, row[-1].line_end))
            continue
        for i, cell in enumerate(row[:-1]):
            key = label_key(cell.text)
            if not key:
                continue
            # the value is the next filled cell: a label merged across several columns leaves the
            # cells after its text empty ("自评等级 | | | | | 优"); a value split over merged cells
            # goes on in the filled cells after it, up to the next label
            parts = []
            for c in row[i + 1:]:
                if not c.text:
                    continue
                if label_key(c.text, whole=True) is not None:
                    break
                parts.append(c)
            if parts:
                value = parts[0] if len(parts) == 1 else Cell("".join(c.text for c in parts), parts[0].line_start,
                                                              parts[-1].line_end)
                out.append((key, cell.text, cell, value))
    return out


def values_above_labels(rows: list[list[Cell]]) -> list[list[Cell]]:
    """Rows with a label alone joined to the row above it when that row has values and no label: a
    scan's rows are found from the text's positions, and a value centred in a tall merged cell (or
    written over two lines) can land a row above its label ("| X项目 |" over "项目名称 | |")."""
    out: list[list[Cell]] = []
    for row in rows:
        above = out[-1] if out else None
        if above and row and row[0].text and not any(c.text for c in row[1:]) and label_key(row[0].text) \
                and not above[0].text and any(c.text for c in above[1:]) and len(above) >= 2:
            out[-1] = [row[0], *above[1:]]
        else:
            out.append(row)
    return out


def money_from_cell(value: str, label: str, default_unit: str | None) -> Money:
    """A cell's figure (normalize.read_money): a unit next to the number wins, then the label's
    unit, then the table's."""
    return read_money(value, unit_in_label(label) or default_unit)


# ---- scored indicator tables ------------------------------------------------------------------

_HEAD = {
    "level1": r"一级指标",
    "level2": r"二级指标",
    "name": r"三级指标|指标名称|具体指标|评价指标|绩效指标名称",
    "target": r"(?:年度)?(?:指标值|目标值)|预期目标|年度目标|绩效目标|计划值",
    "actual": r"实际(?:完成)?(?:值|情况)?|完成值|完成情况",
    "weight": r"分值|权重|标准分|满分",
    "score": r"得分|评分|自评得分|评价得分",
    "note": r"偏差原因.*|原因分析.*|改进措施|备注|扣分原因.*|未完成原因.*",
}
_HEAD_RES = {k: re.compile(r"^(?:" + v + r")$") for k, v in _HEAD.items()}
# a column term after a short qualifier (实际得分, 指标分值, 指标权重, 本年完成值): the term decides, as
# form labels do (label_key); a year in the qualifier is a comparison column, not the result
_HEAD_QUALIFIED = {k: re.compile(r"^[^\d年]{1,4}(?:" + _HEAD[k] + r")$") for k in ("weight", "score", "target", "actual")}


# one column giving both, "分值（得分）" over "20（18）": the figure outside the brackets is the first term's
_PAIR_SEPARATOR = r"[(（/|｜]"
_PAIR_SPLIT = str.maketrans({c: "|" for c in "(（/｜)）"})  # "20（18）" → "20|18|"
_HEAD_PAIR = re.compile(rf"^({_HEAD['weight']}|{_HEAD['score']}){_PAIR_SEPARATOR}({_HEAD['weight']}|{_HEAD['score']})\)?$")


def indicator_header(row: list[Cell]) -> dict[str, int] | None:
    """Column positions of a scored indicator table header, else None.

    Several 分值 columns (one per level) occur; the one after the deepest level is the leaf weight.
    A column of both (分值（得分）) is the weight's and the score's, its key "weight_score" or
    "score_weight" saying which figure comes first.
    """
    cols: dict[str, int] = {}
    for i, cell in enumerate(row):
        text = cell.plain
        pair = _HEAD_PAIR.match(text)
        if pair and _HEAD_RES["weight"].match(pair.group(1)) != _HEAD_RES["weight"].match(pair.group(2)):
            order = "weight_score" if _HEAD_RES["weight"].match(pair.group(1)) else "score_weight"
            cols["weight"] = cols["score"] = cols[order] = i
            continue
        exact = any(rx.match(text) for rx in _HEAD_RES.values())
        for key in ("level1", "level2", "name", "target", "actual", "weight", "score", "note"):
            if _HEAD_RES[key].match(text) or (not exact and key in _HEAD_QUALIFIED and _HEAD_QUALIFIED[key].match(text)):
                if key == "weight":
                    cols["weight"] = i  # the last 分值 wins: the leaf's
                elif key not in cols:
                    cols[key] = i
                break
    if "score" in cols and "weight" in cols and ("name" in cols or "level2" in cols or "level1" in cols):
        if "name" not in cols:
            cols["name"] = cols.get("level2", cols.get("level1"))
        return cols
    return None


TOTAL_LABEL = re.compile(r"^(?:总分|合计|总计|(?:综合|自评|评价)?总?得分|自评总分|合计得分)")
EXECUTION_ROW = re.compile(r"预算执行|资金执行|执行率")  # "预算执行率 | …", "预算执行 | | 预算执行率 | …"


def _weight_and_score(cell: Cell, cols: dict[str, int]) -> tuple[float | None, float | None]:
    """The two figures of a cell under a column of both (分值（得分）: "20（18）", "10/8"), in the
    column's order."""
    figures = [parse_number(part) for part in cell.plain.translate(_PAIR_SPLIT).rstrip("|").split("|", 1)]
    figures += [None] * (2 - len(figures))
    weight, score = figures if "weight_score" in cols else figures[::-1]
    return weight, score


def parse_indicator_rows(rows: list[list[Cell]], cols: dict[str, int], cand: Candidate,
                         origin: str, header_width: int | None = None
                         ) -> tuple[list[Indicator], float | None, tuple[int, int] | None, int]:
    """Leaf indicator rows after a header (of `header_width` cells); returns (indicators, total,
    total lines, rows used).

    Merged cells show as empty cells: level names are filled down from the rows above.
    A budget-execution row is not an indicator: it becomes score_execution.
    """
    width = max(cols.values()) + 1
    if header_width is not None and header_width > width:
        width = header_width  # trailing cells after the last named column: not a reason to shift rows
    level1 = level2 = None
    out: list[Indicator] = []
    total = total_lines = None
    used = 0
    for row in rows:
        texts = [c.compact for c in row]
        first = next((t for t in texts if t), "")
        if TOTAL_LABEL.match(halfwidth(first)) or label_key(first) == "score":
            read = [read_score(c.text) for c in row[1:]]  # "94.27分（优）": the total and its grade
            numbers = [s for s, _ in read if s is not None]
            if numbers:
                # the figure under the 得分 column of a row as wide as the header, else the last: a 得分
                # column before the 分值 one is no reason to read the full marks
                at = cols["score"]
                under = None
                if len(row) >= width and 0 < at < len(row):  # "100/93" under 分值/得分: the second
                    under = _weight_and_score(row[at], cols)[1] if cols["weight"] == at else read_score(row[at].text)[0]
                total = under if under is not None else numbers[-1]
                total_lines = (row[0].line_start, row[-1].line_end)
                grade = next((g for _, g in reversed(read) if g), None)
                cand.add("grade", grade, row[0].line_start, row[-1].line_end, "form", origin)
            used += 1
            break
        if label_key(first) == "project" or indicator_header(row):
            break
        if len(row) < width - 2 and not any(parse_number(c.text) is not None for c in row):
            break  # a different table part begins
        used += 1
        offset = len(row) - width if len(row) > width else 0
        if len(row) < width:
            offset = len(row) - width  # merged leading cells were dropped: align right

        def cell(key: str) -> Cell | None:
            if key not in cols:
                return None
            i = cols[key] + offset
            return row[i] if 0 <= i < len(row) else None

        def text(key: str, compact: bool = False) -> str | None:
            c = cell(key)
            if c is None or not c.text:
                return None
            return c.compact if compact else "".join(c.text.split("\n")).strip()

        if "level1" in cols and text("level1", True):
            level1 = text("level1", True)
            level2 = None
        if "level2" in cols and text("level2", True):
            level2 = text("level2", True)
        name = text("name") if cols.get("name") not in (cols.get("level1"), cols.get("level2")) else None
        weight_cell, score_cell = cell("weight"), cell("score")
        weight = parse_number(weight_cell.text) if weight_cell else None
        score = parse_number(score_cell.text) if score_cell else None
        if cols["weight"] == cols["score"] and weight_cell is not None:  # "20（18）": both in one cell
            weight, score = _weight_and_score(weight_cell, cols)
        if name is None and weight is None and score is None:
            continue
        own_level1 = text("level1", True) if "level1" in cols else None
        if own_level1 and EXECUTION_ROW.search(own_level1) and not text("level2", True) and len(own_level1) <= 12:
            # a 自评表's separate budget-execution row (一级指标 预算执行率), not a scored indicator
            cand.add("score_execution", score, row[0].line_start, row[-1].line_end, "form", origin)
            cand.add("score_execution_max", weight, row[0].line_start, row[-1].line_end, "form", origin)
            continue
        out.append(Indicator(level1, level2, name, text("target"), text("actual"), weight, score,
                             text("note"), row[0].line_start, row[-1].line_end))
    return out, total, total_lines, used


DIMENSION_OF_LEVEL1 = [
    ("score_decision", re.compile(r"决策")),
    ("score_process", re.compile(r"管理|过程")),
    ("score_performance", re.compile(r"绩效|产出|效益|效果|满意度")),
]


def dimension_scores(indicators: list[Indicator]) -> dict[str, float]:
    """Sum of leaf scores per dimension, when every leaf of that dimension has a score."""
    sums: dict[str, float] = {}
    complete: dict[str, bool] = {}
    for ind in indicators:
        if ind.weight is None:
            continue
        dim = next((d for d, rx in DIMENSION_OF_LEVEL1 if ind.level1 and rx.search(ind.level1)), None)
        if dim is None:
            return {}
        sums[dim] = sums.get(dim, 0.0) + (ind.score or 0.0)
        complete[dim] = complete.get(dim, True) and ind.score is not None
    if not {"score_decision", "score_process"} <= set(sums):
        return {}  # not a 决策/过程/绩效 framework: the groups are no dimension scores
    return {d: round(v, 4) for d, v in sums.items() if complete[d]}


# ---- funds rows of a self-assessment form -------------------------------------------------------

# Per field, its column labels from the most to the least specific: when two columns fit one field
# (a group cell "年度预算数（万元）" over 年初预算 | 调整后预算数), the more specific label wins.
FUNDS_HEAD = {
    # this year's (本年, 全年) but never last year's (上年执行数: a comparison column)
    "budget_initial_yuan": [r"(?:本年度?)?年初(?:预算)?(?:安排)?(?:数|金额)?"],
    "budget_yuan": [r"(?:本年度?)?(?:调整后?预算(?:数|金额)?|全年预算(?:数|金额)?|预算安排(?:数|金额)?|批复预算(?:数)?)",
                    r"(?:年度|本年度?)?预算(?:数|金额|资金)?"],
    "spent_yuan": [r"(?:全年|本年度?|年度)?(?:(?:预算|资金|实际)?执行(?:数|金额)|实际支出(?:数|金额)?|支出(?:数|金额)|决算(?:数|金额))"
                   r"|(?:全年|本年度?)执行"],
    "score_execution_max": [r"分值|权重"],
    "execution_rate": [r"(?:预算|资金)?执行率"],
    "score_execution": [r"得分"],
}
# a label may end in its unit or its full marks: 项目资金（万元）, 得分（10分）
_FUNDS_END = rf"(?:\((?:{MONEY_UNIT}|%|\d+(?:\.\d+)?分)\))?$"
_FUNDS_RES = {k: [re.compile(r"^(?:" + v + r")" + _FUNDS_END) for v in alternatives]
              for k, alternatives in FUNDS_HEAD.items()}


def funds_header(row: list[Cell]) -> dict[str, int] | None:
    cols: dict[str, int] = {}
    rank: dict[str, int] = {}
    for i, cell in enumerate(row):
        text = cell.plain
        for key, alternatives in _FUNDS_RES.items():
            level = next((n for n, rx in enumerate(alternatives) if rx.match(text)), None)
            if level is not None and (key not in cols or level < rank[key]):
                cols[key], rank[key] = i, level
                break
    if "spent_yuan" in cols and ("budget_yuan" in cols or "budget_initial_yuan" in cols) \
            and not any(parse_number(c.text) is not None for c in row):  # a header names columns, holds no figures
        return cols
    return None


def _has_amount(row: list[Cell], cols: dict[str, int]) -> bool:
    i = cols.get("spent_yuan")
    return i is not None and i < len(row) and parse_number(row[i].text) is not None


def read_funds(rows: list[list[Cell]], header_index: int, cols: dict[str, int], default_unit: str,
               cand: Candidate, origin: str) -> None:
    header = rows[header_index]
    unit = default_unit
    for i, c in enumerate(header):  # the grid's unit ("项目资金（万元）"); a column's own is that column's only
        if i not in cols.values():
            unit = unit_in_label(c.text) or unit
    units = {key: unit_in_label(header[i].text) or unit if i < len(header) else unit for key, i in cols.items()}
    first_value = min(cols.values())

    # the label may sit in a later merged cell; a column of figures is none (上年执行数: a column
    # the vocabulary names though this table's field is read elsewhere)
    def label_cells(row: list[Cell]) -> list[Cell]:
        return [c for i, c in enumerate(row[:max(2, first_value)])
                if not (i and i < len(header) and label_key(header[i].text))]

    def label(row: list[Cell]) -> str:
        return "".join(c.compact for c in label_cells(row))
    # rows of the figure's parts by source or purpose (中央财政资金 | 省级 | 县级), each with its amounts
    parts = []
    for row in rows[header_index + 1:]:
        if not (names_component(label(row)) and _has_amount(row, cols)):
            break
        parts.append(row)
    following = rows[header_index + 1:header_index + 4 + len(parts)]
    labels = [label(row) for row in following]
    # the row of the whole: a total, or a department's overall spending (部门整体支出)
    totals = [k for k, label in enumerate(labels) if any(w in label for w in ("总额", "合计", "总计", "年度资金", "整体支出"))]
    if not totals and following and not any(c.text for c in label_cells(following[0][:first_value])) \
            and _has_amount(following[0], cols):
        totals = [0]  # the form's one values row, right under its header, with no label of its own
    if not totals and len(parts) >= 2:
        _read_parts(parts, cols, units, cand, origin)
        cand.money_unit = unit
        return
    for row in following[totals[0]:totals[0] + 1] if totals else []:
        offset = len(row) - len(header) if len(row) != len(header) else 0
        for key, i in cols.items():
            j = i + offset
            if not 0 <= j < len(row) or not row[j].text:
                continue
            _add_funds_cell(cand, key, row[j], units[key], origin)
        cand.money_unit = unit
        return


def _add_funds_cell(cand: Candidate, key: str, cell: Cell, unit: str, origin: str) -> None:
    if key in MONEY_KEYS:
        cand.add_money(key, read_money(cell.text, unit), cell.line_start, cell.line_end, "form", origin)
    elif key == "execution_rate":
        cand.add(key, parse_percent(cell.text), cell.line_start, cell.line_end, "form", origin)
    else:
        cand.add(key, parse_number(cell.text), cell.line_start, cell.line_end, "form", origin)


def _read_parts(parts: list[list[Cell]], cols: dict[str, int], units: dict[str, str], cand: Candidate,
                origin: str) -> None:
    """A funds grid with no row of the whole: its money is the sum of its parts' rows, each read
    as written; a rate or score of the whole stands in the first row (a cell merged down the rows)."""
    for key, i in cols.items():
        cells = [row[i] for row in parts if i < len(row) and row[i].text]
        if not cells:
            continue
        first, last = cells[0].line_start, cells[-1].line_end
        if key in MONEY_KEYS:
            amounts = [read_money(c.text, units[key]) for c in cells]
            if all(a.yuan is not None for a in amounts):
                total = round(sum(a.yuan for a in amounts), 2)
                cand.add(key, total, first, last, "form", origin, amounts[0].assumed, amounts[0].contrary)
        elif len(cells) == 1:
            _add_funds_cell(cand, key, cells[0], units[key], origin)


# ---- time series: cumulative spending progress by period --------------------------------------

_PROGRESS_LABEL = re.compile(r"支出进度|执行进度|执行率|支付进度|进度")


def read_progress_table(rows: list[list[Cell]]) -> list[Progress]:
    """Cumulative progress stated per period in a table, the periods along a row or down a column:
    "支出进度 | 一季度 | 二季度 …" over "| 15.2% | 38.7% …", or "季度 | 当季支出 | 累计支出进度" with a row
    per quarter. Only percentages are read (amounts per period are not progress), and where both a
    period's own and its cumulative rate are given, the cumulative column."""
    for r, row in enumerate(rows[:-1]):  # periods along a row, their rates in a row below
        months = {i: m for i, c in enumerate(row) if (m := period_month(c.text))}
        if len(months) >= 2:
            # the rates' row: the first below with percentages, one labelled 累计 before the others
            # (amounts per period, or each period's own rate, may come first)
            below_rows = sorted(rows[r + 1:r + 5], key=lambda b: not (b and "累计" in b[0].compact))
            for below in below_rows:
                points = [Progress(m, rate, "stated", below[i].line_start, below[i].line_end)
                          for i, m in months.items()
                          if i < len(below) and "%" in below[i].text and (rate := parse_percent(below[i].text)) is not None]
                if len(points) >= 2:
                    return points
    width = max((len(row) for row in rows), default=0)
    for col in range(width):  # periods down a column, the rate in the column headed 累计…进度
        periods = [(r, m) for r, row in enumerate(rows) if col < len(row) and (m := period_month(row[col].text))]
        if len(periods) < 2:
            continue
        head = rows[periods[0][0] - 1] if periods[0][0] else []
        rate_cols = [i for i, c in enumerate(head) if i != col and _PROGRESS_LABEL.search(c.compact)]
        rate_cols.sort(key=lambda i: "累计" not in head[i].compact)
        for rc in rate_cols[:1]:
            points = [Progress(m, rate, "stated", rows[r][rc].line_start, rows[r][rc].line_end) for r, m in periods
                      if rc < len(rows[r]) and "%" in rows[r][rc].text and (rate := parse_percent(rows[r][rc].text)) is not None]
            if len(points) >= 2:
                return points
    return []
