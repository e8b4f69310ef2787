"""Merging candidates that name the same object (assemble._merge_same_object) through its index:
the same result as comparing every pair, in the same order, and fast on long results lists."""
from __future__ import annotations

import random

from perfeval.ingest import assemble
from perfeval.ingest.records import Candidate


def pairwise(cands: list[Candidate]) -> list[Candidate]:
    """The merge as it was written first: each candidate against every object so far, in order."""
    out: list[Candidate] = []
    for cand in cands:
        target = next((c for c in out if c.scope == cand.scope and c.get("year") == cand.get("year")
                       and assemble.same_name(c.get("project"), cand.get("project"))), None)
        if target is None:
            out.append(cand)
        elif cand.source_kind in assemble.FORM_KINDS and target.source_kind not in assemble.FORM_KINDS:
            assemble._absorb(cand, target)
            out[out.index(target)] = cand
        else:
            assemble._absorb(target, cand)
    return out


STEMS = ["学前教育发展专项资金", "道路维修", "城乡环境整治专项", "热线运行费用", "聘用人员工资及管理费用",
         "网格化系统运维", "农村饮水安全巩固提升工程", "老旧小区改造", "图书馆", "A"]
AFFIXES = ["", "", "", "武鸣区", "2021年", "2022年度", "西湖区2023年"]
SUFFIXES = ["", "", "项目", "（二期）", "补助资金", "专项经费及配套资金管理费用"]


def candidates(rng: random.Random, n: int) -> list[tuple]:
    """(source kind, scope, year, project, project authority, year authority) of n candidates."""
    out = []
    for _ in range(n):
        stem = rng.choice(STEMS)
        name = rng.choice(AFFIXES) + stem + rng.choice(SUFFIXES)
        if rng.random() < 0.08:
            name = stem * rng.choice([10, 12])  # garbled, very long "names", one inside the other
        out.append((rng.choice(["self_assessment", "results_disclosure", "evaluation_report", "department_report"]),
                    rng.choice(["project", "project", "department"]),
                    rng.choice([2021, 2022, None]), None if rng.random() < 0.05 else name,
                    rng.choice(["form", "text", "context"]), rng.choice(["form", "text", "context"])))
    return out


def build(spec: list[tuple]) -> list[Candidate]:
    out = []
    for i, (kind, scope, year, name, name_authority, year_authority) in enumerate(spec):
        cand = Candidate(kind, i + 1, i + 1, scope)
        cand.add("project", name, i + 1, i + 1, name_authority, "测试")
        cand.add("year", year, i + 1, i + 1, year_authority, "测试")
        cand.add("budget_yuan", float(i), i + 1, i + 1, "form", "测试")
        out.append(cand)
    return out


def shape(merged: list[Candidate]) -> list[tuple]:
    return [(c.source_kind, c.scope, c.get("year"), c.get("project"), c.line_start, c.line_end,
             sorted(r.value for r in c.fields["budget_yuan"])) for c in merged]


def test_index_merges_as_comparing_every_pair():
    rng = random.Random(20261121)
    for _ in range(2000):
        spec = candidates(rng, rng.randint(1, 30))
        assert shape(assemble._merge_same_object(build(spec))) == shape(pairwise(build(spec)))


def test_a_long_results_list_merges_without_comparing_every_pair():
    """10,000 distinct projects sharing most of their words, and each named a second time by a
    form: 10,000 objects, each holding both readings (comparing every pair took minutes)."""
    names = [f"第{k}号道路维修项目" for k in range(10_000)]
    spec = [("results_disclosure", "project", 2022, n, "form", "form") for n in names]
    spec += [("self_assessment", "project", 2022, "2022年" + n, "form", "form") for n in names]
    merged = assemble._merge_same_object(build(spec))
    assert len(merged) == len(names)
    assert all(len(c.fields["budget_yuan"]) == 2 for c in merged)


def pairwise_attach(evaluations, mentions):
    """Mentions joined to evaluations as first written: each against every evaluation of its year."""
    orphans = []
    for mention in mentions:
        pool = [e for e in evaluations if e.candidate.scope == "project" and e.candidate.get("year") == mention.get("year")]
        name = mention.get("project")
        target = next((e for e in pool if name and assemble.same_name(e.candidate.get("project"), name, 0.0)), None)
        if target is None:
            target = next((e for e in pool if assemble._figures_match(e.candidate, mention)), None)
        if target is None:
            orphans.append(mention)
            continue
        for field, readings in mention.fields.items():
            if field not in ("project", "unit", "region", "year", "scope", "source_kind", "department"):
                target.candidate.fields.setdefault(field, []).extend(readings)
    return orphans


def test_mentions_join_the_evaluation_comparing_every_pair_would_find():
    from perfeval.ingest.records import Evaluation
    rng = random.Random(112026)
    for _ in range(1000):
        spec = [s for s in candidates(rng, rng.randint(1, 25)) if s[3] is not None]
        mentions_spec = [("summary_mention", "project", rng.choice([2021, 2022, None]),
                          None if rng.random() < 0.2 else rng.choice(STEMS) + rng.choice(SUFFIXES), "mention", "mention")
                         for _ in range(rng.randint(1, 10))]

        def run(attach):
            evaluations = [Evaluation(c) for c in build(spec)]
            mentions = build(mentions_spec)
            for m in mentions:  # figures that match some evaluations (budget_yuan = its position)
                m.fields["budget_yuan"][0].value = float(rng.randrange(len(spec) + 2))
            orphans = attach(evaluations, mentions)
            return shape([e.candidate for e in evaluations]), [m.line_start for m in orphans]

        state = rng.getstate()
        ours = run(lambda e, m: assemble._attach_mentions(e, m))
        rng.setstate(state)
        assert ours == run(pairwise_attach)
