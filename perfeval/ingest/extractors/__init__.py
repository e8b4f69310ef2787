"""Extractors: a `Document` of blocks → candidate evaluations, one extractor per genre.

Genres are found from content, never from file names. A document may hold several: a department
report, a project report and a dozen 自评表 in one file. Prose reports start at their title line
and run to the next title; forms are found inside tables by their labels.
"""
from __future__ import annotations

import re

from perfeval.ingest.extractors.findings import extract_findings, is_heading
from perfeval.ingest.extractors.forms import extract_forms, find_forms, read_clause_row
from perfeval.ingest.extractors.reports import (
    MENTION,
    extract_report,
    project_sections,
    read_listed_result,
    read_prose,
    read_summary,
    summary_items,
)
from perfeval.ingest.extractors.tables import indicator_header, read_progress_table
from perfeval.ingest.extractors.text import (
    DEPARTMENT_SCOPE,
    find_grade,
    find_total_score,
    item_marker,
    sentences,
    strip_marker,
)
from perfeval.ingest.model import Document, Paragraph, Table
from perfeval.ingest.normalize import chinese_number, name_key, year_votes
from perfeval.ingest.records import Candidate

# 评价 and 自评 may both stand in a title: "…单位整体支出绩效评价自评报告"
DEPARTMENT_TITLE = re.compile(rf"(?:{DEPARTMENT_SCOPE}|部门)(?:绩效)?(?:评价|自评)+(?:报告)?$|"
                              rf"(?:{DEPARTMENT_SCOPE})绩效(?:评价|自评)*(?:报告|情况)?$")
PROJECT_TITLE = re.compile(r"(?:项目|支出|资金|经费|专项)(?:支出)?(?:绩效)?(?:评价|自评)+报告$|绩效(?:评价|自评)+报告$")
# parts of a file that are no evaluation: final accounts, budget disclosures (预算公开说明)
BOUNDARY_TITLE = re.compile(r"部门决算|决算报表|[预决]算(?:公开)?说明$|[预决]算公开")
# a file of the targets declared before the year: no report to try whole (inside a report, where
# such a table is an attachment, it cuts nothing)
TARGETS_TITLES = ("绩效目标申报表", "绩效目标表")
# a circular (…支出进度情况的通报, …自评工作的通知): no evaluation itself; the projects it gives sections of
# their own, with their figures, are
CIRCULAR_TITLES = ("通知", "通报")


# the second line of a title on two ("XX工程" / "2020年度绩效评价报告")
BARE_TITLE = re.compile(r"^(?:(?:19|20)\d{2}\s*年度?)?(?:项目)?(?:支出)?(?:绩效)?(?:评价|自评)+报告$")


def _title_start(doc: Document, i: int) -> int:
    """A title broken over two lines ("X市2023年度Y项目" / "绩效评价报告") starts a line earlier."""
    block = doc.blocks[i]
    if i > 0 and BARE_TITLE.match(strip_marker(block.text).strip()):
        prev = doc.blocks[i - 1]
        if isinstance(prev, Paragraph) and len(prev.text) <= 60 and not any(c in prev.text for c in "，。；：:"):
            return i - 1
    return i


def title_kind(text: str) -> str | None:
    t = strip_marker(text).strip()
    if len(t) > 60 or any(c in t for c in "，。；"):
        return None
    if t != text.strip() and not t.endswith("报告"):
        return None  # a numbered section of a report ("四、部门整体支出绩效情况"), not another report
    if DEPARTMENT_TITLE.search(t):
        return "department"
    if PROJECT_TITLE.search(t) and not re.search(DEPARTMENT_SCOPE, t):
        return "project"
    if BOUNDARY_TITLE.search(t):
        return "boundary"
    return None


def extract(doc: Document, money_unit: str | None = None) -> tuple[list[Candidate], list[str]]:
    """All candidates of a document, in document order, and the genres seen."""
    candidates: list[Candidate] = []
    form_tables: set[int] = set()
    table_candidates: dict[int, list[Candidate]] = {}
    continued: set[int] = set()  # indicator tables read as the end of the form before them
    spans = {i: find_forms(b) for i, b in enumerate(doc.blocks) if isinstance(b, Table)}  # label/value forms
    for i, block in enumerate(doc.blocks):
        if isinstance(block, Table) and i not in continued:
            rest = _indicator_continuation(doc, i, spans)
            if rest is not None:
                continued.add(rest)
                last = doc.blocks[rest]
                block = Table(block.rows + last.rows, block.line_start, last.line_end)
                spans[i] = find_forms(block)
            forms = extract_forms(block, money_unit, spans[i])
            if forms:
                form_tables.add(i)
                table_candidates[i] = forms
                _table_year(doc, i, forms)
                candidates.extend(forms)

    # rows of a list written as sentences ("项目名称为X，…", or a numbered list of quoted projects with
    # their figures and results): each its own result, cutting the prose like a form
    paragraphs = [(i, b) for i, b in enumerate(doc.blocks) if isinstance(b, Paragraph)]
    rows = {i: row for i, b in paragraphs if (row := read_clause_row(b, money_unit)) is not None}
    listed = {i: row for i, b in paragraphs if i not in rows and (row := read_listed_result(b)) is not None}
    rows |= listed if len(listed) >= 2 else {}  # a list: one numbered paragraph alone is a report's sentence
    for i, row in rows.items():
        form_tables.add(i)
        table_candidates[i] = [row]
        spans[i] = []
        candidates.append(row)

    starts = []
    for i, b in enumerate(doc.blocks):
        if isinstance(b, Paragraph) and (kind := title_kind(b.text)):
            start = _title_start(doc, i)  # a title on two lines says its kind as one
            starts.append((start, title_kind(doc.blocks[start].text + b.text) if start < i else kind))
    # A list of projects (one row each) inside a report is part of its text, which goes on after it
    # ("重点项目自评情况如下：<table> 四、部门管理情况…"); a form ends the prose before it.
    in_prose = {i for i in form_tables if not spans[i]
                and any(start < i for start, kind in starts if kind in ("department", "project"))}
    cuts = sorted({i for i, _ in starts} | (form_tables - in_prose) | {len(doc.blocks)})
    prose_starts = [(i, kind) for i, kind in starts if kind in ("department", "project")]
    first = next((b.text.strip() for b in doc.blocks if isinstance(b, Paragraph) and b.text.strip()), "")
    if not prose_starts and not candidates and not any(kind == "boundary" for _, kind in starts) \
            and not first.endswith(TARGETS_TITLES):
        prose_starts = [(0, "whole")]  # a report without a recognisable title: try it whole
    covered = set(form_tables)
    resumed: set[int] = set()
    for i, kind in prose_starts:
        # a text tried whole is an evaluation only if it states a result: a cover letter's funds
        # total (以上材料涉及项目资金共计…) is none
        whole, kind = kind == "whole", "project" if kind == "whole" else kind
        circular = whole and first.endswith(CIRCULAR_TITLES)
        kind = "department" if circular else kind  # read as an aggregate: its project sections
        end = next(c for c in cuts if c > i)
        covered.update(range(i, end))
        # a department report goes on after the forms of its projects; a project's report around its
        # own form is that form's explanation (_attach_explanation)
        again = _resumed_sections(doc, i, end, cuts, form_tables - in_prose) if kind == "department" else []
        resumed.update(again)
        covered.update(again)
        blocks = doc.blocks[i:end] + [doc.blocks[k] for k in again]
        listed = [c for t in sorted(in_prose) if i < t < end for c in table_candidates[t]]
        owner = None
        for n, (part, part_kind) in enumerate(_report_parts(blocks, kind, listed)):
            cand, mentions = extract_report(part, part_kind)
            if n == 0:
                owner = cand.best("unit")
            else:
                _inherit_unit(cand, owner, "评价报告")  # a section of the report above
            # a department report evaluates the department even where its figures stand in a list of
            # the report (its row there joins it): its findings are the department's
            if not circular and (
                    (_has_substance(cand) and not (whole and not RESULT_FIELDS & set(cand.fields) and not cand.indicators))
                    or (part_kind == "department" and cand.findings)):
                candidates.append(cand)
            for mention in mentions:
                if _has_substance(mention):
                    _inherit_unit(mention, cand.best("unit"), "部门报告")  # the department's project
                    candidates.append(mention)
        if kind == "department":
            for listed_cand in listed:
                if not {"score", "grade"} & set(listed_cand.fields):
                    # "重点项目支出情况": a department's key projects with their budgets only are
                    # how it spent, not evaluations of those projects
                    candidates.remove(listed_cand)
                else:
                    _inherit_unit(listed_cand, owner, "部门报告")  # the department's projects
    # a project told of in a paragraph of its own outside any report ("此外，对X局实施的Y开展了绩效评价，
    # 该项目预算…"): joined to its evaluation when there is one, else its own
    for i, block in paragraphs:
        if i not in covered:
            candidates.extend(m for item, listed_item in summary_items(block)
                              if _has_substance(m := read_summary(item, listed_item)))
    for i in sorted(form_tables - in_prose):
        start, end = table_candidates[i][0].line_start, max(c.line_end for c in table_candidates[i])
        _attach_explanation(doc, i, cuts, [c for c in candidates if start <= c.line_start and c.line_end <= end],
                            resumed)
    candidates.sort(key=lambda c: c.line_start)
    return candidates, sorted({c.source_kind for c in candidates if c.source_kind != MENTION})


def _inherit_unit(cand: Candidate, owner, origin: str) -> None:
    """The unit reading `owner` of the report a candidate is part of, when it names none itself."""
    if owner is not None and "unit" not in cand.fields:
        cand.add("unit", owner.value, owner.line_start, owner.line_end, "context", origin)


def _indicator_continuation(doc: Document, index: int, spans: dict[int, list]) -> int | None:
    """The index of a scored-indicator table that continues the form at `index`: a form's 绩效指标
    set as a table of its own after it, at most a short heading between ("绩效指标完成情况")."""
    if not spans[index]:
        return None
    for j in range(index + 1, min(index + 3, len(doc.blocks))):
        block = doc.blocks[j]
        if isinstance(block, Table):
            # its header may follow a title row of its own ("绩效指标完成情况（续）")
            if not any(indicator_header(row) for row in block.rows[:3]) or spans[j]:
                return None
            return None if any(indicator_header(r) for r in doc.blocks[index].rows) else j
        if len(block.text) > 20:
            return None
    return None


SECTION_HEADING = re.compile(r"^\s*[一二三四五六七八九十]{1,3}\s*[、.．]\s*(.{4,60})$")


def _report_parts(blocks: list, kind: str, listed: list[Candidate]) -> list[tuple[list, str]]:
    """A report of several projects — a list of them, then a section headed by each project's name
    ("一、2021年XX项目") — is read as its opening part plus one project report per
    section; any other report as one part."""
    names = {name_key(c.get("project")) for c in listed if c.get("project")}
    heads = []
    for k, block in enumerate(blocks):
        m = SECTION_HEADING.match(block.text) if isinstance(block, Paragraph) else None
        if m and name_key(m.group(1)) in names:
            heads.append(k)
    if len(heads) < 2 and kind == "project":
        # without a list: sections headed by a project's name, each with an evaluation result of its
        # own (a results notice of several projects); a project's components have figures, no result
        sections = project_sections([b for b in blocks if isinstance(b, Paragraph)])
        evaluated = [heading for heading, body in sections if any(_states_result(p.text) for p in body)]
        if len(evaluated) >= 2 and len(evaluated) == len(sections):
            heads = [k for k, block in enumerate(blocks) if any(block is h for h in evaluated)]
    if len(heads) < 2:
        return [(blocks, kind)]
    bounds = heads + [len(blocks)]
    return [(blocks[:heads[0]], kind)] + [(blocks[a:b], "project") for a, b in zip(bounds, bounds[1:])]


def _states_result(text: str) -> bool:
    """A paragraph stating an evaluation's result: a total score or a grade."""
    return any(find_total_score(s) or find_grade(s) for s, _ in sentences(text))


def _table_year(doc: Document, index: int, forms: list[Candidate]) -> None:
    """The year of a table's own title (a sheet named "2024年", a title row "…2023年度…结果") for
    the candidates that state none: a workbook may hold one sheet per year."""
    table = doc.blocks[index]
    titles = table.banner()
    before = doc.blocks[index - 1] if index else None
    if isinstance(before, Paragraph) and len(before.text) <= 40:
        titles.insert(0, before)
    # a title, not a "填报单位：…  填报日期：2022年3月18日" line
    titles = [t for t in titles if not re.search(r"[:：]|\d\s*月\s*\d{1,2}\s*日", t.text)]
    years: dict[int, Paragraph] = {}  # each year named, with the first title naming it
    for title in titles:
        for year in year_votes(title.text):
            years.setdefault(year, title)
    if len(years) != 1:
        return  # none, or a title naming several years: the document's context decides
    ((year, title),) = years.items()
    for cand in forms:
        if "year" not in cand.fields:
            cand.add("year", year, title.line_start, title.line_end, "context", "表格标题")


def _resumed_sections(doc: Document, start: int, end: int, cuts: list[int], forms: set[int]) -> list[int]:
    """The blocks after the forms set inside a report where the report goes on: from a heading in the
    numbering of its own sections that continues it ("四、重点项目" (一)<form> (二)<form> "五、存在的问题")."""
    top, last = None, 0
    for b in doc.blocks[start:end]:
        if isinstance(b, Paragraph) and is_heading(b.text) and (m := item_marker(b.text)):
            top = top or m[0]
            if m[0] == top:
                last = max(last, chinese_number(m[1]) or 0)
    out: list[int] = []
    at = end
    while top and at in forms:
        nxt = next(c for c in cuts if c > at)
        for k in range(at + 1, nxt):
            b = doc.blocks[k]
            if isinstance(b, Paragraph) and is_heading(b.text) and (m := item_marker(b.text)) and m[0] == top \
                    and (chinese_number(m[1]) or 0) > last:
                out += range(k, nxt)
                break
        at = nxt
    return out


def _attach_explanation(doc: Document, table_index: int, cuts: list[int], forms: list[Candidate],
                        taken: set[int] = frozenset()) -> None:
    """The 自评情况说明 after a single form: its problems and suggestions belong to that form, and so
    does a table of its progress by period there (a sheet of its own, a table below the form); not
    what a report it stands in goes on with (`taken`)."""
    if len(forms) != 1:
        return  # prose after several forms cannot be told apart
    end = next(c for c in cuts if c > table_index)
    form = forms[0]
    months = {p.month for p in form.progress}
    for table in (b for b in doc.blocks[table_index + 1:end] if isinstance(b, Table)):
        form.progress += [p for p in read_progress_table(table.rows) if p.month not in months]
        months |= {p.month for p in form.progress}
    form.progress.sort(key=lambda p: p.month)
    paragraphs = [b for k, b in enumerate(doc.blocks[table_index + 1:end], table_index + 1)
                  if isinstance(b, Paragraph) and k not in taken]
    if not paragraphs:
        return
    read_prose(form, paragraphs, "自评说明")
    texts = {(f.kind, f.text) for f in form.findings}
    form.findings += [f for f in extract_findings(paragraphs) if (f.kind, f.text) not in texts]


RESULT_FIELDS = {"score", "spent_yuan", "execution_rate", "grade"}


def _has_substance(cand: Candidate) -> bool:
    figures = {"score", "spent_yuan", "budget_yuan", "execution_rate", "grade", "budget_initial_yuan"}
    return bool(figures & set(cand.fields)) or bool(cand.indicators)
