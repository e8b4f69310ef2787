"""Consistency rules. Each finding becomes a row of `checks` with a Chinese message for managers."""
from __future__ import annotations

from perfeval.ingest.normalize import grade_from_score
from perfeval.ingest.records import Candidate, Check, Reading

SCORE_TOLERANCE = 0.011
RATE_GAP = 0.005  # stated vs computed execution rate: more than 0.5 percentage points


def money_close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return False
    return abs(a - b) <= max(1.0, 1e-4 * abs(b))


def _fmt(v: float) -> str:
    return f"{v:.2f}".rstrip("0").rstrip(".")


def where_read(r: Reading) -> str:
    """Where a reading was read, for messages: '自评表（第12行）'."""
    lines = f"第{r.line_start}行" if r.line_start == r.line_end else f"第{r.line_start}–{r.line_end}行"
    return f"{r.origin}（{lines}）"


FIELD_LABELS = {
    "score": "总分", "score_decision": "决策得分", "score_process": "过程（管理）得分",
    "score_performance": "绩效得分", "budget_yuan": "预算数", "spent_yuan": "支出数",
    "budget_initial_yuan": "年初预算数", "execution_rate": "执行率", "grade": "等级",
}


def _differ(field: str, a, b) -> bool:
    if field == "grade":
        return a != b
    if field.endswith("_yuan"):
        return not money_close(a, b)
    if field == "execution_rate":
        return abs(a - b) > 0.0006
    return abs(a - b) > SCORE_TOLERANCE


def _conflicts(cand: Candidate) -> list[Check]:
    out = []
    for field, label in FIELD_LABELS.items():
        readings = cand.fields.get(field, [])
        chosen = cand.best(field)
        if chosen is None:
            continue
        others = [r for r in readings if r is not chosen and _differ(field, r.value, chosen.value)]
        if not others:
            continue
        shown = lambda r: (_fmt(r.value / 10000) + "万元") if field.endswith("_yuan") else (
            f"{r.value * 100:.2f}%" if field == "execution_rate" else (r.value if field == "grade" else _fmt(r.value)))
        rest = "；".join(f"{where_read(r)}为 {shown(r)}" for r in others)
        rule = "two_totals" if field == "score" else "value_conflict"
        out.append(Check(rule, "warning",
                         f"同一评价的{label}在文件中前后不一：{where_read(chosen)}为 {shown(chosen)}，{rest}。"
                         f"采用{chosen.origin}的数值。"))
    return out


def run_checks(cand: Candidate) -> list[Check]:
    checks = list(cand.checks)
    checks += _conflicts(cand)
    score = cand.get("score")
    parts = [("决策", cand.get("score_decision")), ("过程", cand.get("score_process"))]
    if cand.get("score_performance") is not None:
        parts.append(("绩效", cand.get("score_performance")))
    else:  # 绩效 stated in parts (产出, 效益)
        parts += [(label, cand.get(f)) for label, f in (("产出", "score_output"), ("效益", "score_benefit"))]
        if cand.get("score_satisfaction") is not None:
            parts.append(("满意度", cand.get("score_satisfaction")))
    if score is not None and len(parts) >= 3 and all(v is not None for _, v in parts):
        total = sum(v for _, v in parts)
        if abs(total - score) > SCORE_TOLERANCE:
            listed = " + ".join(f"{label} {_fmt(v)}" for label, v in parts)
            checks.append(Check("dimensions_vs_total", "warning",
                                f"维度得分之和为 {_fmt(total)}（{listed}），与总分 {_fmt(score)} 不一致。"))
    scored = [i for i in cand.indicators if i.weight is not None]
    if score is not None and scored and all(i.score is not None for i in scored):
        execution = cand.get("score_execution") or 0.0
        total = sum(i.score for i in scored) + execution
        if abs(total - score) > SCORE_TOLERANCE:
            part = f"加预算执行得分 {_fmt(execution)}" if execution else ""
            checks.append(Check("indicators_vs_total", "warning",
                                f"{len(scored)} 项指标得分合计 {_fmt(total - execution)}{part}为 {_fmt(total)}，"
                                f"与总分 {_fmt(score)} 不一致。"))
    rate, points, max_points = cand.get("execution_rate"), cand.get("score_execution"), cand.get("score_execution_max")
    if rate is not None and points is not None:
        expected = min(rate, 1.0) * (max_points or 10.0)
        if abs(points - expected) > 0.06:
            checks.append(Check("execution_points", "warning",
                                f"预算执行得分 {_fmt(points)} 与执行率 {rate * 100:.2f}% × {_fmt(max_points or 10)} 分 = "
                                f"{_fmt(expected)} 不符。"))
    budget, spent = cand.get("budget_yuan"), cand.get("spent_yuan")
    stated = cand.get("execution_rate_stated")
    if stated and rate is not None and budget and spent is not None:
        computed = spent / budget
        if abs(computed - rate) > RATE_GAP:
            checks.append(Check("rate_mismatch", "warning",
                                f"文件所述执行率 {rate * 100:.2f}% 与支出/预算计算值 {computed * 100:.2f}% "
                                f"相差 {abs(computed - rate) * 100:.2f} 个百分点。"))
    grade = cand.get("grade")
    if grade and score is not None and grade_from_score(score) != grade:
        checks.append(Check("grade_vs_score", "warning",
                            f"所述等级“{grade}”与得分 {_fmt(score)} 按财预〔2020〕10号分档应为“{grade_from_score(score)}”不符。"))
    has_notes = any(i.note for i in cand.indicators)
    missing = [i for i in scored if i.score is not None and i.score < i.weight - 1e-9 and not i.note]
    if has_notes and missing:
        names = "、".join((i.name or i.level2 or "")[:14] for i in missing[:5])
        checks.append(Check("deduction_without_reason", "info",
                            f"{len(missing)} 项指标扣分但未填写偏差原因：{names}{'等' if len(missing) > 5 else ''}。"))
    return checks
