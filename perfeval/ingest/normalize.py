"""Normalization of the values documents state: numbers, money, rates, dates, grades, names."""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import NamedTuple

_FULLWIDTH = str.maketrans(
    "０１２３４５６７８９．，％：（）－—～／　",
    "0123456789.,%:()--~/ ",
)

GRADE_WORDS = {
    "优秀": "优", "优": "优",
    "良好": "良", "良": "良",
    "一般": "中", "合格": "中", "中等": "中", "中": "中", "及格": "中",
    "较差": "差", "不合格": "差", "差": "差", "不及格": "差",
}

NUMBER = r"\d+(?:,\d{3})*(?:\.\d+)?"


# str.translate looks every character of a non-ASCII string up in the table (~50 ns each);
# finding whether any is present, then replacing only those, is ~10× faster on report lines.
_FULLWIDTH_PAIRS = tuple((chr(k), chr(v)) for k, v in _FULLWIDTH.items())
_ANY_FULLWIDTH = re.compile("[" + re.escape("".join(chr(k) for k in _FULLWIDTH)) + "]")


def halfwidth(text: str) -> str:
    """Full-width digits and punctuation that matter for numbers → ASCII."""
    if _ANY_FULLWIDTH.search(text) is None:
        return text
    for fullwidth, ascii_char in _FULLWIDTH_PAIRS:
        if fullwidth in text:
            text = text.replace(fullwidth, ascii_char)
    return text


_FULLWIDTH_DIGIT_SET = frozenset("０１２３４５６７８９")
_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９．", "0123456789.")  # ． is a decimal point, not a full stop (。)


def ascii_digits(text: str) -> str:
    """Full-width digits (and the full-width decimal point) as ASCII: a year, a
    figure or a score reads the same whichever way it was typed. Other full-width punctuation
    stays: it is the text's own (，：（）), and `halfwidth` handles it where numbers are read."""
    if _FULLWIDTH_DIGIT_SET.isdisjoint(text):  # most text has none: one pass in C
        return text
    return text.translate(_FULLWIDTH_DIGITS)


_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_POWERS = {"十": 10, "百": 100, "千": 1000}
# a number written in Chinese where a figure stands: after what introduces it (为, 得, 达, 百分之 …) and
# before its unit ("得分为九十二点五分", "执行率为百分之九十五"); "十分重要" is no number
_CN_NUMBER = re.compile(r"百分之([零〇一二两三四五六七八九十百]+(?:点[零〇一二三四五六七八九]+)?)|"
                        r"(?<=[为得是达计到共约分:：])([零〇一二两三四五六七八九十百千]+(?:点[零〇一二三四五六七八九]+)?)"
                        r"(?=分(?!之)|%|个百分点|万元|亿元|元)")


def _cn_value(text: str) -> str:
    whole, _, fraction = text.partition("点")
    total, digit = 0, None
    if all(c in _CN_DIGITS for c in whole) and len(whole) > 1:  # digit by digit: 二〇二三
        total = int("".join(str(_CN_DIGITS[c]) for c in whole))
    else:
        for c in whole:
            if c in _CN_DIGITS:
                digit = _CN_DIGITS[c]
            else:
                total += (digit if digit is not None else 1) * _CN_POWERS[c]
                digit = None
        total += digit or 0
    return str(total) + ("." + "".join(str(_CN_DIGITS[c]) for c in fraction) if fraction else "")


def chinese_number(text: str) -> float | None:
    """'十二' → 12.0, '九十二点五' → 92.5, '3' → 3.0; None when it is no number."""
    if text.isdigit():
        return float(text)
    try:
        return float(_cn_value(text))
    except (KeyError, ValueError):
        return None


def chinese_numerals(text: str) -> str:
    """Numbers written in Chinese where a figure stands → digits: '得分为九十二点五分' → '得分为92.5分',
    '百分之九十五' → '95%'. Other Chinese numerals (一是, 十分重要, 第三季度) stay as written."""
    if not any(c in text for c in "十百点零〇") and "百分之" not in text:
        return text
    return _CN_NUMBER.sub(lambda m: _cn_value(m.group(1)) + "%" if m.group(1) else _cn_value(m.group(2)), text)


def parse_number(text: str | None) -> float | None:
    """The single number a cell or fragment states ('1,351.88', '９９', ' 16 '), else None."""
    if text is None:
        return None
    # a label's closing bracket wrapped onto the top of the value's cell ("项目资金（万元" over "）800.00")
    s = halfwidth(str(text)).strip().lstrip(")]】").strip().replace(" ", "")
    if not s:
        return None
    m = re.fullmatch(r"[-+]?" + NUMBER, s)
    if not m:
        return None
    return _to_float(s)


def _to_float(s: str) -> float:
    try:
        return float(Decimal(s.replace(",", "")))
    except InvalidOperation:
        return float("nan")


def money_to_yuan(amount: float, unit: str) -> float:
    """Convert an amount stated in `unit` (元, 万元, 亿元, 千元) to yuan, exact to the fen."""
    factor = {"元": 1, "万元": 10_000, "万": 10_000, "亿元": 100_000_000, "亿": 100_000_000,
              "千元": 1_000}[unit]
    return float(round(Decimal(str(amount)) * factor, 2))


# The money units documents write, one vocabulary for every reader (a number's own, a header's, a
# caption's): the longer first, so 万元 is not read as 元.
MONEY_UNIT = r"(?:亿元|万元|千元|元)"
_MONEY_RE = re.compile(r"(" + NUMBER + r")\s*(" + MONEY_UNIT + r"|亿|万)(?![a-zA-Z])")


def find_money(text: str) -> list[tuple[float, str, int, int]]:
    """Every amount with an explicit unit: (yuan, unit, start, end) in order."""
    s = halfwidth(text)
    out = []
    for m in _MONEY_RE.finditer(s):
        out.append((money_to_yuan(_to_float(m.group(1)), m.group(2)), m.group(2), m.start(), m.end()))
    return out


class TemplateUnit(str):
    """A money unit no document states but its template implies (the national 自评表 is in 万元): a
    figure written in another unit contradicts nothing the document says."""


class Money(NamedTuple):
    """A money figure as read: yuan, and where its unit came from."""
    yuan: float | None
    assumed: str | None = None   # written bare: the unit taken from a header, a caption, a default
    contrary: str | None = None  # written with a unit other than the header's or caption's: that one


def read_money(text: str, default_unit: str | None = None) -> Money:
    """'9,459.70万元' → Money(94597000.0), the unit written next to the number wins; a bare number
    takes `default_unit` (a header's, a caption's) and says so, for reconciliation to rescale it if
    the document's other figures show that unit was wrong; a unit written against the header's
    ('1,288,300.00元' in a 万元 column) is kept and noted, for a check."""
    found = find_money(text)
    if found:
        written = found[0][1]
        declared = default_unit and not isinstance(default_unit, TemplateUnit)
        return Money(found[0][0], None, default_unit if declared and written != default_unit else None)
    if default_unit:
        n = parse_number(text)
        if n is not None:
            return Money(money_to_yuan(n, default_unit), default_unit)
    return Money(None)


def parse_money(text: str, default_unit: str | None = None) -> float | None:
    """'9,459.70万元' → 94597000.0; a bare number takes `default_unit` (from a header)."""
    return read_money(text, default_unit)[0]


def unit_in_label(label: str) -> str | None:
    """The money unit a header or label declares: '项目资金（万元）' → '万元'."""
    s = halfwidth(label).replace(" ", "")
    m = re.search(r"(?:\(|单位[:：]?)\s*(" + MONEY_UNIT + r")\s*\)?", s)
    if m:
        return m.group(1)
    return None


def parse_percent(text: str | None) -> float | None:
    """'93.30%' → 0.933; a plain number between 0 and 1 is taken as a fraction."""
    if text is None:
        return None
    s = halfwidth(str(text)).strip().replace(" ", "")
    m = re.fullmatch(r"(" + NUMBER + r")%", s)
    if m:
        return round(_to_float(m.group(1)) / 100, 6)
    n = parse_number(s)
    if n is not None and 0 <= n <= 1.5:
        return n
    return None


_DATE_RE = re.compile(r"((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")


def find_dates(text: str) -> list[tuple[dt.date, int, int]]:
    out = []
    for m in _DATE_RE.finditer(halfwidth(text)):
        try:
            out.append((dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))), m.start(), m.end()))
        except ValueError:
            continue
    return out


def parse_grade(text: str | None) -> str | None:
    """The grade a phrase states ('良好', '“优”', '评价结论：良') → 优/良/中/差."""
    if not text:
        return None
    s = re.sub(r"[\s“”\"'「」『』《》()（）:：级等次]", "", text)
    if s in GRADE_WORDS:
        return GRADE_WORDS[s]
    for word in sorted(GRADE_WORDS, key=len, reverse=True):
        if len(word) > 1 and s.startswith(word):
            return GRADE_WORDS[word]
    return None


_SCORE_IN_CELL = re.compile(r"(\d+(?:\.\d+)?)\s*(?:分)?")
_AROUND_GRADE = re.compile(r"\d+(?:\.\d+)?\s*分?|[,，/、;；]|(?:评价|自评|综合)?(?:等级|等次|结果|得分)|为")


def read_score(text: str | None, full_marks: float = 100.0) -> tuple[float | None, str | None]:
    """(score, grade) of a cell or phrase that states either or both: '94.27分（优）' → (94.27, '优'),
    '良好（85.5分）' → (85.5, '良'), '91' → (91.0, None), '优' → (None, '优')."""
    if not text:
        return None, None
    s = halfwidth(text)
    m = _SCORE_IN_CELL.search(s)
    score = float(m.group(1)) if m and float(m.group(1)) <= full_marks else None
    return score, parse_grade(_AROUND_GRADE.sub("", s))


def grade_from_score(score: float | None) -> str | None:
    """Score band of 财预〔2020〕10号: 优 ≥ 90, 良 80–<90, 中 60–<80, 差 < 60."""
    if score is None:
        return None
    if score >= 90:
        return "优"
    if score >= 80:
        return "良"
    if score >= 60:
        return "中"
    return "差"


def clean_name(text: str) -> str:
    """A project or unit name as stated, without quotes, brackets of emphasis or extra spaces."""
    s = " ".join(text.strip(" \u3000\t\r\n:：").split())
    pairs = {"“": "”", "\"": "\"", "「": "」", "『": "』", "《": "》", "'": "'"}
    # quotes that wrap the whole name are emphasis; a quote inside the name is part of it
    while len(s) >= 2 and s[0] in pairs and s[-1] == pairs[s[0]] and s[1:-1].count(pairs[s[0]]) == 0:
        s = s[1:-1].strip()
    return s


def name_key(text: str | None) -> str:
    """A comparison key for names: no quotes, spaces or punctuation width differences."""
    if not text:
        return ""
    s = halfwidth(text)
    s = re.sub(r"[\s“”\"'‘’「」『』《》()（）\[\]【】·,，、.。:：;；-]", "", s)
    return s.lower()


# The end of a period, as the month whose cumulative figure it gives: one reader for prose and tables.
PERIOD_MONTHS = {"一季度": 3, "二季度": 6, "三季度": 9, "四季度": 12, "上半年": 6, "前三季度": 9, "年中": 6,
                 "年末": 12, "年底": 12, "全年": 12}
_PERIOD = re.compile(r"^(?:(?:19|20)\d{2}年)?(?:第?([一二三四])季度|(上半年|前三季度|年中|年末|年底|全年)|"
                     r"q([1-4])|(\d{1,2})月(?:份)?)(?:末|底)?(?:累计)?$", re.I)


def period_month(label: str | None) -> int | None:
    """'一季度' / '第三季度末' / 'Q2' → 3 / 9 / 6, '上半年' → 6, '年底' → 12, '9月' → 9; else None."""
    if not label:
        return None
    m = _PERIOD.match(halfwidth("".join(str(label).split())))
    if not m:
        return None
    quarter, named, q, month = m.groups()
    if quarter:
        return PERIOD_MONTHS[quarter + "季度"]
    if named:
        return PERIOD_MONTHS[named]
    if q:
        return 3 * int(q)
    return int(month) if 1 <= int(month) <= 12 else None


# Framework terms of 财预〔2020〕10号's indicator tables: written with or without 「指标」
# (产出 / 产出指标), they are one level; the name with 「指标」 is the one shown.
_LEVEL_TERMS = {"决策", "过程", "产出", "效益", "满意度", "成本", "数量", "质量", "时效", "经济效益", "社会效益",
                "生态效益", "可持续影响", "服务对象满意度", "社会公众满意度"}
_LEVEL_TERMS_PLAIN = {"决策", "过程"}  # written without 「指标」 in the framework (评价 tables)
# A weight or note in brackets after a level: （50分）, (30%), （权重20）, 【分值：10】
_LEVEL_WEIGHT = re.compile(r"[(【\[][^)】\]]*(?:\d|分|权重|%)[^)】\]]*[)】\]]$")
_LEVEL_TRAILING_POINTS = re.compile(r"\d+(?:\.\d+)?分$")


def indicator_level(text: str | None) -> str | None:
    """One name per 一级/二级指标 however a table writes it: the weight in brackets and spaces
    dropped, 「项目」 before a framework term dropped, a framework term with or without 「指标」 →
    with it ('产出', '产出指标', '产出指标（50分）' → '产出指标'; '项目决策' → '决策'). Other names
    keep their wording. Idempotent (applying it to its own output changes nothing)."""
    if text is None:
        return None
    s = "".join(halfwidth(str(text)).split())  # halfwidth: （） → ()
    prev = None
    while prev != s:  # a name may carry both a bracketed weight and trailing points
        prev = s
        s = _LEVEL_TRAILING_POINTS.sub("", _LEVEL_WEIGHT.sub("", s))
    if not s:
        return str(text).strip() or None
    core = s[:-2] if s.endswith("指标") else s
    if core.startswith("项目") and core[2:] in _LEVEL_TERMS:
        core = core[2:]
    if core in _LEVEL_TERMS:
        return core if core in _LEVEL_TERMS_PLAIN else core + "指标"
    return s.replace("(", "（").replace(")", "）")


YEAR_RE = re.compile(r"((?:19|20)\d{2})\s*年\s*(度)?")


def year_votes(text: str, weight: float = 1.0) -> dict[int, float]:
    """Each year a text names, weighted as evidence of the fiscal year it is about (年度 counts more)."""
    votes: dict[int, float] = {}
    for m in YEAR_RE.finditer(halfwidth(text)):
        year = int(m.group(1))
        tail = text[m.end():m.end() + 2]
        w = weight * (2.0 if m.group(2) else 0.5)
        if tail[:1] in "“\"「":
            w *= 2
        date = re.match(r"\s*(\d{1,2})\s*月(?:\s*(\d{1,2})\s*日)?", text[m.end():m.end() + 8])
        if date and (date.group(1), date.group(2)) != ("12", "31"):
            w *= 0.3  # a date (2023年4月, 2023年6月18日): when something happened, not the fiscal year it is about
        votes[year] = votes.get(year, 0) + w
    return votes
