"""From candidates to evaluations: one row per evaluated object, fields from the best place.

Steps: complete each candidate from the document context (unit, year, region); join the parts of
one report (a cover with tables and a body without a name); merge candidates naming the same
object; match the project summaries of a department report to the projects' own evaluations
(by name, else by their figures); reconcile the money readings read in an assumed unit
(perfeval.ingest.reconcile); then derive what follows from stated figures (the budget the
rate is measured against, a computed rate, the score band) and run the consistency checks.
"""
from __future__ import annotations

import hashlib

from perfeval.ingest.context import Context, is_division, project_key, region_of
from perfeval.ingest.normalize import grade_from_score, name_key
from perfeval.ingest.reconcile import SCALES, reconcile_money
from perfeval.ingest.records import AUTHORITY_CONTEXT, Candidate, Check, Evaluation, Progress, Reading
from perfeval.ingest.validate import money_close, run_checks

DEPARTMENT_PROJECT = "部门整体支出"
FORM_KINDS = ("self_assessment", "results_disclosure")
# Places that speak about an object evaluated elsewhere: merged into that evaluation when it is found.
MENTION_KINDS = ("summary_mention", "monthly_sheet")


def assemble(candidates: list[Candidate], ctx: Context, doc_key: str) -> list[Evaluation]:
    for cand in candidates:
        _complete(cand, ctx)
    mentions = [c for c in candidates if c.source_kind in MENTION_KINDS]
    own = _join_report_parts([c for c in candidates if c.source_kind not in MENTION_KINDS])
    merged = _merge_same_object(own)
    evaluations = [Evaluation(c) for c in merged]
    orphans = _attach_mentions(evaluations, mentions)
    for ev in evaluations:
        ev.checks.extend(reconcile_money(ev.candidate))
        _derive(ev.candidate)
        ev.checks.extend(run_checks(ev.candidate))
    dept = next((e for e in evaluations if e.candidate.scope == "department"), None)
    for cand in orphans:
        if cand.get("project"):
            ev = Evaluation(cand)
            ev.checks.extend(reconcile_money(cand))
            _derive(cand)
            ev.checks.extend(run_checks(cand))
            evaluations.append(ev)
        elif dept is not None:
            dept.checks.append(Check(
                "unmatched_summary", "info",
                f"部门报告第{cand.line_start}行的项目摘要未写明项目名称，且其金额与本文件中任何项目都对不上，未计入。"))
    _assign_ids(evaluations, doc_key)
    return evaluations


def _complete(cand: Candidate, ctx: Context) -> None:
    unit_reading = cand.best("unit")
    dept_reading = cand.best("department")
    unit = unit_reading.value if unit_reading and not is_division(unit_reading.value) else None
    source = unit_reading
    if unit is None and dept_reading and not is_division(dept_reading.value):
        unit, source = dept_reading.value, dept_reading
    unit = ctx.canonical_unit(unit)
    if unit is None and ctx.unit:
        cand.add("unit", ctx.unit, *ctx.unit_lines, "context", "文件抬头")
    elif unit is not None:
        _set(cand, "unit", unit, source)
    dept = cand.get("department")
    if dept and (is_division(dept) or ctx.canonical_unit(dept) == cand.get("unit")):
        cand.fields.pop("department", None)
    if "year" not in cand.fields and ctx.year:
        cand.add("year", ctx.year, *ctx.year_lines, "context", "文件年度")
    region = (region_of(cand.get("unit"), ctx.regions) or region_of(cand.get("department"), ctx.regions)
              or region_of(ctx.unit, ctx.regions) or ctx.region())
    if region:
        src = cand.best("unit") or cand.best("department")
        cand.add("region", region, src.line_start if src else 0, src.line_end if src else 0, "context", "单位名称")
    if cand.scope == "department" and "project" not in cand.fields:
        src = cand.best("unit")
        cand.add("project", DEPARTMENT_PROJECT, src.line_start if src else cand.line_start,
                 src.line_end if src else cand.line_start, "context", "部门整体")
    cand.add("scope", cand.scope, cand.line_start, cand.line_end, "context", "")
    cand.add("source_kind", cand.source_kind, cand.line_start, cand.line_end, "context", "")


def _set(cand: Candidate, name: str, value, source: Reading | None) -> None:
    """Replace a field's chosen value (a canonical form of what was read) keeping its source."""
    if source is None:
        return
    cand.fields[name] = [Reading(value, source.line_start, source.line_end, source.authority, source.origin)] + [
        r for r in cand.fields.get(name, []) if r is not source]


def _join_report_parts(cands: list[Candidate]) -> list[Candidate]:
    """A report section without a project name continues the report before it (cover + body)."""
    out: list[Candidate] = []
    for cand in cands:
        if cand.source_kind == "evaluation_report" and not _named(cand):
            prev = next((c for c in reversed(out) if c.source_kind == "evaluation_report"), None)
            if prev is not None:
                _absorb(prev, cand)
                continue
        out.append(cand)
    return out


def _named(cand: Candidate) -> bool:
    reading = cand.best("project")
    return reading is not None and reading.authority > AUTHORITY_CONTEXT


MIN_NAME_SHARE = 0.6  # a name inside another names the same object if it is this share of it
MIN_INSIDE = 4        # … and at least this many characters


def same_name(a: str | None, b: str | None, min_share: float = MIN_NAME_SHARE) -> bool:
    """One object named twice: equal, or one name inside the other once region and year
    prefixes are set aside ('武鸣区2024年学前教育发展专项资金' / '学前教育发展专项资金')."""
    if not a or not b:
        return False
    ka, kb = project_key(a), project_key(b)
    if not ka or not kb:
        return False
    if ka == kb:
        return True
    short, long_ = sorted((ka, kb), key=len)
    return len(short) >= MIN_INSIDE and short in long_ and len(short) >= min_share * len(long_)


def _merge_same_object(cands: list[Candidate]) -> list[Candidate]:
    """Candidates of one object (same scope and year, `same_name`) merged into the first of them."""
    objects = _Objects()
    for cand in cands:
        at = objects.find(cand)
        if at is None:
            objects.append(cand)
            continue
        target = objects.out[at]
        if cand.source_kind in FORM_KINDS and target.source_kind not in FORM_KINDS:
            _absorb(cand, target)
            objects.replace(at, cand)
        else:
            _absorb(target, cand)
            objects.replace(at, target)  # its year or name may have changed
    return objects.out


class _Objects:
    """The objects merged so far, found by scope, year and name without comparing each pair: a
    results list names thousands of projects, and comparing every pair took seconds.
    ``min_share``: as same_name's.

    Names are indexed by their comparison key and by the parts of it another name may be
    (`same_name`: at least MIN_INSIDE characters and MIN_NAME_SHARE of it); what the index finds
    is confirmed by `same_name`, and the first object in order wins, as in a scan. Keys longer
    than LONG_KEY (garbled text, rarely a name) are compared by scanning their group."""
    LONG_KEY = 64
    INDEX_FROM = 16  # fewer objects are compared one by one: building the index would cost more

    def __init__(self, min_share: float = MIN_NAME_SHARE) -> None:
        self.min_share = min_share
        self._built = False
        self.out: list[Candidate] = []
        self._indexed: list[tuple] = []            # per object: (group, key) it is indexed under
        self._exact: dict[tuple, set[int]] = {}    # (group, key) → objects
        self._parts: dict[tuple, set[int]] = {}    # (group, part of a key) → objects whose key holds it
        self._groups: dict[tuple, set[int]] = {}   # group → objects
        self._long: dict[tuple, set[int]] = {}     # group → objects with a key longer than LONG_KEY

    @staticmethod
    def _where(cand: Candidate) -> tuple[tuple, str]:
        name = cand.get("project")
        return (cand.scope, cand.get("year")), (project_key(name) if name else "")

    def _inner(self, key: str):
        """The parts of `key` that may name the same object: its substrings of a length
        `same_name` accepts against it."""
        for length in range(len(key), MIN_INSIDE - 1, -1):
            if length < self.min_share * len(key):
                break
            for start in range(len(key) - length + 1):
                yield key[start:start + length]

    def find(self, cand: Candidate, scope: str | None = None) -> int | None:
        """The first object `cand` names (`scope`: look among that scope's instead of its own)."""
        group, key = self._where(cand)
        if scope is not None:
            group = (scope, group[1])
        if not key:
            return None
        if not self._built:
            name = cand.get("project")
            return next((at for at, obj in enumerate(self.out) if self._indexed[at][0] == group
                         and same_name(obj.get("project"), name, self.min_share)), None)
        if len(key) > self.LONG_KEY:
            found = set(self._groups.get(group, ()))
        else:
            found = set(self._exact.get((group, key), ())) | self._long.get(group, set())
            if len(key) >= MIN_INSIDE:
                found |= self._parts.get((group, key), set())         # names holding this one
                for part in self._inner(key):                          # names inside this one
                    found |= self._exact.get((group, part), set())
        name = cand.get("project")
        matches = [at for at in found if same_name(self.out[at].get("project"), name, self.min_share)]
        return min(matches) if matches else None

    def append(self, cand: Candidate) -> None:
        self.out.append(cand)
        self._indexed.append(self._where(cand))
        if self._built:
            self._index(len(self.out) - 1)
        elif len(self.out) >= self.INDEX_FROM:
            self._built = True
            for at in range(len(self.out)):
                self._index(at)

    def replace(self, at: int, cand: Candidate) -> None:
        if not self._built:
            self.out[at] = cand
            self._indexed[at] = self._where(cand)
            return
        group, key = self._indexed[at]
        self._groups[group].discard(at)
        self._exact[(group, key)].discard(at)
        if len(key) > self.LONG_KEY:
            self._long[group].discard(at)
        else:
            for part in self._inner(key):
                self._parts[(group, part)].discard(at)
        self.out[at] = cand
        self._index(at)

    def _index(self, at: int) -> None:
        group, key = self._where(self.out[at])
        self._indexed[at] = (group, key)
        self._groups.setdefault(group, set()).add(at)
        self._exact.setdefault((group, key), set()).add(at)
        if len(key) > self.LONG_KEY:
            self._long.setdefault(group, set()).add(at)
        else:
            for part in self._inner(key):
                self._parts.setdefault((group, part), set()).add(at)


def _absorb(target: Candidate, other: Candidate) -> None:
    for name, readings in other.fields.items():
        if name in ("scope", "source_kind"):
            continue
        target.fields.setdefault(name, []).extend(readings)
    target.indicators = target.indicators or other.indicators
    target.budget_lines = target.budget_lines or other.budget_lines
    months = {p.month for p in target.progress}
    target.progress += [p for p in other.progress if p.month not in months]
    target.progress.sort(key=lambda p: p.month)
    seen = {(d.paid_on, d.amount_yuan) for d in target.disbursements}
    target.disbursements += [d for d in other.disbursements if (d.paid_on, d.amount_yuan) not in seen]
    texts = {(f.kind, f.text) for f in target.findings}
    target.findings += [f for f in other.findings if (f.kind, f.text) not in texts]
    target.checks += other.checks
    target.line_start = min(target.line_start, other.line_start)
    target.line_end = max(target.line_end, other.line_end)


# ---- project summaries of a department report ----------------------------------------------------

def _figures_match(target: Candidate, mention: Candidate) -> bool:
    pairs = [(f, mention.get(f)) for f in ("budget_yuan", "spent_yuan") if mention.get(f) is not None]
    if not pairs:
        return False
    for field, value in pairs:
        got = target.best(field)
        if got is None or not (money_close(got.value, value) or (  # or read in a wrong unit (reconcile)
                got.unit_assumed and any(money_close(got.value * k, value) for k in SCALES))):
            return False
    return True


def _attach_mentions(evaluations: list[Evaluation], mentions: list[Candidate]) -> list[Candidate]:
    """Each mention (a department report's project summary, a monthly sheet's row) joins the first
    evaluation of its scope and year it names (one name inside the other), else whose figures it
    repeats; the others are returned."""
    orphans = []
    projects = list(evaluations)  # a monthly sheet's row may be the unit's overall spending too
    by_name = _Objects(min_share=0.0)  # a monthly sheet names every project of a long list
    for ev in projects:
        by_name.append(ev.candidate)
    for mention in mentions:
        at = by_name.find(mention)
        target = projects[at] if at is not None else None
        if target is None:
            target = next((e for e in projects if e.candidate.scope == mention.scope
                           and e.candidate.get("year") == mention.get("year")
                           and _figures_match(e.candidate, mention)), None)
        if target is None:
            orphans.append(mention)
            continue
        months = {p.month for p in target.candidate.progress}
        if mention.source_kind == "monthly_sheet":  # only the monthly curve: its totals may be partial
            target.candidate.progress += [p for p in mention.progress if p.month not in months]
            target.candidate.progress.sort(key=lambda p: p.month)
            if not {"unit", "department"} & set(target.candidate.fields):  # and who spends, said nowhere else
                for field in ("unit", "department"):
                    target.candidate.fields[field] = list(mention.fields.get(field, []))
                    if not target.candidate.fields[field]:
                        del target.candidate.fields[field]
            continue
        for field, readings in mention.fields.items():
            if field not in ("project", "unit", "region", "year", "scope", "source_kind", "department"):
                target.candidate.fields.setdefault(field, []).extend(readings)
        target.candidate.progress += [p for p in mention.progress if p.month not in months]
    return orphans


# ---- derived values -------------------------------------------------------------------------

def _derive(cand: Candidate) -> None:
    spent = cand.best("spent_yuan")
    rate = cand.best("execution_rate")
    if "budget_yuan" not in cand.fields:
        options = [cand.best(f) for f in ("funds_received_yuan", "budget_initial_yuan")]
        options = [o for o in options if o is not None and o.value]
        chosen = None
        if rate and spent:
            chosen = next((o for o in options if abs(spent.value / o.value - rate.value) <= 0.0006), None)
        if chosen is None:
            initial = cand.best("budget_initial_yuan")
            chosen = initial or (options[0] if options else None)
        if chosen is not None:
            cand.fields["budget_yuan"] = [Reading(chosen.value, chosen.line_start, chosen.line_end,
                                                  chosen.authority, chosen.origin)]
    budget = cand.best("budget_yuan")
    if rate is not None:
        cand.fields["execution_rate_stated"] = [Reading(True, rate.line_start, rate.line_end, rate.authority, rate.origin)]
    elif budget and spent and budget.value:
        value = round(spent.value / budget.value, 4)
        lines = (min(budget.line_start, spent.line_start), max(budget.line_end, spent.line_end))
        cand.fields["execution_rate"] = [Reading(value, *lines, 10, "由预算与支出计算")]
        cand.fields["execution_rate_stated"] = [Reading(False, *lines, 10, "由预算与支出计算")]
    _progress_from_disbursements(cand)
    score = cand.best("score")
    if score is not None:
        cand.fields["grade_from_score"] = [Reading(grade_from_score(score.value), score.line_start,
                                                   score.line_end, 10, "由得分推算")]


def _progress_from_disbursements(cand: Candidate) -> None:
    """Monthly cumulative progress from dated payments, only when they account for (nearly) all
    the spending: a few highlighted payments out of a year's salaries would draw a false curve."""
    budget, spent = cand.get("budget_yuan"), cand.get("spent_yuan")
    paid = [d for d in cand.disbursements if d.paid_on.year == cand.get("year")]
    if not budget or not spent or not paid:
        return
    total = sum(d.amount_yuan for d in paid)
    if not 0.95 * spent <= total <= 1.05 * spent:
        return
    stated = {p.month for p in cand.progress}
    running = 0.0
    by_month: dict[int, tuple[float, int, int]] = {}
    for d in sorted(paid, key=lambda d: d.paid_on):
        running += d.amount_yuan
        by_month[d.paid_on.month] = (running, d.line_start, d.line_end)
    for month, (amount, ls, le) in sorted(by_month.items()):
        if month not in stated:
            cand.progress.append(Progress(month, round(amount / budget, 4), "disbursement", ls, le))
    cand.progress.sort(key=lambda p: (p.month, p.source))


def _assign_ids(evaluations: list[Evaluation], doc_key: str) -> None:
    used: set[str] = set()
    for ev in evaluations:
        c = ev.candidate
        base = f"{doc_key}|{c.scope}|{c.get('year')}|{name_key(c.get('project'))}"
        eval_id, n = hashlib.sha256(base.encode()).hexdigest()[:16], 1
        while eval_id in used:
            n += 1
            eval_id = hashlib.sha256(f"{base}|{n}".encode()).hexdigest()[:16]
        used.add(eval_id)
        ev.eval_id = eval_id

