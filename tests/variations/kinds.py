"""Variation kinds: ways real budget documents write the same facts differently.

Each kind is a function ``(doc, rng) -> Variant | None`` (None: the kind does not apply to this
document). It changes a copy of the document's blocks and says in `Expect` what it changes on
purpose; everything else in the records must stay as the original rendering gave it.

The label wordings below were written for this generator from how 自评表 forms and reports word
them (年初预算/调整后预算数/预算执行数/预算执行率/权重/得分, 存在的主要问题, 评价等次 …), not taken
from perfeval. Which cells hold money is decided here too: a bare number whose column header (or,
without one, its row label) names an amount — 预算, 执行数, 支出, 资金, 金额, 拨款 … — and not a
rate, weight or score.
"""
from __future__ import annotations

import copy
import random
import re
from dataclasses import dataclass, field

from tests.variations.base import BaseDoc
from tests.variations.compare import Expect
from tests.variations.render import FORMATS


@dataclass
class Variant:
    doc: BaseDoc
    fmt: str                       # the format to render it in
    expect: Expect = field(default_factory=Expect)
    note: str = ""                 # what was changed, for failure lines


# ---------------------------------------------------------------------------------------------
# reading the grid
# ---------------------------------------------------------------------------------------------

NUM = re.compile(r"^-?\d{1,3}(?:,\d{3})+(?:\.\d+)?$|^-?\d+(?:\.\d+)?$")
PCT = re.compile(r"^-?\d+(?:\.\d+)?%$")
MARK = ("<", "^")
MONEY_WORD = re.compile(r"预算|执行数|支出|资金|金额|拨款|结转|到位|决算|经费|投入|数额|安排|总额|合计|小计|财政")
NOT_MONEY = re.compile(r"率|分值|得分|权重|比例|比重|分数|总分|评分|序号|编号|年度$|年份|指标值|完成值|个数|人数|数量")
CAPTION = re.compile(r"([（(]\s*(?:(?:金额)?单位\s*[:：]\s*)?)(亿元|万元|元)(\s*[)）])|((?:金额)?单位\s*[:：]\s*)(亿元|万元|元)")
INLINE = re.compile(r"(?<![\d.,])(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(\s*)(亿元|万元|元)(?![/／]?[人次户])")
SCALE = {"元": 1.0, "万元": 1e4, "亿元": 1e8}


def is_num(s: str) -> bool:
    return bool(NUM.match(s.strip()))


def to_float(s: str) -> float:
    return float(s.strip().replace(",", ""))


def tables(blocks: list) -> list[int]:
    return [i for i, b in enumerate(blocks) if b[0] == "table"]


def _span_start(row: list[str], c: int) -> int:
    while c > 0 and row[c] == "<":
        c -= 1
    return c


def header_above(rows: list[list[str]], r: int, c: int) -> str | None:
    for rr in range(r - 1, -1, -1):
        x = rows[rr][c]
        if x == "<":
            x = rows[rr][_span_start(rows[rr], c)]
        if x == "^" or not x.strip() or is_num(x) or PCT.match(x.strip()) or x.strip() in ("—", "-", "/"):
            continue
        return x
    return None


def money_cells(rows: list[list[str]]) -> list[tuple[int, int]]:
    """Bare numbers that are amounts: not under a rate/weight/score header; then as the label just
    left of them names them (a key–value form), else (a name, a unit) as the header above does."""
    out = []
    for r, row in enumerate(rows):
        for c, x in enumerate(row):
            if x in MARK or not is_num(x):
                continue
            head = header_above(rows, r, c)
            if head and NOT_MONEY.search(head):
                continue
            left = row[_span_start(row, c - 1)] if c > 0 else ""
            if left not in MARK and left.strip() and not is_num(left) and not PCT.match(left.strip()) \
                    and left.strip() not in ("—", "-", "/"):
                if NOT_MONEY.search(left):
                    continue
                if MONEY_WORD.search(left):
                    out.append((r, c))
                    continue
            if head and MONEY_WORD.search(head):
                out.append((r, c))
    return out


def table_caption_units(blocks: list, i: int) -> set[str]:
    """Units named in captions of table i: in its cells or in the paragraph just before it."""
    units = set()
    for row in blocks[i][1]:
        for x in row:
            for m in CAPTION.finditer(x):
                units.add(m.group(2) or m.group(5))
    if i > 0 and blocks[i - 1][0] == "p" and len(blocks[i - 1][1]) < 40:
        for m in CAPTION.finditer(blocks[i - 1][1]):
            units.add(m.group(2) or m.group(5))
    return units


def fmt_amount(v: float, unit: str, like: str = "", sep: bool | None = None) -> str:
    """v (in yuan) written in unit, exactly (as many decimals as needed, at least two)."""
    x = v / SCALE[unit]
    s = f"{x:.8f}".rstrip("0")
    whole, frac = s.split(".")
    frac = (frac + "00")[:max(2, len(frac))]
    if sep is None:
        sep = "," in like
    if sep:
        whole = f"{int(whole):,}" if not whole.startswith("-") else "-" + f"{int(whole[1:]):,}"
    return f"{whole}.{frac}"


def set_cell(blocks: list, i: int, r: int, c: int, text: str) -> None:
    blocks[i][1][r][c] = text


def replace_block_text(blocks: list, fn) -> None:
    """Apply fn to every paragraph, title and non-marker cell text."""
    for i, b in enumerate(blocks):
        if b[0] == "table":
            for row in b[1]:
                for c, x in enumerate(row):
                    if x not in MARK:
                        row[c] = fn(x)
        else:
            blocks[i] = (b[0], fn(b[1]))


def truth_money(doc: BaseDoc) -> list[tuple[str, str, float]]:
    """(project, field, yuan) of the truth's budget and spending figures."""
    out = []
    for e in doc.truth.get("evaluations", []):
        for f in ("budget_yuan", "spent_yuan", "budget_initial_yuan"):
            if f in e:
                out.append((e.get("project", ""), f, float(e[f])))
    return out


def _new(doc: BaseDoc) -> tuple[BaseDoc, list]:
    d = copy.deepcopy(doc)
    return d, [b for _, bs in d.sheets for b in bs]


def _blocks_sheets(d: BaseDoc, blocks: list) -> BaseDoc:
    """Put a changed flat block list back into d's sheets (same lengths, in order)."""
    out, k = [], 0
    for name, bs in d.sheets:
        out.append((name, blocks[k:k + len(bs)]))
        k += len(bs)
    d.sheets = out
    return d


# ---------------------------------------------------------------------------------------------
# the kinds
# ---------------------------------------------------------------------------------------------

def format_(doc: BaseDoc, rng: random.Random, formats=FORMATS) -> Variant | None:
    """The same blocks in another container: docx, xlsx, pdf, html, txt."""
    others = [f for f in formats if f != doc.native]
    if not others:
        return None
    fmt = rng.choice(others)
    return Variant(copy.deepcopy(doc), fmt, note=f"as {fmt}")


def money_unit(doc: BaseDoc, rng: random.Random) -> Variant | None:
    """Every amount in another unit (元 ↔ 万元, large prose amounts also 亿元), captions changed
    to match. Only documents whose money tables all carry one caption unit."""
    d, blocks = _new(doc)
    units, plan = set(), []
    for i in tables(blocks):
        cells = money_cells(blocks[i][1])
        if not cells:
            continue
        u = table_caption_units(blocks, i)
        if len(u) != 1:
            return None
        units |= u
        plan.append((i, cells))
    if len(units) != 1 or not plan:
        return None
    src = units.pop()
    target = rng.choice([u for u in ("元", "万元") if u != src])
    sep = rng.random() < 0.5 if target == "元" else False
    for i, cells in plan:
        for r, c in cells:
            x = blocks[i][1][r][c]
            set_cell(blocks, i, r, c, fmt_amount(to_float(x) * SCALE[src], target, sep=sep))

    def inline(m):
        v = to_float(m.group(1)) * SCALE[m.group(3)]
        unit = "亿元" if v >= 1e8 and rng.random() < 0.5 else target
        return f"{fmt_amount(v, unit, sep=sep and unit == '元')}{m.group(2)}{unit}"

    def caption(m):
        if m.group(2):
            return f"{m.group(1)}{target}{m.group(3)}"
        return f"{m.group(4)}{target}"

    replace_block_text(blocks, lambda s: CAPTION.sub(caption, INLINE.sub(inline, s)))
    return Variant(_blocks_sheets(d, blocks), doc.native, note=f"{src}→{target}")


def yuan_under_wan_caption(doc: BaseDoc, rng: random.Random) -> Variant | None:
    """One budget or spending figure of a 万元 table written in 元 (with the 元 sign, or bare but
    plainly too large): same value in yuan, and a money_unit check on that evaluation."""
    d, blocks = _new(doc)
    figures = truth_money(doc)
    hits = []
    for i in tables(blocks):
        if table_caption_units(blocks, i) != {"万元"}:
            continue
        for r, c in money_cells(blocks[i][1]):
            v = to_float(blocks[i][1][r][c]) * 1e4
            for project, f, y in figures:
                if f != "budget_initial_yuan" and abs(v - y) <= 1:
                    hits.append((i, r, c, project, y))
                    break
    if not hits:
        return None
    # the first cell of each figure: the total row, before the rows that break it down
    seen, firsts = set(), []
    for h in hits:
        if (h[3], h[4]) not in seen:
            seen.add((h[3], h[4]))
            firsts.append(h)
    i, r, c, project, y = rng.choice(firsts)
    mode = rng.choice(["sign", "bare"])
    text = f"{y:,.2f}元" if mode == "sign" else f"{y:.2f}"
    set_cell(blocks, i, r, c, text)
    return Variant(_blocks_sheets(d, blocks), doc.native, Expect(checks={project: ("money_unit",)}),
                   note=f"{mode} {text} in [{project[:12]}]")


# Labels with the same meaning, as forms and reports write them. A cell (or heading) that reads
# exactly one of these (ignoring spaces and a trailing unit in brackets) may become another of
# its group.
SYNONYMS = {
    "budget": ["全年预算数", "预算数", "年度预算数", "调整后预算数", "全年预算", "预算安排数", "年度预算金额", "预算金额"],
    "budget_initial": ["年初预算数", "年初预算", "年初预算金额", "年初预算安排"],
    "spent": ["全年执行数", "执行数", "预算执行数", "实际支出", "实际支出数", "支出金额", "实际执行数", "全年实际支出"],
    "rate": ["执行率", "预算执行率", "资金执行率", "支出执行率"],
    "score_col": ["得分", "实际得分", "评价得分"],
    "total": ["总分", "总得分", "自评总分", "综合得分", "自评得分合计"],
    "grade": ["等级", "等次", "评价等级", "评价等次", "自评等级", "自评等次", "绩效等级"],
    "weight": ["分值", "权重", "指标分值", "指标权重"],
    "target": ["年度指标值", "指标值", "年度目标值", "预期指标值"],
    "actual": ["实际完成值", "完成值", "全年实际值"],
    "problems": ["存在问题", "存在的问题", "存在的主要问题", "主要问题", "问题及原因", "存在问题及原因"],
    "unit": ["实施单位", "项目实施单位", "执行单位"],
    "dept": ["主管部门", "主管单位", "项目主管部门"],
}
_SYN_INDEX = {w: g for g, ws in SYNONYMS.items() for w in ws}
_LABEL = re.compile(r"^(\s*(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[)）]|\d+[.、])?\s*)"  # enumerator
                    r"(.+?)(\s*[（(][^）)]*[)）])?(\s*[:：]?\s*)$")  # label, (unit), colon


def _synonym(text: str, rng: random.Random, taken: set[str]) -> str | None:
    """Another label of text's group, none of ``taken`` (labels the document has or was given)."""
    m = _LABEL.match(text)
    if not m:
        return None
    core = "".join(m.group(2).split())
    group = _SYN_INDEX.get(core)
    options = [w for w in SYNONYMS.get(group, ()) if w != core and w not in taken]
    if not options:
        return None
    new = rng.choice(options)
    taken.add(new)
    return f"{m.group(1)}{new}{m.group(3) or ''}{m.group(4)}"


def label_synonyms(doc: BaseDoc, rng: random.Random) -> Variant | None:
    """The labels of one field (a group of SYNONYMS: table cells and short headings) replaced by
    synonyms, one choice per distinct label; one field per variant, so a failure names its label."""
    d, blocks = _new(doc)
    # labels already in the document are not given to another: two columns must not end up alike
    cells = [x for b in blocks if b[0] == "table" for row in b[1] for x in row if x not in MARK and len(x) <= 16]
    heads = [b[1] for b in blocks if b[0] == "p" and len(b[1]) <= 16]
    taken = {_core(x) for x in cells + heads}
    present = sorted({_SYN_INDEX[_core(x)] for x in cells + heads if _core(x) in _SYN_INDEX})
    if not present:
        return None
    group = rng.choice(present)
    chosen: dict[str, str | None] = {}

    def swap(s: str) -> str:
        if len(s) > 16 or _SYN_INDEX.get(_core(s)) != group:
            return s
        if s not in chosen:
            chosen[s] = _synonym(s, rng, taken)
        return chosen[s] or s

    for i, b in enumerate(blocks):
        if b[0] == "table":
            for row in b[1]:
                for c, x in enumerate(row):
                    if x not in MARK:
                        row[c] = swap(x)
        elif b[0] == "p":
            blocks[i] = ("p", swap(b[1]))
    changed = sorted(f"{k.strip()}→{v.strip()}" for k, v in chosen.items() if v)
    if not changed:
        return None
    return Variant(_blocks_sheets(d, blocks), doc.native, note=", ".join(changed)[:80])


def column_order(doc: BaseDoc, rng: random.Random) -> Variant | None:
    """Two labelled columns of a table swapped (年初预算数 ↔ 全年执行数, 分值 ↔ 得分, …), from
    their header row down to where the grid's merges change; rows above the header stay."""
    d, blocks = _new(doc)
    options = []
    for i in tables(blocks):
        rows = blocks[i][1]
        ncol = len(rows[0])
        for h, row in enumerate(rows):
            labelled = [c for c in range(1, ncol) if row[c] not in MARK and _SYN_INDEX.get(_core(row[c]))
                        and (c + 1 == ncol or row[c + 1] != "<")]
            for a in range(len(labelled)):
                for b in range(a + 1, len(labelled)):
                    options.append((i, h, labelled[a], labelled[b]))
    rng.shuffle(options)
    for i, h, a, b in options:
        rows = blocks[i][1]
        ncol = len(rows[0])
        # a super-header above (2022年 | 2021年 over two 预算数 columns) would not move with them
        if _core(rows[h][a]) == _core(rows[h][b]) or (h > 0 and any(
                rows[h - 1][x] == "<" or (x + 1 < ncol and rows[h - 1][x + 1] == "<") for x in (a, b))):
            continue
        end = h
        while end < len(rows):
            row = rows[end]
            ok = all(row[x] != "<" and (x + 1 == ncol or row[x + 1] != "<") for x in (a, b))
            if end > h and not ok:
                break
            end += 1
        if end - h < 2:
            continue
        # a "^" at the first row after the block would now point at the other column's cell
        if end < len(rows) and (rows[end][a] == "^" or rows[end][b] == "^"):
            continue
        for r in range(h, end):
            rows[r][a], rows[r][b] = rows[r][b], rows[r][a]
        return Variant(_blocks_sheets(d, blocks), doc.native, note=f"{_core(rows[h][b])}↔{_core(rows[h][a])}")
    return None


def _core(text: str) -> str:
    m = _LABEL.match(text)
    return "".join(m.group(2).split()) if m else text


def table_to_prose(doc: BaseDoc, rng: random.Random) -> Variant | None:
    """A list table (a header row, then one project per row, no merges) written as one sentence per
    row, as reports state results: "项目名称为X，预算数为135.60万元，执行率为96.72%，得分为92分。"."""
    d, blocks = _new(doc)
    for i in tables(blocks):
        rows = blocks[i][1]
        # the header: the first row with a label in every column and no merges
        h = next((r for r, row in enumerate(rows) if all(x not in MARK and x.strip() for x in row)), None)
        if h is None or len(rows[0]) < 3:
            continue
        body = rows[h + 1:]
        if not body or any(x in MARK for row in body for x in row):
            continue
        head = rows[h]
        if not any(MONEY_WORD.search(x) or "得分" in x or "分数" in x for x in head):
            continue
        lead = [("p", next(x for x in row if x.strip())) for row in rows[:h]]  # banner rows
        sentences = []
        for row in body:
            parts = []
            for lab, val in zip(head, row):
                val = val.strip()
                if not val or val in ("—", "-", "/"):
                    continue
                m = re.match(r"^(.*?)\s*[（(]\s*(?:单位[:：])?\s*([^）)]*)[)）]\s*$", lab)
                name, unit = (m.group(1), m.group(2)) if m else (lab, "")
                name = "".join(name.split())
                if unit in ("%", "％") and not val.endswith("%"):
                    val += "%"
                elif unit and is_num(val):
                    val += unit
                elif re.search(r"得分|分数|总分", name) and is_num(val):
                    val += "分"
                parts.append(f"{name}为{val}")
            sentences.append(("p", "，".join(parts) + "。"))
        new = blocks[:i] + lead + sentences + blocks[i + 1:]
        d2 = d.with_blocks(new)
        return Variant(d2, doc.native, note=f"table {i} ({len(body)} rows) as prose")
    return None


PROBLEM_LABEL = re.compile(r"^\s*(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[)）]|\d+[.、])?\s*"
                           r"(存在的?(?:主要)?问题(?:及原因)?|主要问题|问题及原因)\s*[:：]?\s*$")
HEADING = re.compile(r"^\s*(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[)）])")
ITEM = re.compile(r"(?:(?<=^)|(?<=[；;。]))\s*(?=(?:\d+[.、．]|[（(][一二三四五六七八九十\d]+[)）]|[①-⑩]))")


def problems_moved(doc: BaseDoc, rng: random.Random) -> Variant | None:
    """Problem statements moved: a form's 存在问题 row becomes paragraphs after the form (one
    paragraph, or one per numbered item), or a report's 存在的问题 section becomes a row of its
    form (single-evaluation documents only: with several, the row's owner would be ambiguous)."""
    d, blocks = _new(doc)
    # form row → paragraphs after the form
    for i in tables(blocks):
        rows = blocks[i][1]
        for r, row in enumerate(rows):
            if not PROBLEM_LABEL.match(row[0]) or len(row) < 2:
                continue
            text = row[1]
            if row[1] in MARK or not text.strip() or any(x != "<" for x in row[2:]):
                continue
            if "^" in row or (r + 1 < len(rows) and "^" in rows[r + 1]):
                continue
            rest = [rw for k, rw in enumerate(rows) if k != r]
            label = "".join(row[0].split()).rstrip("：:")
            if rng.random() < 0.5:
                items = [x.strip() for x in ITEM.split(text) if x.strip()]
                paras = [("p", f"{label}：")] + [("p", x) for x in items]
                how = f"row → {len(items)} paragraphs"
            else:
                paras = [("p", f"{label}：{text}")]
                how = "row → one paragraph"
            new = blocks[:i] + [("table", rest, *blocks[i][2:])] + paras + blocks[i + 1:]
            return Variant(d.with_blocks(new), doc.native, note=how)
    # report section → a row of the (last) form
    if len(doc.truth.get("evaluations", [])) != 1 or not tables(blocks):
        return None
    for k, b in enumerate(blocks):
        if b[0] != "p" or not PROBLEM_LABEL.match(b[1]) or not HEADING.match(b[1]):
            continue
        end = k + 1
        while end < len(blocks) and blocks[end][0] == "p" and not HEADING.match(blocks[end][1]):
            end += 1
        items = [x[1] for x in blocks[k + 1:end]]
        if not items:
            return None
        t = tables(blocks)[-1]
        rows = blocks[t][1]
        ncol = len(rows[0])
        if ncol < 2:
            return None
        rows.append(["存在问题", "；".join(x.rstrip("。；;") for x in items) + "。"] + ["<"] * (ncol - 2))
        new = blocks[:k] + blocks[end:]
        return Variant(d.with_blocks(new), doc.native, note=f"section of {len(items)} → form row")
    return None


FW_DIGITS = str.maketrans("0123456789.%,", "０１２３４５６７８９．％，")


def fullwidth_digits(doc: BaseDoc, rng: random.Random) -> Variant | None:
    """Digits, points, commas and percent signs full-width: in the figures (number cells, amounts,
    rates and scores in the text), or everywhere (years and item numbers too)."""
    d, blocks = _new(doc)
    mode = rng.choice(["figures", "everywhere"])
    if mode == "everywhere":
        replace_block_text(blocks, lambda s: s.translate(FW_DIGITS))
    else:
        fig = re.compile(r"\d[\d,]*(?:\.\d+)?\s*(?:%|亿元|万元|元|分)")

        def one(s: str) -> str:
            st = s.strip()
            if is_num(st) or PCT.match(st):
                return s.translate(FW_DIGITS)
            return fig.sub(lambda m: m.group(0).translate(FW_DIGITS), s)
        replace_block_text(blocks, one)
    return Variant(_blocks_sheets(d, blocks), doc.native, note=mode)


def number_format(doc: BaseDoc, rng: random.Random) -> Variant | None:
    """Amounts written with thousands separators, with or without trailing .00 (each amount cell
    and each amount in the text independently)."""
    d, blocks = _new(doc)
    n = 0

    def restyle(x: str) -> str:
        """Same digits, another style: separators on or off, decimals padded to two or trimmed."""
        whole, _, frac = x.strip().replace(",", "").partition(".")
        sep, decimals = rng.choice([True, False]), rng.choice(["pad", "trim"])
        frac = (frac + "00")[:max(2, len(frac))] if decimals == "pad" else frac.rstrip("0")
        if sep:
            whole = f"{int(whole):,}" if not whole.startswith("-") else f"-{int(whole[1:]):,}"
        return f"{whole}.{frac}" if frac else whole

    for i in tables(blocks):
        for r, c in money_cells(blocks[i][1]):
            x = blocks[i][1][r][c]
            new = restyle(x)
            if new != x:
                n += 1
                set_cell(blocks, i, r, c, new)

    def inline(m):
        nonlocal n
        new = restyle(m.group(1))
        n += new != m.group(1)
        return f"{new}{m.group(2)}{m.group(3)}"
    for k, b in enumerate(blocks):
        if b[0] == "p":
            blocks[k] = ("p", INLINE.sub(inline, b[1]))
    if not n:
        return None
    return Variant(_blocks_sheets(d, blocks), doc.native, note=f"{n} amounts restyled")


SPACED = {"得分", "等级", "等次", "分值", "权重", "总分", "合计", "单位"}


def label_spacing(doc: BaseDoc, rng: random.Random) -> Variant | None:
    """Labels spaced out or broken over lines as forms typeset them: "得　　分", "全年预\\n算数"."""
    d, blocks = _new(doc)
    n = 0
    for i in tables(blocks):
        for row in blocks[i][1]:
            for c, x in enumerate(row):
                core = x.strip()
                if core in SPACED and rng.random() < 0.7:
                    row[c] = ("　" * rng.choice([1, 2])).join(core)
                    n += 1
                elif core in _SYN_INDEX and len(core) >= 4 and rng.random() < 0.5:
                    k = rng.randrange(2, len(core) - 1)
                    row[c] = core[:k] + "\n" + core[k:]
                    n += 1
    if not n:
        return None
    return Variant(_blocks_sheets(d, blocks), doc.native, note=f"{n} labels")


KINDS = {
    "format": format_,
    "money_unit": money_unit,
    "yuan_under_wan_caption": yuan_under_wan_caption,
    "label_synonyms": label_synonyms,
    "column_order": column_order,
    "table_to_prose": table_to_prose,
    "problems_moved": problems_moved,
    "fullwidth_digits": fullwidth_digits,
    "number_format": number_format,
    "label_spacing": label_spacing,
}
