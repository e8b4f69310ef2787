"""Prose genres: 项目支出绩效评价报告 and 部门整体支出绩效评价报告.

A report's figures are read from its sentences (first statement of each kind wins within the
report), from label/value tables inside it (basic-info table), from its scored indicator table and
from a recap table of dimension scores. A department report also summarises projects in its text
("X项目…预算12万元，实际支出5.444万元，执行率45.37%，综合评价79.08分"); each summary becomes
a `summary_mention` candidate that assembly matches to the project's own evaluation.
"""
from __future__ import annotations

import re

from perfeval.ingest.extractors import text as tx
from perfeval.ingest.extractors.findings import extract_findings, heading_kind, is_heading
from perfeval.ingest.extractors.forms import (
    RESULTS,
    STATEMENT_KEYS,
    cell_statements,
    default_money_unit,
    labelled_clauses,
    typed_fields,
)
from perfeval.ingest.extractors.tables import (
    DIMENSION_KEYS,
    MONEY_KEYS,
    dimension_scores,
    first_filled_row,
    funds_header,
    indicator_header,
    kv_pairs,
    label_key,
    money_from_cell,
    parse_indicator_rows,
    read_funds,
    read_progress_table,
)
from perfeval.ingest.model import Block, Cell, Paragraph, Table
from perfeval.ingest.normalize import (
    MONEY_UNIT,
    YEAR_RE,
    chinese_number,
    clean_name,
    find_money,
    parse_grade,
    parse_number,
    parse_percent,
    read_score,
    unit_in_label,
)
from perfeval.ingest.records import AUTHORITY_MENTION, BudgetLine, Candidate, Disbursement, Progress

REPORT = "evaluation_report"
DEPARTMENT = "department_evaluation"
MENTION = "summary_mention"

DIMENSION_WEIGHTS = re.compile(r"指标体系|权重|分值|满分|构建|设置为")
QUOTED_PROJECT = re.compile(r"[“\"「]([^”\"」]{2,60})[”\"」]\s*(?:项目|专项)")
KV_LINE = re.compile(r"^\s*(项目名称|项目单位|项目实施单位|实施单位|预算单位|主管部门|评价对象|被评价单位|"
                     r"评价时间|评价期间|评价年度|所属年度)\s*[:：]\s*(.+?)\s*$")
# any "标签：值" line: the vocabulary says what the label names (部门（单位）名称：X)
LABELLED_LINE = re.compile(r"^\s*([^:：，。]{2,16})\s*[:：]\s*(.+?)\s*$")
IMPLEMENTER = re.compile(r"由([^，。、由]{4,40}?)(?:具体|负责|组织|牵头)*(?:实施|承担|执行)|对([^，。、对]{4,40}?)实施的|"
                         r"实施单位(?:均|都)?(?:为|是)([^，。、；;由]{4,40}?)(?=[，。、；;]|$)|"
                         # "2022年百色市农业农村局组织实施…": the organisation before what it does
                         r"(?:^|[，。；;])(?:(?:19|20)\d{2}\s*年度?)?(?!委托)([^，。、；;由]{4,40}?)(?:具体|负责|组织|牵头)*"
                         r"(?:实施|承担|执行)(?!单位|方案|了?(?:本次)?(?:绩效)?评价)")
ORGANISATION = re.compile(r"(?:中心|局|委员会|委|办公室|厅|院|馆|所|站|队|处|部|会|公司|学校|大学|医院|政府|办事处)$")


def title_name(title: str) -> str | None:
    """The project a report title names: “X”项目绩效评价报告 / 关于2022年X项目支出绩效评价报告."""
    m = re.search(r"[“\"「]([^”\"」]{2,60})[”\"」]", title)
    if m:
        return clean_name(m.group(1))
    t = tx.strip_marker(title)
    t = re.sub(r"^(?:关于)?(?:[^，。]{0,30}?(?:19|20)\d{2}\s*年度?)?", "", t)  # publisher and year before the name
    t = re.sub(r"(?:支出|财政|重点)*(?:绩效)?(?:评价|自评)(?:报告|情况)?$", "", t)  # 财政重点绩效评价报告: the genre
    if t.endswith(("经费项目", "资金项目", "费用项目", "专项项目", "项目项目")):
        t = t[:-2]
    t = re.sub(r"^(?:财政|支出|项目|部门|整体|专项)+$", "", t)  # only genre words: the title names no project
    if len(t) < 2:  # the name before the year: "XX工程2020年度绩效评价报告"
        m = re.match(r"^(?:关于)?(.{2,40}?)\s*(?:19|20)\d{2}\s*年度?\s*(?:项目|支出|财政|重点)*(?:绩效)?(?:评价|自评)(?:报告|情况)?$",
                     tx.strip_marker(title))
        t = m.group(1) if m else ""
    return clean_name(t) if len(t) >= 2 else None


def _sentences(paragraphs: list[Paragraph]):
    for para in paragraphs:
        for sentence, _ in tx.sentences(para.text):
            yield para, sentence


# what a sentence says of figures the evaluation does not cover
OUT_OF_SCOPE = ("不在本次评价范围", "不属于本次评价", "未纳入本次评价", "不纳入本次评价", "未纳入评价范围", "同类项目")


def read_prose(cand: Candidate, paragraphs: list[Paragraph], origin: str) -> None:
    """Figures stated in sentences; the first statement of each field wins."""
    seen: set[str] = set()

    def add(field, value, para, kind="text"):
        if field in seen or value is None:
            return
        seen.add(field)
        cand.add(field, value, para.line_start, para.line_end, kind, origin)

    progress: dict[int, Progress] = {}
    adjusted = None
    total_investment = None
    latest = 0  # the latest year a sentence of figures has opened with
    for para, sentence in _sentences(paragraphs):
        if _is_budget_line(sentence):
            continue
        opening = YEAR_RE.match(sentence.lstrip())
        amounts = tx.labelled_amounts(sentence)
        rate = tx.find_rate(sentence)
        if opening and (amounts or rate):
            if int(opening.group(1)) < latest:
                continue  # "2022年…万元。2021年度该项目预算执行率为88.12%。": last year's, for comparison
            latest = int(opening.group(1))
        if (amounts or rate) and any(w in sentence for w in OUT_OF_SCOPE):
            continue  # "…同类项目预算2,600万元，…不在本次评价范围": figures the evaluation does not cover
        before_year_end = tx.mid_year(sentence)
        for amount in amounts:
            if amount.kind == "budget_adjusted":
                adjusted = adjusted or (amount.yuan, para)
                continue
            if amount.kind == "budget_total":
                total_investment = total_investment or (amount.yuan, para)
                continue
            if not (before_year_end and amount.kind == "spent_yuan"):
                add(amount.kind, amount.yuan, para)
        if rate and not before_year_end:
            add("execution_rate", rate[0], para)
        total = tx.find_total_score(sentence)
        if total:
            add("score", total[0], para)
        if not DIMENSION_WEIGHTS.search(sentence) or "得分" in sentence:  # not the scheme's maximum points
            for dim, value in tx.find_dimensions(sentence):
                add(dim, value, para)
        grade = tx.find_grade(sentence)
        if grade:
            add("grade", grade[0], para)
        for month, rate in tx.find_progress(sentence):
            progress.setdefault(month, Progress(month, rate, "stated", para.line_start, para.line_end))
        for paid_on, yuan, purpose in tx.find_disbursements(sentence):
            cand.disbursements.append(Disbursement(paid_on, yuan, purpose, para.line_start, para.line_end))
    # what the candidate already holds (a form's or a table's progress) is not replaced by the prose
    held = {p.month for p in cand.progress}
    cand.progress = sorted(cand.progress + [p for m, p in progress.items() if m not in held], key=lambda p: p.month)
    if total_investment is not None:
        add("budget_yuan", *total_investment)  # no year's budget was stated (else add keeps that)
    if adjusted is not None:
        # "批复预算3.2亿元…调整后预算3.05亿元": the adjusted budget is the one the rate is measured
        # against; the approved one, stated first, is the initial budget
        value, para = adjusted
        readings = [r for r in cand.fields.get("budget_yuan", []) if r.origin == origin]
        if readings and "budget_initial_yuan" not in seen and readings[0].value != value:
            cand.fields.setdefault("budget_initial_yuan", []).append(readings[0])
        cand.fields["budget_yuan"] = [r for r in cand.fields.get("budget_yuan", []) if r.origin != origin]
        cand.add("budget_yuan", value, para.line_start, para.line_end, "text", origin)


def read_fields(cand: Candidate, paragraphs: list[Paragraph], origin: str) -> None:
    """'项目名称：X' lines (cover pages), a form typed as lines ('年初预算数：320.00' under '一、项目资金（万元）')
    and '由X具体实施' statements."""
    stated_unit = None  # the unit a heading states for the lines under it
    for para in paragraphs:
        lines = labelled_clauses(para.text) if "。" not in para.text else []
        if not lines and is_heading(para.text):
            stated_unit = unit_in_label(para.text)
        elif stated_unit:
            for key, label, value in lines:
                if key in MONEY_KEYS:
                    cand.add_money(key, money_from_cell(value, label, stated_unit), para.line_start, para.line_end,
                                   "form", origin)
        # "考评得分：八十一点五分", "绩效自评分：90.6分；评价级别：优。": a form written as lines of
        # labelled clauses (a clause that is a sentence is prose)
        clauses = [LABELLED_LINE.match(c) for c in tx.plain(para.text).rstrip("。").split("；")]
        results = [c for c in clauses if c and label_key(c.group(1)) in ("score", "grade")
                   and not any(p in c.group(2) for p in "，。,;")]
        for clause in results:
            score, grade = read_score(clause.group(2))
            cand.add("score", score, para.line_start, para.line_end, "form", origin)
            cand.add("grade", grade, para.line_start, para.line_end, "form", origin)
        if results:
            continue
        # each field of the line, where a form's row is typed as one ("主管部门：X局　　　　实施单位：Y站")
        for line in typed_fields(para.text):
            m = KV_LINE.match(line) or LABELLED_LINE.match(line)
            if not (m and "。" not in m.group(2) and (m.re is KV_LINE or label_key(m.group(1)) in ("unit", "department"))):
                continue
            label, value = m.group(1), clean_name(m.group(2))
            if label == "项目名称":
                cand.add("project", value, para.line_start, para.line_end, "form", origin)
            elif label == "主管部门" or (m.re is LABELLED_LINE and label_key(label) == "department"):
                cand.add("department", value, para.line_start, para.line_end, "form", origin)
            elif label.startswith("评价") and label != "评价对象" or label == "所属年度":
                years = re.findall(r"(?:19|20)\d{2}", value)
                if years:
                    cand.add("year", int(years[0]), para.line_start, para.line_end, "form", origin)
            else:
                cand.add("unit", value, para.line_start, para.line_end, "form", origin)
    for para in paragraphs:
        for m in IMPLEMENTER.finditer(para.text):
            unit = clean_name(m.group(1) or m.group(2) or m.group(3) or m.group(4))
            if "unit" not in cand.fields and ORGANISATION.search(unit):
                cand.add("unit", unit, para.line_start, para.line_end, "text", origin)
        # a department's own evaluation is of the department: a quoted project there is an example
        q = QUOTED_PROJECT.search(para.text) if cand.scope != "department" else None
        if q and "project" not in cand.fields:
            cand.add("project", clean_name(q.group(1)), para.line_start, para.line_end, "text", origin)
        if "project" in cand.fields and "unit" in cand.fields:
            break


def read_tables(cand: Candidate, tables: list[Table], captions: dict[int, str] | None = None) -> None:
    """`captions`: the paragraph before each table (by id), for the unit it states."""
    for table in tables:
        rows = table.rows
        stated = {p.month for p in cand.progress}
        cand.progress += [p for p in read_progress_table(rows) if p.month not in stated]
        if _read_recap(cand, rows):
            continue
        head = first_filled_row(rows)
        funds = funds_header(head)
        if funds and not any(r.origin == "预算执行表" for r in cand.fields.get("budget_yuan", [])):
            # "项目 | 年初预算数 | 调整后预算数 | 决算数 | 执行率" with a 合计 row: the budget execution table,
            # read also where the text states the figures: each is the other's witness
            caption_unit = unit_in_label((captions or {}).get(id(table), ""))
            read_funds(rows, rows.index(head), funds, default_money_unit([head], caption_unit), cand, "预算执行表")
            continue
        for i, row in enumerate(rows):
            cols = indicator_header(row)
            if cols and not cand.indicators:
                indicators, total, total_lines, used = parse_indicator_rows(rows[i + 1:], cols, cand, "指标评分表",
                                                                            len(row))
                cand.indicators = indicators
                if total is not None and total_lines:
                    cand.add("score", total, total_lines[0], total_lines[1], "form", "指标评分表")
                for dim, value in dimension_scores(indicators).items():
                    cand.add(dim, value, indicators[0].line_start, indicators[-1].line_end, "form", "指标评分表")
        if _compares_periods(rows):
            continue  # "指标 | 2023年 | 2024年 | 增减": a label's next cell is last year's figure
        for key, label, lc, vc in kv_pairs(_total_column(rows)):
            if key in MONEY_KEYS:
                cand.add_money(key, money_from_cell(vc.text, label, None), vc.line_start, vc.line_end, "form",
                               "基本信息表")
            elif key == "grade":
                cand.add("grade", parse_grade(vc.text), vc.line_start, vc.line_end, "form", "基本信息表")
            elif key == "execution_rate":
                cand.add(key, parse_percent(vc.text), vc.line_start, vc.line_end, "form", "基本信息表")
            elif key in ("project", "unit", "department"):
                cand.add(key, clean_name(vc.text.replace("\n", "")), vc.line_start, vc.line_end, "form", "基本信息表")
            elif key in DIMENSION_KEYS:
                cand.add(key, parse_number(vc.text), vc.line_start, vc.line_end, "form", "基本信息表")
            elif key in STATEMENT_KEYS:  # a 存在问题 row under a scoring table, as forms have it
                cand.findings += cell_statements(key, vc)


def _total_column(rows):
    """"项目 | 基本支出 | 项目支出 | 合计" over 预算数/执行数/执行率 rows: each row's label with its
    合计 cell (the next cell is a part); other tables as they are."""
    head = first_filled_row(rows)
    total = next((i for i, c in enumerate(head) if i > 0 and c.compact in ("合计", "总计")), None)
    if total is None:
        return rows
    return [[row[0], row[total]] for row in rows if len(row) > total and row is not head]


_PERIOD_HEAD = re.compile(rf"^(?:(?:19|20)\d{{2}}年度?|上年度?|本年度?|去年|今年|上年同期)(?:\({MONEY_UNIT}\))?$")


def _compares_periods(rows) -> bool:
    """A table whose header names two or more years or periods side by side."""
    head = first_filled_row(rows)
    return sum(1 for c in head if _PERIOD_HEAD.match(c.plain)) >= 2


_RECAP_ROWS = [
    ("score_decision", re.compile(r"^(?:项目|部门)?决策")),
    ("score_process", re.compile(r"^(?:项目|部门)?(?:管理|过程)")),
    ("score_performance", re.compile(r"^(?:项目|部门)?(?:绩效|产出及效益|产出和效益|产出与效益)")),
    ("score_output", re.compile(r"^(?:项目|部门)?产出")),
    ("score_benefit", re.compile(r"^(?:项目|部门)?(?:效益|效果)")),
    ("score_satisfaction", re.compile(r"^(?:服务对象)?满意度")),
    ("score", re.compile(r"^(?:综合|总分|合计|总计|综合绩效|总体)")),
]


def _read_recap(cand: Candidate, rows) -> bool:
    """A recap table of dimension scores, the dimensions down its first column or along its first
    row (评价维度 | 决策 | 过程 | … | 合计 over 得分 | 16.5 | 17 | …)."""
    return bool(rows) and (_recap_down(cand, rows) or _recap_down(cand, _transposed(rows)))


def _recap_down(cand: Candidate, rows) -> bool:
    """评价指标 | 分值 | 得分 | 绩效等级, one row per dimension and a total row."""
    if not rows:
        return False
    head = [c.plain for c in rows[0]]
    keys = [label_key(h, whole=True) for h in head]  # 得分, 评价得分, 实际得分; 等级, 评价等次
    if "score" not in keys or not any(h in ("评价指标", "指标", "一级指标", "评价内容", "评价维度", "维度", "评价项目") for h in head):
        return False
    if any(h.startswith(("二级指标", "三级指标")) for h in head):
        return False
    labels = [r[0].compact for r in rows[1:] if r and r[0].compact]
    if len(labels) < 2 or not all(any(rx.match(x) for _, rx in _RECAP_ROWS) for x in labels):
        return False  # rows are indicators, not dimensions: a scored indicator table
    score_at = keys.index("score")
    grade_at = keys.index("grade") if "grade" in keys else None
    for row in rows[1:]:
        if len(row) <= score_at:
            continue
        label = row[0].compact
        for field, rx in _RECAP_ROWS:
            if rx.match(label):
                value = parse_number(row[score_at].text)
                cand.add(field, value, row[0].line_start, row[-1].line_end, "summary_table", "综合评价表")
                if field == "score" and grade_at is not None and grade_at < len(row):
                    cand.add("grade", parse_grade(row[grade_at].text), row[0].line_start, row[-1].line_end,
                             "summary_table", "综合评价表")
                break
    return True


def _transposed(rows: list[list[Cell]]) -> list[list[Cell]]:
    """Columns as rows (a short row padded with empty cells)."""
    width = max((len(r) for r in rows), default=0)
    return [[r[j] if j < len(r) else Cell("", r[-1].line_start, r[-1].line_end) for r in rows if r]
            for j in range(width)]


_BUDGET_LINE_NAME = re.compile(r"^\s*(\d{3}\s*[-－—]\s*[^0-9，,。；;]{2,40}?)(?:费用|资金|经费)?\s*(\d)")


def _is_budget_line(sentence: str) -> bool:
    return bool(_BUDGET_LINE_NAME.match(sentence))


def read_budget_lines(cand: Candidate, paragraphs: list[Paragraph]) -> None:
    """Lines of an economic classification with their own budget, spending and rate:
    '503-机关资本性支出（一）设备购置30万元年末支出3.85万元，占预算12.83%'."""
    seen = set()
    for para in paragraphs:
        for s, _ in tx.sentences(para.text.replace("；", "，")):
            m = _BUDGET_LINE_NAME.match(s)
            if not m:
                continue
            amounts = find_money(s)
            rate = tx.find_rate(s)
            if len(amounts) < 2 or not rate:
                continue
            budget = amounts[0]
            spent = next((a for a in reversed(amounts) if a[0] <= budget[0] * 1.5 and a is not budget
                          and abs(a[0] / budget[0] - rate[0]) <= 0.006), None) if budget[0] else None
            if spent is None:
                continue
            name = "".join(m.group(1).split()).replace("－", "-").replace("—", "-")
            key = (name, budget[0], spent[0])
            if key in seen:
                continue
            seen.add(key)
            cand.budget_lines.append(BudgetLine(name, budget[0], spent[0], rate[0], para.line_start, para.line_end))


def extract_report(blocks: list[Block], scope: str) -> tuple[Candidate, list[Candidate]]:
    """One report segment → its candidate, plus the project summaries a department report gives."""
    paragraphs = [b for b in blocks if isinstance(b, Paragraph)]
    tables = [b for b in blocks if isinstance(b, Table)]
    kind = DEPARTMENT if scope == "department" else REPORT
    cand = Candidate(kind, blocks[0].line_start, blocks[-1].line_end, scope=scope)
    origin = "部门评价报告" if scope == "department" else "评价报告正文"
    mentions: list[Candidate] = []
    own = paragraphs
    if scope == "department":
        sections = project_sections(paragraphs)
        inside = {id(p) for heading, body in sections for p in [heading, *body]}
        summaries = [(p, items) for p in paragraphs if id(p) not in inside and (items := summary_items(p))]
        summarised = {id(p) for p, _ in summaries}
        own = []
        for p in paragraphs:
            if id(p) in inside:
                continue
            if id(p) not in summarised:
                own.append(p)
            elif (lead := summary_after_lead(p)) is not None:
                own.append(lead[0])  # the unit's own figures before the project's stay the unit's
        mentions = [read_section(heading, body) for heading, body in sections] + [
            read_summary(item, listed) for _, items in summaries for item, listed in items]
    title = paragraphs[0] if paragraphs else None
    if title is not None and scope == "project":
        text, end = title.text, title.line_end
        if len(paragraphs) > 1 and not tx.STANDARD_SENTENCE.search(text) and re.match(
                r"^(?:(?:19|20)\d{2}\s*年度?)?(?:项目)?(?:支出)?(?:绩效)?(?:评价|自评)报告$", paragraphs[1].text.strip()):
            text, end = text + paragraphs[1].text.strip(), paragraphs[1].line_end  # title on two lines
        name = title_name(text)
        if name:
            cand.add("project", name, title.line_start, end, "text", origin)
    if title is not None and scope == "department":
        # "榆中县卫生健康局2024年度部门整体支出绩效评价报告": the unit leads the title (a project
        # report's title led by its unit gives the document's unit: perfeval.ingest.context)
        m = re.match(rf"^(.{{4,40}}?)\s*(?:(?:19|20)\d{{2}}\s*年度?)?\s*(?:{tx.DEPARTMENT_SCOPE})", tx.strip_marker(title.text))
        if m and ORGANISATION.search(m.group(1)):
            cand.add("unit", clean_name(m.group(1)), title.line_start, title.line_end, "text", origin)
    read_fields(cand, own, origin)
    read_prose(cand, own, origin)
    captions = {id(b): blocks[k - 1].text for k, b in enumerate(blocks)
                if isinstance(b, Table) and k and isinstance(blocks[k - 1], Paragraph)}
    read_tables(cand, tables, captions)
    if scope == "project":
        read_budget_lines(cand, paragraphs)
    in_prose = extract_findings(_statement_rows(blocks, own))
    said = {(f.kind, f.text) for f in in_prose}
    cand.findings = in_prose + [f for f in cand.findings if (f.kind, f.text) not in said]
    return cand, mentions


FINDING_KINDS = ("problem", "suggestion", "rectification", "mixed")


def _statement_rows(blocks: list[Block], own: list[Paragraph]) -> list[Paragraph]:
    """The report's own paragraphs, with the rows of a table set under a heading of findings
    ("三、存在的问题" over 序号 | 问题 | 具体表现) as one statement each, in their place."""
    mine = {id(p) for p in own}
    out: list[Paragraph] = []
    for k, block in enumerate(blocks):
        if isinstance(block, Paragraph):
            if id(block) in mine:
                out.append(block)
            continue
        before = blocks[k - 1] if k else None
        if not (isinstance(before, Paragraph) and is_heading(before.text) and heading_kind(before.text) in FINDING_KINDS):
            continue
        for row in block.rows[1:]:  # under its header row
            texts = [c.text.strip() for c in row if c.text.strip() and parse_number(c.text) is None]
            if texts:
                text = "，".join(t.rstrip("。；;，,") for t in texts) + "。"
                out.append(Paragraph(text, row[0].line_start, row[-1].line_end))
    return out


# ---- project summaries inside a department report --------------------------------------------



def is_project_summary(text: str, listed: bool = False) -> bool:
    amounts = [a.kind for s, _ in tx.sentences(text) for a in tx.labelled_amounts(s)]
    if not {"budget_yuan", "budget_initial_yuan"} & set(amounts) or "spent_yuan" not in amounts:
        return False
    if re.search(rf"基本支出|{tx.DEPARTMENT_SCOPE}|部门预算|部门决算", text) or any(w in text for w in AGGREGATE_WORDS):
        return False
    if not any(w in text for w in ("执行率", "得分", "评价")):
        return False
    # a project is named first, or the figures are said to be a project's
    # (an unnamed summary describes the work done first: "完成了…运维保障工作。预算99万元…")
    return (summary_name(text, listed) is not None
            or any(w in text for w in ("项目预算", "项目资金", "该项目", "项目投资", "项目总投资"))
            or text.lstrip().startswith(("完成了", "保障了", "开展了", "实施了", "组织了")))


def summary_items(para: Paragraph) -> list[tuple[Paragraph, bool]]:
    """The project summaries a paragraph gives, each with whether it is one of a list: itself, or
    each of the projects it lists one after another ("共实施项目3个，其中：A项目预算…，执行率…；
    B经费预算…", "我局实施项目4个：A全年预算…；B全年预算…")."""
    split = summary_after_lead(para)
    if split is not None:
        return summary_items(split[1])
    parts = [_after_lead(p.strip()) for p in re.split(r"[；;]|其中[:：]", para.text) if p.strip()]
    if len(parts) >= 2:
        items = [Paragraph(p, para.line_start, para.line_end) for p in parts if is_project_summary(p, listed=True)]
        if len(items) >= 2:
            return [(item, True) for item in items]
    return [(para, False)] if is_project_summary(para.text) else []


def summary_after_lead(para: Paragraph) -> tuple[Paragraph, Paragraph] | None:
    """A paragraph of the unit's own figures that goes on to a project's in a later sentence
    ("…全年实际支出2,013.06万元。其中，X项目预算186.00万元，…"): (the lead, the project's part)."""
    text = para.text
    if summary_name(text) is not None:
        return None
    for at, ch in enumerate(text[:-1]):
        if ch in "。；;":
            tail = text[at + 1:].strip()
            if summary_name(tail) is not None and is_project_summary(tail):
                return (Paragraph(text[:at + 1], para.line_start, para.line_end),
                        Paragraph(tail, para.line_start, para.line_end))
    return None


def _first_figure(text: str) -> int:
    """Where the first money figure of `text` begins (its end when there is none): a name stands before it."""
    first = find_money(text)
    return first[0][2] if first else len(text)


def _after_lead(text: str) -> str:
    """What follows the words that introduce a list ("2024年我局实施项目4个：", "（三）其他项目。")
    before its first item's name; the text itself when no name follows them."""
    for at in range(_first_figure(text) - 1, -1, -1):
        if text[at] in "：:。" and summary_name(rest := text[at + 1:].strip(), listed=True):
            return rest
    return text


CONNECTIVES = ("其中", "此外", "另外", "同时", "另")
# figures of several projects together ("上述项目预算合计…"): an aggregate, no project's own
AGGREGATE_WORDS = ("上述项目", "以上项目", "各项目", "全部项目", "所有项目", "合计", "总计")
EVALUATED_OBJECT = re.compile(r"对[^，。；]{2,40}?实施的([^，。；]{2,40}?)(?:进行|开展)了?(?:绩效)?评价")
# what an evaluated object's name says it is (a name alone, in a paragraph of one project)
OBJECT_WORDS = ("项目", "经费", "费用", "资金", "专项", "工程", "补助", "补贴", "奖补", "扶助", "救助", "奖励", "补偿",
                "资助", "计划")


def summary_name(text: str, listed: bool = False) -> str | None:
    """The project a summary names first; `listed`: one of several projects a paragraph lists with
    their figures, whose names need not say what they are (村级光伏电站运维)."""
    s = tx.strip_marker(text.strip())
    for connective in CONNECTIVES:  # "其中，X专项经费年度预算…": the name follows
        if s.startswith(connective):
            s = s[len(connective):].lstrip("，,：: ")
    evaluated = EVALUATED_OBJECT.search(s)
    if evaluated:  # "对X局实施的Y开展了绩效评价": what was evaluated is named there
        return clean_name(evaluated.group(1))
    if s.startswith(("完成", "保障", "按照", "通过", "为", "在", "对", "根据", "经过", "已", "共")):  # a sentence, not a name
        return None
    # the name ends where the punctuation or the first figure's label begins ("X资金预算180万元，…")
    m = re.match(r"^\s*([^，,。；;：:]{3,50}?)(?:[，,：:。]|(?=(?:年初|全年|年度)?(?:预算|计划投资|总投资)))", s)
    if not m:
        return None
    name = m.group(1).strip()
    if not listed and not any(w in name for w in OBJECT_WORDS):
        return None
    name = name[:-2] if name.endswith(("费项目", "费用项目", "资金项目")) else name
    return clean_name(name)


# a heading that names a project: what is evaluated ends its name (…项目, …专项资金, …工程, …经费)
PROJECT_HEADING = re.compile("(?:" + "|".join(OBJECT_WORDS) + ")$")
SECTION_ORIGIN = "部门报告项目章节"


def project_sections(paragraphs: list[Paragraph]) -> list[tuple[Paragraph, list[Paragraph]]]:
    """The sections of a department report given to one project each: a numbered heading naming a
    project, and what follows it up to the next heading of its level or above (levels: numbering
    styles in the order the document first uses them), when that holds figures of its own. A heading
    may run into its first paragraph ("（二）X项目。该项目全年预算…"): the rest is the body's start."""
    split = {id(p): run_in_heading(p) for p in paragraphs}  # (heading, rest) of each paragraph, once
    rank: dict[str, int] = {}
    for p in paragraphs:
        head, _ = split[id(p)]
        marker = tx.item_marker(head)
        if marker and is_heading(head):
            rank.setdefault(marker[0], len(rank))
    out = []
    i = 0
    while i < len(paragraphs):
        p = paragraphs[i]
        head, rest = split[id(p)]
        marker = tx.item_marker(head)
        name = tx.strip_marker(head).rstrip("。.：:")
        if not (marker and is_heading(head) and heading_kind(head) == "other" and len(name) >= 4
                and PROJECT_HEADING.search(name) and not re.search(tx.DEPARTMENT_SCOPE, name)):
            i += 1
            continue
        following = []
        for q in paragraphs[i + 1:]:
            m = tx.item_marker(q.text)
            if m and ((is_heading(split[id(q)][0]) and rank.get(m[0], 99) <= rank[marker[0]])
                      or (m[0] == marker[0] and _next_number(marker[1], m[1]))):
                break  # the next heading of its level, or the next item of its list ("（三）其他项目。A…")
            if any(listed for _, listed in summary_items(q)):
                break  # "此外，A项目预算…；B项目预算…": other projects' figures, after the section
            following.append(q)
        body = ([Paragraph(rest, p.line_start, p.line_end)] if rest else []) + following
        if any(find_money(q.text) or tx.find_rate(tx.plain(q.text)) for q in body):
            out.append((p, body))
            i += 1 + len(following)
        else:
            i += 1
    return out


def run_in_heading(p: Paragraph) -> tuple[str, str]:
    """(heading, the text after it) of a paragraph whose numbered first sentence is a heading
    ("（一）X项目。该项目…"); (its text, "") for any other paragraph, a list's lead among them."""
    text = p.text.strip()
    end = text.find("。")
    if is_heading(text) or end <= 0 or end == len(text) - 1 or not tx.item_marker(text) \
            or not is_heading(text[:end + 1]):
        return text, ""
    rest = text[end + 1:].strip()
    if len(summary_items(Paragraph(rest, p.line_start, p.line_end))) >= 2:
        return text, ""  # "（三）其他项目。A项目预算…；B补贴预算…": the lead of a list, no project's heading
    return text[:end + 1], rest


def _next_number(a: str, b: str) -> bool:
    """b numbers the item after a's (二 → 三, 3 → 4)."""
    x, y = chinese_number(a), chinese_number(b)
    return x is not None and y == x + 1


def read_section(heading: Paragraph, body: list[Paragraph]) -> Candidate:
    """A project's own section of a department report: named by its heading."""
    cand = Candidate(MENTION, heading.line_start, (body[-1] if body else heading).line_end)
    name = tx.strip_marker(run_in_heading(heading)[0]).rstrip("。.：:")
    cand.add("project", clean_name(name), heading.line_start, heading.line_end, "mention", SECTION_ORIGIN)
    read_prose(cand, body, SECTION_ORIGIN)
    read_fields(cand, body, SECTION_ORIGIN)  # "该项目由X局负责实施": its own unit, before the report's
    cand.findings = extract_findings(body)
    _as_mention(cand)
    return cand


def _as_mention(cand: Candidate) -> None:
    """A project told of inside another report is the least authoritative place for its figures."""
    for readings in cand.fields.values():
        for reading in readings:
            reading.authority = AUTHORITY_MENTION


def read_listed_result(para: Paragraph) -> Candidate | None:
    """An item of a numbered list of results: 'X局“Y”项目，预算…，支出…，评价得分90分，评价等级优秀。' —
    the project quoted, the unit before it, the figures and the result of its own."""
    if tx.item_marker(para.text) is None:
        return None
    text = tx.strip_marker(para.text)
    m = QUOTED_PROJECT.search(text, 0, _first_figure(text))
    if m is None:
        return None
    cand = Candidate(RESULTS, para.line_start, para.line_end)
    cand.add("project", clean_name(m.group(1)), para.line_start, para.line_end, "form", "结果清单")
    unit = text[:m.start()].strip()
    if ORGANISATION.search(unit):
        cand.add("unit", clean_name(unit), para.line_start, para.line_end, "form", "结果清单")
    read_prose(cand, [para], "结果清单")
    if not ({"budget_yuan", "spent_yuan"} & set(cand.fields) and {"score", "grade"} & set(cand.fields)):
        return None
    return cand


def read_summary(para: Paragraph, listed: bool = False) -> Candidate:
    cand = Candidate(MENTION, para.line_start, para.line_end)
    name = summary_name(para.text, listed)
    if name:
        cand.add("project", name, para.line_start, para.line_end, "mention", "部门报告项目摘要")
    read_prose(cand, [para], "部门报告项目摘要")
    read_fields(cand, [para], "部门报告项目摘要")
    cand.findings = extract_findings([para])  # "…等级为良。存在问题：…": the project's own
    _as_mention(cand)
    cand.disbursements = []
    return cand
