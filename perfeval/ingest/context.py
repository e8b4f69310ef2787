"""What a document says about all its evaluations: the publishing unit, its short names, the
fiscal year, the region. Used where a form or section does not state them itself."""
from __future__ import annotations

import csv
import functools
import re
from dataclasses import dataclass, field

from perfeval import REPO_ROOT
from perfeval.ingest.model import Document, Paragraph, Table
from perfeval.ingest.normalize import MONEY_UNIT, clean_name, halfwidth, name_key, year_votes

REGIONS_FILE = REPO_ROOT / "data" / "regions.csv"
ORG_SUFFIX = re.compile(r"(?:中心|局|委员会|委|办公室|厅|院|馆|所|站|队|处|部|会|公司|学校|大学|医院|政府|"
                        r"办事处|管委会|研究室|集团|协会|联合会|党校|图书馆|纪念馆|博物馆)$")
DIVISION = re.compile(r"(?:科|室|股|组|班)$")
ALIAS = re.compile(r"([^\s，。、；（(“”]{4,40}?)\s*[（(]\s*以下简称\s*[“\"「]?([^”\"」)）]{2,12})[”\"」]?\s*[）)]")


@dataclass
class Context:
    unit: str | None = None
    unit_lines: tuple[int, int] = (0, 0)
    year: int | None = None
    year_lines: tuple[int, int] = (0, 0)
    aliases: dict[str, str] = field(default_factory=dict)
    money_unit: str | None = None
    # the divisions the document's title and header name ("青海省…", "门源县…"): what an ambiguous
    # county name in it is read against, and the region of evaluations whose unit names none
    regions: list[str] = field(default_factory=list)

    def region(self) -> str | None:
        """The most specific division the document's title and header name, when it is one line of
        divisions (a province and a county in it); None when they name divisions apart."""
        deepest = max(self.regions, key=lambda c: (c[4:] != "00", c[2:] != "0000"), default=None)
        if deepest is None or not all(deepest.startswith(_prefix(c)) for c in self.regions):
            return None
        return region_name(deepest)

    def canonical_unit(self, name: str | None) -> str | None:
        """A unit as its full name: short names and names without their region prefix resolved."""
        if not name:
            return None
        name = clean_name(name)
        key = name[1:] if name[:1] in ("区", "市", "县") else name
        for alias, full in self.aliases.items():
            if name == alias or key == alias:
                return full
        if self.unit and len(name) >= 4 and self.unit.endswith(name):
            return self.unit
        return name


# a line that is a sentence or a title, not a unit's name on a line of its own
_NOT_A_NAME = ("，", "。", "：", ":", "报告", "评价", "决算", "预算")


def document_context(doc: Document) -> Context:
    ctx = Context()
    # the document's paragraphs, and the titles and notes a sheet or form puts in its table's top rows
    paragraphs = sorted([b for b in doc.blocks if isinstance(b, Paragraph)]
                        + [p for b in doc.blocks if isinstance(b, Table) for p in b.banner()],
                        key=lambda p: p.line_start)
    for p in paragraphs[:8]:
        text = clean_name(p.text)
        if 4 <= len(text) <= 40 and ORG_SUFFIX.search(text) and not any(w in text for w in _NOT_A_NAME):
            ctx.unit, ctx.unit_lines = text, (p.line_start, p.line_end)
            break
    else:  # a title led by the unit: "某市住房公积金管理中心2024年度项目支出月度进度表"
        for p in paragraphs[:8]:
            m = re.match(r"^(.{4,40}?)(?:19|20)\d{2}\s*年", clean_name(p.text))
            if m and ORG_SUFFIX.search(m.group(1)) and not any(c in m.group(1) for c in "，。：:"):
                ctx.unit, ctx.unit_lines = m.group(1), (p.line_start, p.line_end)
                break
    for p in paragraphs:
        for m in ALIAS.finditer(p.text):
            full = re.split(r"[，。、由在对]", m.group(1))[-1]
            ctx.aliases[clean_name(m.group(2))] = clean_name(full)
    votes: dict[int, float] = {}
    first_line: dict[int, tuple[int, int]] = {}
    for p in paragraphs:
        weight = 3.0 if len(p.text) <= 40 else 1.0
        for year, v in year_votes(p.text, weight).items():
            votes[year] = votes.get(year, 0) + v
            first_line.setdefault(year, (p.line_start, p.line_end))
    if votes:
        ctx.year = max(votes, key=lambda y: (votes[y], -first_line[y][0]))
        ctx.year_lines = first_line[ctx.year]
    for p in paragraphs[:8]:
        chain, _ = _division_chain(clean_name(p.text))
        ctx.regions += [c for c in chain if c != "?" and c not in ctx.regions]
    for p in paragraphs[:12]:
        m = re.search(r"单位\s*[:：]\s*(" + MONEY_UNIT + ")", halfwidth(p.text))
        if m:
            ctx.money_unit = m.group(1)
    return ctx


@functools.lru_cache(maxsize=1)
def _divisions() -> tuple[dict[str, str], dict[str, list[str]]]:
    names: dict[str, str] = {}
    by_name: dict[str, list[str]] = {}
    with REGIONS_FILE.open(encoding="utf-8") as f:
        rows = [r for r in csv.reader(line for line in f if not line.startswith("#"))][1:]
    for code, name in rows:
        names[code] = name
        if name not in ("市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"):
            by_name.setdefault(name, []).append(code)
            short = _short_name(code, name)
            if short and short not in by_name:
                by_name[short] = [code]
    return names, by_name


# the peoples an autonomous prefecture or region is named after ("黔东南苗族侗族自治州")
_AUTONOMY = re.compile(r"(?:(?:朝鲜|土家|布依|哈尼|景颇|傈僳|蒙古|维吾尔|柯尔克孜|哈萨克|纳西|拉祜|仡佬|仫佬|毛南|撒拉|东乡|保安|"
                       r"裕固|锡伯|达斡尔|鄂温克|鄂伦春|塔吉克|独龙|普米|各|[苗藏羌彝侗壮傣白回土畲瑶黎满水佤怒])族?)*自治(州|区|县|旗)$")


def _short_name(code: str, name: str) -> str | None:
    """The short name documents use: a province without 省 (贵州), an autonomous region without its
    peoples (广西), an autonomous prefecture as its place and 州 (黔东南州), an autonomous county or
    banner as its place and 县/旗 (门源县). Cities and other counties keep
    their suffix: without it a name is too often a word ("东方", "安康")."""
    m = _AUTONOMY.search(name)
    if m:  # 内蒙古自治区: the place's own name ends like a people's
        return (name[:m.start()] if m.start() >= 2 else name[:-3]) + ("" if m.group(1) == "区" else m.group(1))
    if code.endswith("0000") and name.endswith("省") and len(name) >= 3:
        return name[:-1]
    return None


def _division_chain(name: str, within: list[str] | None = None) -> tuple[list[str], int]:
    """Adcodes of the divisions a name starts with, and where they end in the name; a name several
    divisions share is the one inside a division of `within`, else '?'."""
    names, by_name = _divisions()
    chain: list[str] = []
    pos = 0
    while True:
        hit = None
        for length in range(min(_longest(), len(name) - pos), 1, -1):  # longest name first
            codes = by_name.get(name[pos:pos + length])
            if codes:
                candidates = [c for c in codes if not chain or c.startswith(_prefix(chain[-1]))]
                if candidates:
                    hit = (length, candidates)
                    break
        if hit is None:
            if not chain and pos == 0:
                # a prefecture by a short name no rule derives (巴州 for 巴音郭楞, 博州 for 博尔塔拉)
                # before the county that says where it is: "巴州轮台县…"
                skip = next((k for k in (2, 3) if name[k - 1:k] in ("州", "盟")), None)
                if skip and len(name) > skip + 1:
                    rest, end = _division_chain(name[skip:], within)
                    if rest and len(rest) == 1 and names[rest[0]].endswith(("县", "旗", "市")):
                        return rest, end + skip
            return chain, pos
        length, codes = hit
        if len(codes) > 1 and not chain and within:
            codes = [c for c in codes if any(c.startswith(_prefix(w)) for w in within)] or codes
        chain.append(codes[0] if len(codes) == 1 or chain else "?")
        pos += length


def strip_region_and_year(name: str) -> str:
    """'武鸣区2024年学前教育发展专项资金' → '学前教育发展专项资金', for comparing names."""
    _, pos = _division_chain(name)
    return re.sub(r"^\s*(?:19|20)\d{2}\s*年度?", "", name[pos:])


_YEAR_IN_NAME = re.compile(r"(?:19|20)\d{2}\s*年度?")


@functools.lru_cache(maxsize=65536)
def project_key(name: str | None) -> str:
    """The identity of a project name: one key for every mention of the project in a document and
    for the same project in other years. Without the region the name starts with (the gazetteer),
    a year (2021年, 2021年度) anywhere, whitespace, quotes or punctuation width, and a trailing 项目:
    '武鸣区2024年度学前教育发展专项资金项目' → '学前教育发展专项资金'."""
    if not name:
        return ""
    key = name_key(_YEAR_IN_NAME.sub("", strip_region_and_year(name)))
    return key[:-2] if key.endswith("项目") and len(key) > 2 else key


def region_of(name: str | None, within: list[str] | None = None) -> str | None:
    """The administrative region a unit name starts with, completed upward from the gazetteer:
    '三亚市旅游发展局' → '海南省三亚市', '杭州市西湖区城市管理局' → '浙江省杭州市西湖区'. A district
    name several divisions share is read as the one inside a division of `within` (what the
    document names elsewhere), else not at all."""
    if not name:
        return None
    chain, _ = _division_chain(name, within or [])
    if not chain or chain[0] == "?":
        return None  # none, or an ambiguous district name without its city: do not guess
    return region_name(chain[-1])


def region_name(code: str) -> str:
    """The full name of a division with those above it: '632221' → '青海省海北藏族自治州门源回族自治县'."""
    names, _ = _divisions()
    parts = []
    for parent in (code[:2] + "0000", code[:4] + "00", code):
        label = names.get(parent)
        if label and label not in ("市辖区", "县") and label not in parts:
            parts.append(label)
    return "".join(parts)


@functools.lru_cache(maxsize=1)
def _longest() -> int:
    return max(len(n) for n in _divisions()[1])


def _prefix(code: str) -> str:
    if code.endswith("0000"):
        return code[:2]
    if code.endswith("00"):
        return code[:4]
    return code


def is_division(name: str | None) -> bool:
    return bool(name) and bool(DIVISION.search(name)) and not ORG_SUFFIX.search(name)
