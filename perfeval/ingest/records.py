"""What extractors produce: candidate evaluations whose fields keep every reading with its source.

One evaluated object can be read in several places of a document (a 自评表, the report text, a
department report's project summary). Each place yields a `Candidate`; `assemble` merges the
candidates of one object and picks, for each field, the reading of the highest authority. The
readings it did not pick stay available to the consistency checks.
"""
from __future__ import annotations

import datetime as dt
import operator
from dataclasses import dataclass, field
from typing import Any

# How much a place in a document is trusted for the figures it states (higher wins).
AUTHORITY_FORM = 90           # a filled-in form: 自评表, results table, basic-info table, scored indicator table
AUTHORITY_TEXT = 70           # a statement in the report's own text
AUTHORITY_SUMMARY_TABLE = 50  # a recap table that restates scores (综合评价 table)
AUTHORITY_MENTION = 40        # the project summarised inside another report (department text)
AUTHORITY_CONTEXT = 20        # inferred from the document around it (header unit, dominant year)
AUTHORITY = {"form": AUTHORITY_FORM, "text": AUTHORITY_TEXT, "summary_table": AUTHORITY_SUMMARY_TABLE,
             "mention": AUTHORITY_MENTION, "context": AUTHORITY_CONTEXT}

# The Chinese name of each evaluation field, for checks and pages alike.
FIELD_LABELS = {
    "eval_id": "评价编号", "doc_id": "文档编号", "region": "地区", "unit": "单位", "department": "主管部门",
    "year": "年度", "project": "项目", "scope": "评价范围", "source_kind": "来源类型",
    "budget_initial_yuan": "年初预算数", "budget_yuan": "全年预算数", "funds_received_yuan": "到位资金",
    "spent_yuan": "全年执行数", "execution_rate": "预算执行率", "execution_rate_stated": "执行率为报告所述",
    "score": "总得分", "grade": "等级（报告所述）", "score_decision": "决策得分", "score_process": "过程得分",
    "score_performance": "绩效得分", "score_execution": "预算执行得分", "score_execution_max": "预算执行分值",
    "grade_from_score": "等级（按得分）", "line_start": "起始行", "line_end": "结束行",
    "file_name": "来源文件", "file_format": "文件格式", "ingested_at": "入库时间", "sha256": "文件指纹",
}


@dataclass
class Reading:
    value: Any
    line_start: int
    line_end: int
    authority: int
    origin: str          # where it was read, in Chinese, for check messages ("自评表", "报告正文")
    # a money figure written without a unit: the unit it was read in (from a column header, a
    # caption, the template's default), which reconciliation may find wrong; None: written with it
    unit_assumed: str | None = None
    # a figure written with a unit other than its header's or caption's: the header's unit (read as
    # written; the document contradicts itself, which a check says)
    unit_contrary: str | None = None


@dataclass
class Indicator:
    level1: str | None
    level2: str | None
    name: str | None
    target: str | None
    actual: str | None
    weight: float | None
    score: float | None
    note: str | None
    line_start: int
    line_end: int


@dataclass
class Progress:
    month: int
    cumulative_rate: float
    source: str
    line_start: int
    line_end: int


@dataclass
class Disbursement:
    paid_on: dt.date
    amount_yuan: float
    purpose: str
    line_start: int
    line_end: int


@dataclass
class BudgetLine:
    name: str
    budget_yuan: float | None
    spent_yuan: float | None
    execution_rate: float | None
    line_start: int
    line_end: int


@dataclass
class Finding:
    kind: str            # problem | suggestion | rectification
    text: str
    line_start: int
    line_end: int
    category: str | None = None
    categories_secondary: list[str] = field(default_factory=list)
    matched_terms: list[str] = field(default_factory=list)
    match_score: float | None = None  # classifier score of the category (problems)


@dataclass
class Check:
    rule: str
    severity: str
    message: str


_authority = operator.attrgetter("authority")


@dataclass
class Candidate:
    source_kind: str
    line_start: int
    line_end: int
    scope: str = "project"
    fields: dict[str, list[Reading]] = field(default_factory=dict)
    indicators: list[Indicator] = field(default_factory=list)
    progress: list[Progress] = field(default_factory=list)
    disbursements: list[Disbursement] = field(default_factory=list)
    budget_lines: list[BudgetLine] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    money_unit: str | None = None

    def add(self, name: str, value: Any, line_start: int, line_end: int, kind: str, origin: str,
            unit_assumed: str | None = None, unit_contrary: str | None = None) -> None:
        if value is None or value == "":
            return
        self.fields.setdefault(name, []).append(
            Reading(value, line_start, line_end, AUTHORITY[kind], origin, unit_assumed, unit_contrary))

    def add_money(self, name: str, money, line_start: int, line_end: int, kind: str, origin: str) -> None:
        """A figure of normalize.read_money, with where its unit came from."""
        self.add(name, money.yuan, line_start, line_end, kind, origin, money.assumed, money.contrary)

    def best(self, name: str) -> Reading | None:
        readings = self.fields.get(name)
        if not readings:
            return None
        if len(readings) == 1:  # most fields (called for every field of every evaluation, often)
            return readings[0]
        return max(readings, key=_authority)

    def get(self, name: str) -> Any:
        reading = self.best(name)
        return reading.value if reading else None


@dataclass
class Evaluation:
    """One evaluated object after merging: the chosen readings plus everything else that was read."""
    candidate: Candidate
    eval_id: str = ""
    checks: list[Check] = field(default_factory=list)

    def get(self, name: str) -> Any:
        return self.candidate.get(name)
