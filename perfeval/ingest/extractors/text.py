"""Reading figures out of report sentences: budgets, spending, rates, scores, grades, progress.

Everything here works on plain strings with line positions attached by the caller; nothing knows
about file formats. Patterns are written for the many wordings reports use, not for one document.
The finders take a sentence as `sentences` gives it, already `plain` (half-width digits, Chinese
numerals as digits).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from perfeval.ingest.normalize import NUMBER, chinese_numerals, find_dates, find_money, halfwidth, parse_grade, period_month

GRADE = r"(优秀|良好|一般|较差|不合格|合格|中等|优|良|中|差)"
# what names a department's (a unit's, an office's) overall spending rather than a project
DEPARTMENT_SCOPE = r"(?:部门|机关|单位)整体(?:支出)?|整体支出|部门支出"
NUM = NUMBER

# Numbered items: 1. 1、 1． （1） (1) 1) 一、 （一） 一是 第一，
ITEM_RE = re.compile(
    r"^\s*(?:(\d{1,2})\s*[.、．](?!\d)|[（(]\s*(\d{1,2})\s*[）)]|(\d{1,2})\s*[)）]|"
    r"([一二三四五六七八九十]{1,3})\s*、|[（(]\s*([一二三四五六七八九十]{1,3})\s*[）)]|"
    r"([一二三四五六七八九十])是|第([一二三四五六七八九十]{1,3})[，,、：:])\s*")


def item_marker(text: str) -> tuple[str, str] | None:
    """(style, number) of a numbered paragraph, e.g. ('arabic-dot', '1'), else None."""
    m = ITEM_RE.match(text)
    if not m:
        return None
    styles = ("arabic", "arabic-paren", "arabic-half", "cn", "cn-paren", "cn-shi", "cn-di")
    for style, group in zip(styles, m.groups()):
        if group:
            return style, group
    return None


def strip_marker(text: str) -> str:
    m = ITEM_RE.match(text)
    return text[m.end():].strip() if m else text.strip()


def plain(text: str) -> str:
    """Text as the finders below read it: full-width digits and punctuation half-width, numbers
    written in Chinese as digits (九十二点五分 → 92.5分). A sentence is normalized once, when it is
    split off, not again by each finder."""
    return chinese_numerals(halfwidth(text))


def sentences(text: str) -> list[tuple[str, int]]:
    """Split into sentences at 。！？； keeping each sentence's offset in `text`; each sentence is
    `plain`."""
    out, start = [], 0
    for m in re.finditer(r"[。！？!?；;]", text):
        out.append((text[start:m.end()], start))
        start = m.end()
    if start < len(text):
        out.append((text[start:], start))
    return [(plain(s), o) for s, o in out if s.strip()]


# ---- money with labels -------------------------------------------------------------------

_LABELS = [
    # (kind, pattern matched against the text just before the amount; the closest keyword wins)
    ("budget_initial_yuan", r"年初(?:预算)?(?:安排)?(?:数|金额|资金)?|计划投资(?:额)?|(?:原|初始)预算(?:数)?"),
    ("budget_adjusted", r"调整后(?:的)?(?:全年)?预算(?:数|金额|资金)?|调整预算(?:数)?|(?:全年)?预算(?:数)?调整(?:后)?"),
    ("budget_yuan", r"全年预算(?:数|金额)?|预算(?:的)?(?:数|金额|资金|总额|指标|批复数)?|"
                    r"下达(?:预算)?(?:指标|资金)?|安排(?:资金|经费)?|批复(?:金额)?|资金总额|项目资金"),
    # a project's total investment: the budget only when nothing states the year's (it may span years)
    ("budget_total", r"总投资(?:额)?"),
    ("funds_received_yuan", r"(?:实际)?到位(?:资金)?|资金到位(?:数)?"),
    ("spent_yuan", r"实际支出|实际使用|实际执行|(?:全年|累计|总体|资金总体|合计)?支出(?:金额|数)?|"
                   r"(?:年末|累计|截至年末|全年)?完成(?:支付|支出)?(?:数)?|(?:全年|累计|年度|实际)?执行(?:金额|数)?|"
                   r"决算(?:金额|数|支出)?|(?:累计)?完成投资(?:额)?|"
                   r"已支付|使用资金|使用"),
]
_LABEL_RES = [(kind, re.compile(r"(?:" + pat + r")\s*(?:为|是|共计|共|总计|合计|达|达到|约|：|:)?\s*$"))
              for kind, pat in _LABELS]
_SKIP_LABEL = re.compile(r"其中[:：，,]?\s*(?:中央|省|市|县|区|财政|自筹|其他|上级|基本支出)|"
                         r"节约|结余|结转|比上年|较上年|增加|减少|增长|下降|差异|超支|未支出|剩余|占|含|包括|每|"
                         r"调减|调增|追加|压减|核减|收回")


# a component of a figure named by where the money comes from or what it is for: "中央补助资金300万元、
# 省级补助资金150万元", "基本支出预算2,356.80万元和项目支出预算1,843.20万元"
_COMPONENT = re.compile(r"(?:中央|省级|省|市级|市|县级|县|区级|区|乡镇|上级|本级|地方|财政|配套|自筹|社会|其他|"
                        r"基本支出|项目支出|人员经费|公用经费)[^、，,；;。]{0,14}$")


def names_component(label: str) -> bool:
    """A label that is a part of a figure by itself ("中央财政资金", "基本支出"), not a whole."""
    return _COMPONENT.match(label) is not None


@dataclass
class Amount:
    kind: str
    yuan: float
    unit: str
    start: int
    end: int


def labelled_amounts(s: str) -> list[Amount]:
    """Money amounts in a sentence classified by the words right before them."""
    out: list[Amount] = []
    prev_end = 0
    breakdown = False  # inside "其中A X万元、B Y万元": the parts of a total, not totals
    components: list[tuple[float, str, int, int]] = []  # a figure stated as its parts, no total
    sourced: list[bool] = []  # per amount in out: its label names where the money comes from
    for yuan, unit, start, end in find_money(s):
        gap = s[prev_end:start]
        label = s[max(prev_end, start - 24):start]
        label = re.split(r"[，,；;。（(]", label.rstrip("）) "))[-1]
        prev_end = end
        best = None
        for kind, rx in _LABEL_RES:
            m = rx.search(label)
            if m and (best is None or m.start() < best[1]):  # the longest label ending at the amount
                best = (kind, m.start())
        # the parts after 其中 go on while each is named by what it is ("其中：基本支出X，项目支出Y")
        part = _COMPONENT.search(label.strip())
        breakdown = breakdown and (label.lstrip().startswith("、") or (part is not None and part.start() == 0))
        # "支出3,517.88万元（基本支出1,286.00万元、项目支出2,231.88万元）": in brackets, its parts
        breakdown = breakdown or bool(out and gap.lstrip().startswith(("（", "(")) and part is not None)
        if best is not None and best[0] == "budget_adjusted":
            pass  # "追加…后全年预算调整为X": the adjusted budget, whatever came before it
        elif breakdown or _SKIP_LABEL.search(label):
            breakdown = breakdown or "其中" in label
            continue
        if best is None:
            tail = s[end:end + 6]
            if re.match(r"\s*(?:已)?(?:全部)?到位", tail):
                best = ("funds_received_yuan", 0)
        named = label.rstrip(" 为是：:")
        if best and named.endswith(_SPENDING_PARTS) and best[1] >= len(named) - 4:
            # "预算安排基本支出X万元、项目支出Y万元": the 支出 is the part's name, not the figure's label
            components.append((yuan, unit, start, end, start - len(label) + len(named) - 4, best[0]))
        elif best:
            out.append(Amount(best[0], yuan, unit, start, end))
            sourced.append(bool(_COMPONENT.search(label)))
        elif _COMPONENT.search(label):
            components.append((yuan, unit, start, end, start, None))
    # "预算安排中央补助资金300万元、省级补助资金150万元": parts named only by their source, when the
    # sentence states no figure of the kind named before the first of them; a figure named between
    # two parts ("…；全年实际支出基本支出…") starts another list
    for group in _component_lists(s, components):
        lead_from = max((a.end for a in out if a.end <= group[0][2]), default=0)
        kind = _lead_kind(s[lead_from:group[0][4]]) if len(group) >= 2 else None
        if kind is not None and kind not in {a.kind for a in out}:
            out += [Amount(kind, yuan, unit, start, end) for yuan, unit, start, end, _, _ in group]
            sourced += [True] * len(group)
        else:  # what the parts' own words say they are, if anything (several: the parts of one figure)
            out += [Amount(own, yuan, unit, start, end) for yuan, unit, start, end, _, own in group if own]
            sourced += [len(group) >= 2] * sum(1 for *_, own in group if own)
    return _sum_parts(out, sourced)


# parts whose names end in a word that is also a figure's label (基本支出 is a part, 支出 a spending)
_SPENDING_PARTS = ("基本支出", "项目支出")


def _component_lists(s: str, components: list[tuple]) -> list[list[tuple]]:
    """Consecutive parts of one figure: a new list starts where a figure's label stands between two."""
    groups: list[list[tuple]] = []
    for comp in components:
        between = s[groups[-1][-1][3]:comp[4]] if groups else ""
        if groups and _lead_kind(between) is None:
            groups[-1].append(comp)
        else:
            groups.append([comp])
    return groups


def _sum_parts(amounts: list[Amount], sourced: list[bool]) -> list[Amount]:
    """"中央资金支出780万元，自治区资金支出200万元，市本级资金支出120.5万元": amounts of one kind each
    named by its source, with none of that kind stated without one, are the parts of one figure."""
    out = []
    for kind in dict.fromkeys(a.kind for a in amounts):
        same = [(a, s) for a, s in zip(amounts, sourced) if a.kind == kind]
        if len(same) >= 2 and all(s for _, s in same):
            first, last = same[0][0], same[-1][0]
            out.append(Amount(kind, round(sum(a.yuan for a, _ in same), 2), first.unit, first.start, last.end))
        else:
            out += [a for a, _ in same]
    return sorted(out, key=lambda a: a.start)


def _lead_kind(lead: str) -> str | None:
    """The figure named last in the words before a list of parts (a budget, a spending)."""
    found = [(m.end(), kind) for kind, pat in _LABELS for m in re.finditer(pat, lead) if m.group()]
    kind = max(found)[1] if found else None
    return None if kind in ("budget_adjusted", "budget_total") else kind


# ---- rates, scores, grades -----------------------------------------------------------------

RATE_RE = re.compile(
    r"(?:(?:预算|资金|项目|总体|整体|支出)?执行(?:率|进度)|投资完成率)\s*(?:为|是|达到|达|约|：|:)?\s*(" + NUM + r")\s*%"
    r"|占(?:全年|年度)?(?:预算|预算数|预算资金)(?:的|比例)?(?:为)?\s*(" + NUM + r")\s*%")


def find_rate(sentence: str) -> tuple[float, int] | None:
    m = RATE_RE.search(sentence)
    if not m:
        return None
    value = m.group(1) or m.group(2)
    return round(float(value) / 100, 6), m.start()


DIMENSIONS = {
    "score_decision": r"(?:项目)?决策",
    "score_process": r"(?:项目)?(?:管理|过程)",
    "score_performance": r"(?:项目)?(?:绩效(?!评价|自评)|产出及效益|产出和效益|产出与效益)",  # 绩效评价得分: the total
    # 绩效 given in parts: kept to check the sum of the dimensions, not stored as score_performance
    "score_output": r"(?:项目)?产出",
    "score_benefit": r"(?:项目)?(?:效益|效果)",
}
_DIM_ANY = "|".join(f"(?P<{k}>{v})" for k, v in DIMENSIONS.items())
DIM_RE = re.compile(r"[“\"「]?(?:" + _DIM_ANY + r")[”\"」]?(?:指标|类指标|维度)?\s*"
                    r"(?:[（(]\s*(?:满分|分值)?\s*" + NUM + r"\s*分\s*[）)])?\s*"  # "部门决策（20分）：17.5分"
                    r"(?:(?:评价指标)?满分(?:为)?\s*" + NUM + r"\s*分\s*[，,]\s*)?"
                    # "决策指标20分，得16分": its points, then what it got
                    r"(?:(?:分值|权重)?(?:为)?\s*" + NUM + r"\s*分\s*[，,]\s*(?:实际)?(?=得))?"
                    r"(?:[：:]\s*(?=得))?(?:评价)?(?:得分|评分|得)?\s*(?:为|是|：|:)?\s*(" + NUM + r")\s*分")  # "（20分）：得17分"

_TOTAL_POINTS = re.compile(r"总分\s*(?:为|是|：|:)?\s*(" + NUM + r")\s*分")
TOTAL_RES = [
    re.compile(r"(?:综合|总体|整体|最终|总)(?:评价|绩效评价|自评|评定)?(?:得分|评分|分数|分值)\s*"
               r"(?:为|是|：|:|达到)?\s*(" + NUM + r")\s*分?"),
    _TOTAL_POINTS,
    re.compile(r"(?:该|本)项目(?:最终|综合|总)?(?:得分|评分|评价得分)\s*(?:为|是|：|:)?\s*(" + NUM + r")\s*分"),
    re.compile(r"评分结果\s*(?:为|是|：|:)?\s*(" + NUM + r")\s*分"),
    re.compile(r"综合评价\s*(?:为|是|：|:)?\s*(" + NUM + r")\s*分"),
    # "评价得分为91分"; a result label before a bare 得分 says whose it is: "评价结果：得分91分"
    re.compile(r"(?:(?:评价|自评|考核|绩效评价)(?:得分|分数|评分)|(?:评价|自评|考核)结果\s*(?:为|是|：|:)?\s*(?:得分|评分)?)"
               r"\s*(?:为|是|：|:)?\s*(" + NUM + r")\s*分"),
    re.compile(GRADE + r"\s*[（(]\s*(" + NUM + r")\s*分\s*[）)]"),
    re.compile(r"(?:自评|考核)\s*(?:为)?\s*(" + NUM + r")\s*分"),  # "…执行率98%，自评93分"
]
# a dimension's full marks (满分20分) or quoted name; 满分100分 is the whole scheme's
_DIM_SENTENCE = re.compile(r"满分(?!\s*(?:为)?\s*100\s*分)|[“\"](?:项目)?(?:决策|管理|过程|绩效|产出|效益)[”\"]")


# Sentences that explain the grading scale, not the result: "90分（含）以上为“优”".
STANDARD_SENTENCE = re.compile(r"以上为|以下为|\(含\)|（含）|分为[四五]个?等级|评分标准|等级标准|划分为|分以上的为|分数段")


# "…下设26个三级指标，总分100分": the indicator system's full marks, not a result.
_SCALE_BEFORE = re.compile(r"(?:级指标|指标体系|个指标|项指标|指标框架)(?:\d+[个项])?[，,、\s]*(?:共|合计)?$")


def find_total_score(s: str) -> tuple[float, int] | None:
    if "分" not in s or STANDARD_SENTENCE.search(s):  # every wording of a score says 分
        return None
    dimension_sentence = bool(_DIM_SENTENCE.search(s))
    for i, rx in enumerate(TOTAL_RES):
        if dimension_sentence and i >= 3:
            continue
        for m in rx.finditer(s):
            if rx is _TOTAL_POINTS and _SCALE_BEFORE.search(s[:m.start()]):
                continue
            value = float(m.groups()[-1])
            if 0 <= value <= 100:
                return value, m.start()
    return None


GRADE_RES = [
    re.compile(r"(?:绩效)?(?:评价|自评)?(?:级别|等级|等次|结论|结果|评级)\s*(?:评定|评价|确定|认定)?\s*(?:为|是|：|:)\s*"
               r"[“\"「‘\'『]?" + GRADE),
    re.compile(r"(?:评定|评为|评价为|定为|认定为)\s*[“\"「‘\'『]?" + GRADE + r"[”\"」’\'』]?\s*(?:级|等|等级|等次)?"),
    # "等级“良”", and a grade in brackets after the score: "86.5分（良）"
    re.compile(r"(?:(?:等级|级别|等次)\s*[“\"「‘\'『]?|分\s*[（(]\s*)" + GRADE + r"(?:[”\"」’\'』]|\s*[）)])"),
    re.compile(r"(?:属于|为|达到)\s*[“\"「‘\'『]" + GRADE + r"[”\"」’\'』]\s*(?:等级|级|档|等次)"),
    # "…，评价等级优秀。", "得分91分，等级优。": the grade word alone up to the clause's end
    re.compile(r"(?:评价|自评|绩效|(?<=[，,；;：:])|^)(?:等级|等次)\s*" + GRADE + r"(?=[，,。；;\s]|$)"),
]


def find_grade(sentence: str) -> tuple[str, int] | None:
    if STANDARD_SENTENCE.search(sentence):
        return None
    for rx in GRADE_RES:
        m = rx.search(sentence)
        if m:
            grade = parse_grade(m.group(1))
            if grade:
                return grade, m.start()
    return None


_ENUM_RE = re.compile(r"((?:[“\"]?[^，。、；“”\"]{2,8}[”\"]?[、和及与]){1,4}[“\"]?[^，。、；“”\"]{2,8}[”\"]?)"
                      r"(?:[一二三四五]个|等)?(?:维度|方面|部分|指标)?(?:的)?(?:得分)?分别(?:得分|为|是|得)?\s*"
                      r"((?:" + NUM + r"\s*分?\s*[、，,和及与]\s*){1,4}" + NUM + r")\s*分")


def _dimension_of(name: str) -> str | None:
    name = name.strip("“”\" ")
    for field, pattern in DIMENSIONS.items():
        if re.fullmatch(r"(?:" + pattern + r")(?:指标|维度|类指标)?", name):
            return field
    return None


def find_dimensions(s: str) -> list[tuple[str, float]]:
    out = []
    if "分" not in s:  # each wording below ends in 分; most sentences are no score (a quarter of the regex time)
        return out
    for m in _ENUM_RE.finditer(s) if "分别" in s else ():  # "项目决策、项目管理、项目绩效三个维度分别得分17分、20.5分、51分"
        names = re.split(r"[、和及与]", m.group(1))
        values = re.findall(NUM, m.group(2))
        fields = [_dimension_of(n) for n in names]
        if len(names) == len(values) and all(fields):
            return [(f, float(v)) for f, v in zip(fields, values)]
    for m in DIM_RE.finditer(s):
        field = next(k for k in DIMENSIONS if m.group(k))
        out.append((field, float(m.groups()[-1])))
    return out


# ---- monthly progress and disbursements ----------------------------------------------------

_MONTH = (r"(?:(?:(?:19|20)\d{2}\s*年\s*)?(?:1\s*[-—–~至]\s*)?(\d{1,2})\s*月(?:\s*\d{1,2}\s*日)?|"
          r"(第[一二三四]季度末?|[一二三四]季度末?|上半年|前三季度|年末|年底))")
PROGRESS_RE = re.compile(
    r"(?:截至|截止|到|至)?\s*" + _MONTH + r"\s*(?:底|末|份|末前)?\s*(?:前)?\s*[，,]?\s*"
    r"(?:[^，。；,;%\d]{0,8}?)(?:累计|实际)?\s*(?:资金)?(?:支出|支付|执行|完成支出|拨付)(?:进度|比例|率)?\s*"
    r"(?:仅为|仅|只有|约为|约|为|达到|达|占比|占)?\s*"
    r"(?:预算的|全年预算的)?\s*(" + NUM + r")\s*%")
# "截至9月30日累计支出2,029.14万元，支出进度为58.70%", "一季度末累计支出1,536.92万元，支出进度21.30%"
PROGRESS_AMOUNT_RE = re.compile(
    _MONTH + r"\s*(?:底|末|份)?\s*[，,]?\s*(?:项目|资金|部门)?(?:累计|实际)?\s*(?:资金)?(?:支出|支付|拨付|执行)(?:使用)?(?:资金)?\s*"
    + NUM + r"\s*(?:万元|亿元|元)\s*[，,]\s*"
    r"(?:(?:全年|年度)?(?:预算)?(?:累计)?(?:资金)?(?:支出|支付|执行|使用)(?:进度|比例|率)|占(?:全年|年度)?预算(?:的|比例)?)\s*"
    r"(?:仅为|仅|约为|约|为|达到|达)?\s*(" + NUM + r")\s*%")
# the periods after the first in one sentence: "…，6月底42.3%，9月底为71.5%", "第二季度累计38.6%，全年93.15%"
PROGRESS_FOLLOW_RE = re.compile(_MONTH.replace("|年底))", "|年底|全年))") + r"\s*(?:底|末)?\s*(?:累计)?\s*(?:支出)?(?:进度)?\s*"
                                r"(?:为|达到|达)?\s*(" + NUM + r")\s*%")
PROGRESS_DONE_RE = re.compile(
    _MONTH + r"\s*(?:底|末|份)?\s*(?:前)?\s*(?:已)?(?:全部|全额)?(?:支出|支付|执行|拨付)完毕")


def _month(m: re.Match) -> int | None:
    if m.group(1):
        month = int(m.group(1))
        return month if 1 <= month <= 12 else None
    return period_month(m.group(2))


MID_YEAR = re.compile(r"^\s*(?:截至|截止|到)\s*(?:(?:19|20)\d{2}\s*年\s*)?(?:(\d{1,2})\s*月|上半年|前三季度|第?[一二三]季度)")


def mid_year(sentence: str) -> bool:
    """A sentence about where spending stood before the year's end ("截至6月30日，…"): its
    amounts and rates are progress, not the year's spending and execution rate."""
    m = MID_YEAR.match(sentence)
    return bool(m) and (m.group(1) is None or int(m.group(1)) < 12)


def find_progress(s: str) -> list[tuple[int, float]]:
    """Cumulative spending progress stated per month: '3月支出23.1%，6月支出45.5%，11月底支出完毕'."""
    out: dict[int, float] = {}
    if "%" not in s and "完毕" not in s:  # what each wording below ends in
        return []
    for rx in (PROGRESS_RE, PROGRESS_AMOUNT_RE):
        for m in rx.finditer(s):
            month = _month(m)
            if month:
                out.setdefault(month, round(float(m.group(3).replace(",", "")) / 100, 6))
    if out:
        for m in PROGRESS_FOLLOW_RE.finditer(s):
            month = _month(m)
            if month:
                out.setdefault(month, round(float(m.group(3)) / 100, 6))
    for m in PROGRESS_DONE_RE.finditer(s):
        month = _month(m)
        if month:
            out.setdefault(month, 1.0)
    return sorted(out.items())


_PAY_VERB = re.compile(r"划拨|拨付|支付|付款|拨款|转拨|发放")


def find_disbursements(s: str):
    """Dated payments: '2019年6月27日…划拨接线员防暑降温经费75600元，更换服装经费77706元'."""
    dates = find_dates(s)
    if not dates or not _PAY_VERB.search(s) or any(w in s for w in ("预算数", "预算为", "预算金额")):
        return []
    out = []
    verb = _PAY_VERB.search(s)
    prev = verb.end() if verb else 0
    for yuan, unit, start, end in find_money(s):
        before = [d for d in dates if d[2] <= start]
        if not before or start < (verb.start() if verb else 0):
            continue
        purpose = re.split(r"[，,、；;]", s[max(prev, before[-1][2]):start])[-1]
        lead = _PAY_VERB.match(purpose)
        purpose = (purpose[lead.end():] if lead else purpose).strip()
        out.append((before[-1][0], yuan, purpose))
        prev = end
    return out


# ---- years ----------------------------------------------------------------------------------

NEGATIVE_CUES = re.compile(
    r"不够|不足|未|缺乏|缺少|滞后|有待|不规范|偏低|较低|欠缺|不高|无法|不到位|不完善|不健全|不明确|"
    r"不充分|不合理|不科学|不及时|瑕疵|薄弱|偏差|差距|较慢|偏慢|受阻|推迟|较长|过长|延迟|超期|低于|没有|尚未|不符合|笼统|"
    r"不准确|不严格|不全面|不强|困难|问题")
