"""Problems, suggestions and rectification statements of a report.

Reports put them under headings (存在的问题 / 建议 / 整改情况), as numbered lists after a
"扣分原因主要是：" line, or — when the heading was lost — as a numbered list of shortcomings
right after the evaluation conclusion. Each item keeps the lines it came from.
"""
from __future__ import annotations

import re

from perfeval.ingest.extractors.text import NEGATIVE_CUES, item_marker, strip_marker
from perfeval.ingest.model import Paragraph
from perfeval.ingest.records import Finding

PROBLEM_HEAD = re.compile(r"存在(?:的)?(?:主要)?(?:问题|不足)|主要问题|问题(?:及|和|与)(?:原因|不足)|不足之处|"
                          r"未完成(?:的)?原因|问题分析|扣分(?:原因|情况)|发现的问题")
SUGGESTION_HEAD = re.compile(r"建议|改进措施|措施建议|整改措施|改进意见|下一步(?:工作)?(?:打算|计划|措施)")
RECTIFICATION_HEAD = re.compile(r"整改(?:情况|落实情况|结果)")
CONCLUSION_HEAD = re.compile(r"评价结论|综合评价|总体评价|评价结果|评分情况|得分情况")
IGNORED_HEAD = re.compile(r"其他需(?:要)?说明|经验|做法")
OPENER = re.compile(r"(?:扣分|失分)(?:原因|情况|的原因)(?:主要)?(?:是|为|如下|有)?\s*[:：]\s*$")
# a statement introduced by its kind inside a paragraph: "…执行率96.82%。存在问题：服务记录不规范。建议：…"
# "自评发现，…" / "评价中发现：…" opens what was found wrong as a label would
INLINE_LABEL = re.compile(rf"(?:^|(?<=[。；;，,\s]))(?:(?P<problem>{PROBLEM_HEAD.pattern}|(?:自评|评价|核查|检查)中?发现)|"
                          rf"(?P<suggestion>{SUGGESTION_HEAD.pattern}))\s*(?P<end>[:：。，,])")
# a sentence that says what will be done, not what went wrong: it ends a list of problems
FORWARD = ("下一步", "今后", "拟", "将", "建议", "下阶段", "接下来")
INSTRUCTION = re.compile(r"^(?:主要(?:是)?对|对照|按照附件|包括|说明)|分析[。.]?$")
MIN_ITEM_CHARS = 8
# the numbers of items inside one paragraph: 一是 第一， （1） （一）
_BRACKETED = r"[（(](?:\d{1,2}|[一二三四五六七八九十]{1,2})[）)]"
_SPOKEN = r"[一二三四五六七八九十]是|第[一二三四五六七八九十][，,、]"
INLINE_ITEM = re.compile(rf"(?:^|[。；;，,])\s*(?:{_SPOKEN}|{_BRACKETED})|"
                         r"(?:^|[。；;])\s*\d{1,2}[.、．](?!\d)")


def is_heading(text: str) -> bool:
    """Short title lines: numbered (一、 （一） 1. 第一部分) or bare, without sentence punctuation."""
    t = text.strip()
    body = strip_marker(t)
    if re.match(r"^第[一二三四五六七八九十]+部分|^(?:附件|附表|附录)", t):
        return True  # part titles; attachments end the report's sections
    if len(body) > 40 or not body:
        return False
    inner = body.rstrip("。.：:")
    if any(c in inner for c in "，。；;,"):
        return False
    if item_marker(t) is None:
        return len(body) <= 24
    return True


def heading_kind(text: str) -> str | None:
    if IGNORED_HEAD.search(text) and not PROBLEM_HEAD.search(text.split("经验")[-1]):
        return "ignored"
    if RECTIFICATION_HEAD.search(text):
        return "rectification"
    has_problem = bool(PROBLEM_HEAD.search(text))
    has_suggestion = bool(SUGGESTION_HEAD.search(text))
    if has_problem and has_suggestion:
        return "mixed"
    if has_problem:
        return "problem"
    if has_suggestion:
        return "suggestion"
    if CONCLUSION_HEAD.search(text):
        return "conclusion"
    return "other"


def split_items(text: str, line_start: int, line_end: int) -> list[tuple[str, int, int]]:
    """Numbered items inside one block of text (a table cell or a long paragraph)."""
    parts = re.split(rf"(?:(?<=^)|(?<=[\n。；;]))\s*(?=(?:\d{{1,2}}\s*[.、．](?!\d)|{_BRACKETED}|{_SPOKEN}))", text)
    items = [p.strip() for p in parts if p and p.strip()]
    if len(items) <= 1:
        items = [p.strip() for p in text.split("\n") if p.strip()]
    if len(items) <= 1:  # unnumbered statements one after another: "资金拨付不及时；绩效目标不明确。"
        items = [p.strip() for p in re.split(r"(?<=[；;])", text) if p.strip()]
    return [(strip_marker(i).replace("\n", ""), line_start, line_end) for i in items
            if len(strip_marker(i)) >= 2 and strip_marker(i) not in ("无", "暂无", "无。")]


# the labels of a form's sign-off line, which follows its last statement
SIGN_OFF = ("填报单位", "填报日期", "单位负责人", "财务负责人", "项目负责人", "填表人", "联系电话", "盖章", "审核人")


def _keep(text: str, kind: str) -> bool:
    if len(text.rstrip("。.；;")) < (MIN_ITEM_CHARS if kind == "problem" else 4):
        return False
    if kind == "problem" and INSTRUCTION.search(text):
        return False
    return True


def extract_findings(paragraphs: list[Paragraph]) -> list[Finding]:
    out: list[Finding] = []
    section = None          # kind of the heading we are under
    opener_style = None     # numbering style of a "扣分原因主要是：" list we are collecting
    pending: list[Finding] = []  # numbered items of a conclusion section, kept if they read as problems

    def flush_pending():
        nonlocal pending
        if pending and sum(1 for f in pending if NEGATIVE_CUES.search(f.text)) * 2 >= len(pending):
            out.extend(f for f in pending if _keep(f.text, "problem"))
        pending = []

    section_marker = None   # the numbering of the heading that opened the section

    for para in paragraphs:
        text = para.text.strip()
        marker = item_marker(text)
        labelled = _labelled_statements(text, para)
        if labelled and section not in ("problem", "suggestion", "rectification", "mixed"):
            out.extend(labelled)
            continue
        if labelled and INLINE_LABEL.match(strip_marker(text)):
            # a line that says what it is ("整改建议：…") under another kind's heading starts that kind
            flush_pending()
            out.extend(labelled)
            section, section_marker = labelled[-1].kind, None
            continue
        if opener_style is not None:
            if marker and marker[0] != opener_style[0] and marker[0] in ("arabic-paren", "arabic-half", "cn-paren"):
                item = strip_marker(text)
                if _keep(item, "problem"):
                    out.append(Finding("problem", item, para.line_start, para.line_end))
                continue
            opener_style = None
        if OPENER.search(text):
            opener_style = marker or ("none", "")
            continue
        # a short sentence under a list's heading is one of its items ("三、存在问题" / "项目前期工作滞后。"),
        # unless it names a section or reads as no statement ("详见附件表。" ends the list)
        sentence_item = (marker is None and section in ("problem", "suggestion", "rectification")
                         and text.endswith(("。", "；", ";")) and heading_kind(text) == "other" and _keep(text, section))
        if is_heading(text) and not sentence_item:
            kind = heading_kind(text)
            if kind != "other" or marker is None or section not in ("problem", "suggestion", "rectification",
                                                                     "mixed") or _follows(section_marker, marker):
                # a short numbered line inside a list of problems is an item, unless it is numbered
                # as the next heading of the section's own level ("5. 改进措施" … "6. 结果应用")
                flush_pending()
                section, section_marker = kind, marker
                continue
        if section in ("problem", "suggestion", "rectification") and len(INLINE_ITEM.findall(text)) >= 2:
            # "一是…；二是…；三是…" in one paragraph: one finding per item
            for item, _, _ in split_items(text, para.line_start, para.line_end):
                if _keep(item, section):
                    out.append(Finding(section, item, para.line_start, para.line_end))
            continue
        if sum(w in text for w in SIGN_OFF) >= 2:  # "填报单位（盖章）… 填报日期…": the form's sign-off ends any list
            flush_pending()
            section, section_marker = None, None
            continue
        if section in ("problem", "suggestion", "rectification") and marker is None and "；" in text.rstrip("；;。"):
            # unnumbered statements one after another in one paragraph: "A；B。"
            items = [i for i, _, _ in split_items(text, para.line_start, para.line_end) if _keep(i, section)]
            if len(items) >= 2:
                out.extend(Finding(section, i, para.line_start, para.line_end) for i in items)
                continue
        if section in ("problem", "suggestion", "rectification"):
            item = strip_marker(text) if marker else text
            if marker is None and out and out[-1].kind == section and out[-1].line_end == para.line_start - 1 \
                    and section != "rectification" and not out[-1].text.endswith(("。", "；", ";")):
                out[-1].text += item  # a paragraph that continues the previous item
                out[-1].line_end = para.line_end
                continue
            if _keep(item, section) or (section == "rectification" and len(item) >= 2):
                out.append(Finding(section, item, para.line_start, para.line_end))
        elif section == "mixed":
            item = strip_marker(text) if marker else text
            if re.match(r"^(?:建议|加强|提高|完善|进一步|做好|强化|规范|建立|健全|推进|落实|重视)", item):
                out.append(Finding("suggestion", item, para.line_start, para.line_end))
            elif NEGATIVE_CUES.search(item) and _keep(item, "problem") and marker:
                out.append(Finding("problem", item, para.line_start, para.line_end))
        elif marker and section == "conclusion":
            pending.append(Finding("problem", strip_marker(text), para.line_start, para.line_end))
            continue
        if not marker:
            flush_pending()
    flush_pending()
    return _dedupe(out)


def _labelled_statements(text: str, para: Paragraph) -> list[Finding]:
    """The statements a paragraph introduces by their kind ("存在问题：…", "建议：…"), each part up to
    the next such label, split into items."""
    text = strip_marker(text)
    # "存在问题。（1）…" opens a paragraph as a colon would (so does a comma after 发现); inside a
    # sentence "…存在问题。" ends it
    labels = [m for m in INLINE_LABEL.finditer(text)
              if m.group("end") in ":：" or m.start() == 0 or (m.group("end") in "，," and m.group("problem")
                                                                and m.group("problem").endswith("发现"))]
    if not labels or OPENER.search(text):
        return []
    out = []
    for k, m in enumerate(labels):
        kind = "problem" if m.group("problem") else "suggestion"
        part = text[m.end():labels[k + 1].start() if k + 1 < len(labels) else len(text)]
        if kind == "problem":  # "…兑付慢于约定时限。下一步将…": what will be done is no problem
            ahead = next((at + 1 for at, c in enumerate(part) if c == "。" and part[at + 1:].lstrip().startswith(FORWARD)), None)
            if ahead is not None:
                out += [Finding("suggestion", item, para.line_start, para.line_end)
                        for item, _, _ in split_items(part[ahead:].strip(), para.line_start, para.line_end)
                        if _keep(item, "suggestion")]
                part = part[:ahead]
        for item, _, _ in split_items(part.strip(), para.line_start, para.line_end):
            if _keep(item, kind):
                out.append(Finding(kind, item, para.line_start, para.line_end))
    return out


_CN_NUMBERS = "一二三四五六七八九十"


def _number(token: str) -> int | None:
    if token.isdigit():
        return int(token)
    return _CN_NUMBERS.index(token) + 1 if len(token) == 1 and token in _CN_NUMBERS else None


def _follows(previous, marker) -> bool:
    """`marker` numbers a heading of `previous`'s level, in the same style: the next one ("5." then
    "6."), or "一、" again after a later chapter (a table of contents ending "六、相关建议", then the
    body's "一、项目基本情况"; chapters numbered 一、 do not number their items 一、 too, while
    sections numbered "4." may well list items "1.")."""
    if previous is None or marker is None or previous[0] != marker[0]:
        return False
    a, b = _number(previous[1]), _number(marker[1])
    return a is not None and (b == a + 1 or (marker[0] == "cn" and b == 1 and a > 1))


def _dedupe(findings: list[Finding]) -> list[Finding]:
    seen, out = set(), []
    for f in findings:
        key = (f.kind, "".join(f.text.split()))
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out
