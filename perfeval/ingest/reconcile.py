"""Reconciliation of one evaluation's money readings after merging: a unit taken from a header.

A figure written without a unit next to it (a bare number in a column captioned 万元, a form under
"单位：万元") was read in a unit assumed from elsewhere. When that assumption is wrong (a unit filled
in 元 under a 万元 caption), the figure is 10^4 or 10^8 off. The evaluation's other readings say so:
the same figure written with its unit elsewhere in the document (a department report's summary of
the project, the report's text), or the document's own execution rate against the budget. The
readings that share an assumption (one origin, one assumed unit: the same table) are rescaled
together when the evidence agrees on one factor and nothing supports the figures as read, with a
`money_unit` check naming both readings. What cannot be resolved is flagged, never stored silently:
spending and budget, or spending against the stated rate, orders of magnitude apart.
"""
from __future__ import annotations

from perfeval.ingest.records import Candidate, Check, Reading
from perfeval.ingest.validate import where_read

MONEY_FIELDS = ("budget_initial_yuan", "budget_yuan", "funds_received_yuan", "spent_yuan")
FIELD_NAMES = {"budget_initial_yuan": "年初预算数", "budget_yuan": "全年预算数",
               "funds_received_yuan": "到位资金", "spent_yuan": "执行数"}
# the factors a wrong unit makes: 元 read as 万元 (×10^4), 万元 as 元, 元 as 亿元, 万元 as 亿元
SCALES = (1e-4, 1e4, 1e-8, 1e8)
SAME = 0.05          # two readings of one figure agree within 5% (rounding, 万元 to two decimals)
RATE_SAME = 0.01     # spending / budget against the stated rate: within one percentage point
ORDERS_APART = 100   # a ratio this far from what it should be is a unit error, not a difference
# without a stated rate: spending a hundred times the budget, or under a thousandth of it
UNSTATED_RANGE = (1e-3, 100)


def _agree(a: float, b: float) -> bool:
    return abs(a - b) <= SAME * max(abs(a), abs(b))


def _shown(value: float) -> str:
    for size, unit, decimals in ((1e8, "亿元", 6), (1e4, "万元", 2), (1, "元", 2)):
        if abs(value) >= size or size == 1:
            return f"{value / size:,.{decimals}f}".rstrip("0").rstrip(".") + unit
    return ""


def _money(cand: Candidate) -> list[tuple[str, Reading]]:
    return [(f, r) for f in MONEY_FIELDS for r in cand.fields.get(f, [])
            if isinstance(r.value, (int, float)) and r.value > 0]


def _stated_rate(cand: Candidate) -> float | None:
    rate = cand.best("execution_rate")
    return rate.value if rate is not None and isinstance(rate.value, (int, float)) and rate.value > 0 else None


def _evidence(group: list[tuple[str, Reading]], others: list[tuple[str, Reading]],
              rate: float | None) -> tuple[dict[float, tuple[Reading, Reading]], bool]:
    """The factors the other readings support for a group read in one assumed unit (each with one
    pair of readings that shows it), and whether anything supports the group as read."""
    votes: dict[float, tuple[Reading, Reading]] = {}
    as_read = False
    for field, r in group:
        for other_field, w in others:
            if other_field != field:
                continue
            if _agree(r.value, w.value):
                as_read = True
            for k in SCALES:
                if _agree(r.value * k, w.value):
                    votes.setdefault(k, (r, w))
    if rate is not None:  # spending over budget is the stated rate, one side read in this group
        for field, r in group:
            pairs = ([(w, r.value, w.value) for f, w in others if f == "budget_yuan"] if field == "spent_yuan"
                     else [(w, w.value, r.value) for f, w in others if f == "spent_yuan"] if field == "budget_yuan"
                     else [])
            for w, spent, budget in pairs:
                if abs(spent / budget - rate) <= RATE_SAME:
                    as_read = True
                for k in SCALES:
                    scaled = spent * k / budget if field == "spent_yuan" else spent / (budget * k)
                    if abs(scaled - rate) <= RATE_SAME:
                        votes.setdefault(k, (r, w))
    return votes, as_read


def reconcile_money(cand: Candidate) -> list[Check]:
    """Rescale the readings of a wrongly assumed unit; the checks that say what was done or doubted."""
    checks: list[Check] = []
    readings = _money(cand)
    rate = _stated_rate(cand)
    groups: dict[tuple[str, str], list[tuple[str, Reading]]] = {}
    for field, r in readings:
        if r.unit_assumed:
            groups.setdefault((r.origin, r.unit_assumed), []).append((field, r))
    for (origin, unit), group in groups.items():
        members = {id(r) for _, r in group}
        # witnesses: figures written with their unit, and figures read under another assumption
        others = [(f, r) for f, r in readings if id(r) not in members]
        # each figure by its own evidence (one cell of a table may be filled in another unit);
        # the figures without evidence of their own follow the table's when it is one factor
        verdicts = [(f, r, *_evidence([(f, r)], others, rate)) for f, r in group]
        if not any(v or as_read for _, _, v, as_read in verdicts):
            verdicts = _within(group, rate, unit)
        factors = {next(iter(v)) for _, _, v, as_read in verdicts if len(v) == 1 and not as_read}
        if len(factors) != 1 or any(len(v) > 1 for _, _, v, _ in verdicts):
            continue
        k = factors.pop()
        supported = any(as_read for _, _, _, as_read in verdicts)
        moved = [(f, r, v) for f, r, v, as_read in verdicts if not as_read and (v or not supported)]
        shown_r, witness = next(v[k] for _, _, v in moved if v)
        listed = "、".join(f"{FIELD_NAMES[f]} {_shown(r.value)}" for f, r, _ in moved)
        for _, r, _ in moved:
            r.value = round(r.value * k, 2)
            r.unit_assumed = None
        group = [(f, r) for f, r, _ in moved]
        checks.append(Check(
            "money_unit", "warning",
            f"{where_read(shown_r)}的金额未写单位，按{unit}读为 {listed}，与{where_read(witness)}所述"
            f"（{_shown(witness.value)}）相差{_factor(k)}倍；判断该处单位有误，已按 "
            + "、".join(f"{FIELD_NAMES[f]} {_shown(r.value)}" for f, r in group) + " 计入，请核对原表。"))
    checks += _contrary_units(readings)
    checks += _orders_apart(cand, rate)
    return checks


def _contrary_units(readings: list[tuple[str, Reading]]) -> list[Check]:
    """A figure written in a unit other than its header's: read as written, and said once."""
    for field, r in readings:
        if r.unit_contrary:
            return [Check("money_unit", "warning",
                          f"{where_read(r)}的{FIELD_NAMES[field]}所写的单位与表头或说明的单位（{r.unit_contrary}）"
                          f"不一致；已按所写单位读为 {_shown(r.value)}，请核对原表。")]
    return []


def _within(group: list[tuple[str, Reading]], rate: float | None, unit: str):
    """Verdicts from the table's own figures when nothing outside it speaks: one cell against the
    others through the stated rate. Two cells that disagree by a factor each accuse the other; the
    one that moved is the one a slip of the pen explains: a figure in 元 typed under a 万元 or 亿元
    header (read too large), or one in 万元 under a 元 header (read too small). The other stands
    as read."""
    slipped = (lambda k: k > 1) if unit == "元" else (lambda k: k < 1)
    out = []
    for f, r in group:
        rest = [(g, w) for g, w in group if w is not r]
        kin = [w for g, w in rest if g == KIN.get(f)]
        if kin:  # a figure of the budget's size: within a factor of ten of the budget of its table
            votes, as_read = _scaled_into(r, kin, lambda k, w: r.value * k / w.value, *KIN_RANGE)
        elif rate is not None:
            votes, as_read = _evidence([(f, r)], rest, rate)
        else:
            votes, as_read = _plausible(f, r, rest)
        kept = {k: pair for k, pair in votes.items() if slipped(k)}
        out.append((f, r, kept, as_read or (bool(votes) and not kept)))
    return out


# figures of one project's funds that are of one size with its budget: the budget first planned, the
# funds that arrived (an adjustment during the year rarely moves them by a factor of ten)
KIN = {"budget_initial_yuan": "budget_yuan", "funds_received_yuan": "budget_yuan"}
KIN_RANGE = (0.1, 10)


def _plausible(field: str, r: Reading, rest: list[tuple[str, Reading]]):
    """Without a stated rate: spending against budget as read is within reason, or one factor
    brings it to an execution rate (at most ~120%)."""
    other = {"spent_yuan": "budget_yuan", "budget_yuan": "spent_yuan"}.get(field)
    spent = field == "spent_yuan"
    return _scaled_into(r, [w for g, w in rest if g == other],
                        lambda k, w: r.value * k / w.value if spent else w.value / (r.value * k), UNSTATED_RANGE[0], 1.2)


def _scaled_into(r: Reading, witnesses: list[Reading], ratio, low: float, high: float):
    """Whether `ratio(k, w)` is within [low, high] for a witness w with r as read (k = 1), and the
    factors k that would bring it there, each with one pair of readings that shows it."""
    votes: dict[float, tuple[Reading, Reading]] = {}
    as_read = False
    for w in witnesses:
        for k in (1.0, *SCALES):
            if low <= ratio(k, w) <= high:
                if k == 1.0:
                    as_read = True
                else:
                    votes.setdefault(k, (r, w))
    return votes, as_read


def _factor(k: float) -> str:
    return "一万" if k in (1e4, 1e-4) else "一亿"


def _orders_apart(cand: Candidate, rate: float | None) -> list[Check]:
    """What is stored must not contradict the document by orders of magnitude."""
    budget, spent = cand.best("budget_yuan"), cand.best("spent_yuan")
    if budget is None or spent is None or not budget.value or not spent.value:
        return []
    ratio = spent.value / budget.value
    if rate is not None and 1 / ORDERS_APART <= ratio / rate <= ORDERS_APART:
        return []
    if rate is None and UNSTATED_RANGE[0] <= ratio <= UNSTATED_RANGE[1]:
        return []
    against = f"所述执行率 {rate * 100:.2f}%" if rate is not None else "常理（执行数应与预算数同一量级）"
    return [Check("money_unit", "warning",
                  f"执行数 {_shown(spent.value)}（{where_read(spent)}）与预算数 {_shown(budget.value)}"
                  f"（{where_read(budget)}）之比为 {ratio:.4g}，与{against}相差数量级，金额单位可能有误，请核对原文。")]
