"""python -m tests.variations [--kinds K ...] [--per-kind N] [--seed S] [--formats F ...]

Generates variants of the fixture generators' documents, parses each with perfeval.pipeline.parse_bytes
and compares its records with the original rendering's. Prints the pass rate per kind and overall,
then the failures grouped by kind (base document, format, what was varied, first difference).
Exit status 0 whatever the rates: this measures; tests/test_variations.py sets the thresholds.
"""
from __future__ import annotations

import argparse
import collections
import sys
import time

from tests.variations.kinds import KINDS
from tests.variations.render import FORMATS
from tests.variations.runner import originals, run


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m tests.variations", description=__doc__.splitlines()[2])
    ap.add_argument("--kinds", nargs="+", choices=list(KINDS), default=list(KINDS))
    ap.add_argument("--per-kind", type=int, default=300, help="variants per kind (fewer if a kind runs out)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--formats", nargs="+", choices=FORMATS, default=list(FORMATS),
                    help="formats to render in: the format kind's targets; other kinds vary only "
                         "documents whose own format is among these")
    ap.add_argument("--max-failures", type=int, default=25, help="failure lines shown per kind")
    args = ap.parse_args(argv)

    t0 = time.time()
    bases = originals(args.formats)
    print(f"{len(bases)} base documents whose original rendering parses ({time.time() - t0:.0f} s)", flush=True)

    def progress(res):
        print(f"  {res.kind:<24} {res.passed:>5}/{res.total:<5} {res.rate:7.1%}   ({time.time() - t0:.0f} s)", flush=True)

    print("pass rate per kind:")
    results = run(args.kinds, args.per_kind, args.seed, args.formats, bases=bases, progress=progress)
    total = sum(r.total for r in results)
    passed = sum(r.passed for r in results)
    print(f"  {'overall':<24} {passed:>5}/{total:<5} {passed / total if total else 1:7.1%}")

    for res in results:
        if not res.failures:
            continue
        print(f"\n{res.kind}: {len(res.failures)} failures")
        by_field = collections.Counter(f.reason.split(":")[0] for f in res.failures)
        print("  by first difference: " + ", ".join(f"{k} ×{n}" for k, n in by_field.most_common()))
        for f in res.failures[:args.max_failures]:
            print(f"  - {f.base} [{f.fmt}] {f.note[:60]} | {f.reason}")
        if len(res.failures) > args.max_failures:
            print(f"  … {len(res.failures) - args.max_failures} more")
    return 0


if __name__ == "__main__":
    sys.exit(main())
