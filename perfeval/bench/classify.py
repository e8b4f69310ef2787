"""Classification speed: ``python -m perfeval bench-classify [--n 10000] [--db FILE] [--repeat 3]``.

Statements: the problem and suggestion texts of the bundled sample reports (data/samples, read
with the ingest pipeline), or of the findings in ``--db``; made unique (one in three is two
statements joined, each gets a running number) so nothing is served from a cache. Times
``classify`` over N statements after loading the taxonomy (loading is timed separately), best
of ``--repeat`` runs, and prints one line per measurement; the last line is the verdict against
the target of 10,000 statements in under a second.
"""
from __future__ import annotations

import argparse
import collections
import time

from perfeval import REPO_ROOT
from perfeval.classify import taxonomy as clf

SAMPLES = REPO_ROOT / "data" / "samples"
TARGET_SECONDS = 1.0


def sample_texts(db: str | None = None) -> list[str]:
    if db:
        import duckdb
        con = duckdb.connect(db, read_only=True)
        try:
            return [r[0] for r in con.execute("SELECT text FROM findings WHERE kind = 'problem' LIMIT 20000").fetchall()]
        finally:
            con.close()
    from perfeval.pipeline import expand_paths, parse_file
    out: list[str] = []
    for path in expand_paths([str(SAMPLES)]):
        for ev in parse_file(path).evaluations:
            out += [f.text for f in ev.candidate.findings]
    return list(dict.fromkeys(out))


def corpus(base: list[str], n: int) -> list[str]:
    out = []
    for i in range(n):
        text = base[i % len(base)]
        if i % 3 == 0:
            text += base[(i * 7 + 3) % len(base)]
        out.append(f"{text}（{i}）")
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m perfeval bench-classify", description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=10000, help="statements to classify (default 10000)")
    ap.add_argument("--db", help="take the statements from this database's findings instead of the samples")
    ap.add_argument("--repeat", type=int, default=3, help="runs; the best is reported (default 3)")
    args = ap.parse_args(argv)

    t0 = time.perf_counter()
    tax = clf.load_taxonomy()
    clf.classify("部分工程合同签订滞后", taxonomy=tax)
    load = time.perf_counter() - t0
    base = sample_texts(args.db)
    if not base:
        print("ERROR: no statements to classify")
        return 1
    texts = corpus(base, args.n)
    runs, cpu = [], []
    cats: collections.Counter = collections.Counter()
    for _ in range(max(1, args.repeat)):
        t0, c0 = time.perf_counter(), time.process_time()
        results = [clf.classify(t, taxonomy=tax) for t in texts]
        runs.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    cats.update(r.category for r in results)
    best = min(runs)
    avg_len = sum(map(len, texts)) / len(texts)
    print(f"taxonomy_load_s={load:.3f} (once per process: taxonomy, anchors, jieba word frequencies)")
    print(f"statements={len(texts)} avg_chars={avg_len:.1f} runs_s={' '.join(f'{r:.3f}' for r in runs)} "
          f"cpu_s={' '.join(f'{c:.3f}' for c in cpu)} (one core)")
    print("categories " + " ".join(f"{c}={n}" for c, n in cats.most_common()))
    per = best / len(texts) * 1e6
    scaled = best * 10000 / len(texts)
    verdict = "OK" if scaled < TARGET_SECONDS else "SLOW"
    print(f"best_s={best:.3f} per_statement_us={per:.1f} per_10000_s={scaled:.3f} target_s={TARGET_SECONDS} {verdict}")
    return 0 if verdict == "OK" else 1
