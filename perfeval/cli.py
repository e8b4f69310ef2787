"""Command line: python -m perfeval <command>."""
from __future__ import annotations

import argparse
import os
import sys

from tqdm import tqdm

from perfeval import store
from perfeval.ingest import SCANNED_SUFFIXES, BatchWriter, Outcome, Parsed, expand_paths, iter_parsed, iter_sources, settle_heap


def cmd_ingest(args: argparse.Namespace) -> int:
    db = args.db or store.default_db_path()
    files = expand_paths(args.paths)
    if not files:
        print("ERROR: no supported files (" + " ".join(sorted(SCANNED_SUFFIXES)) + ") found in the given paths",
              file=sys.stderr)
        return 1
    failed = 0
    # files done and time left, on the terminal only (a pipe or a log gets the per-file lines alone)
    bar = tqdm(total=len(files), unit="file", file=sys.stderr, disable=None, dynamic_ncols=True,
               bar_format="{l_bar}{bar}| {n_fmt}/{total_fmt} files [{elapsed}<{remaining}]")

    def say(line: str, err: bool = False) -> None:
        bar.write(line, file=sys.stderr if err else sys.stdout)

    def report(label, parsed: Parsed | None, outcome: Outcome) -> None:
        nonlocal failed
        if parsed is None:
            failed += 1
            say(f"ERROR {label}: {outcome}", err=True)
        elif isinstance(outcome, Exception):
            failed += 1
            say(f"ERROR {label}: could not write to {db}: {outcome}", err=True)
        elif outcome:
            c = parsed.counts()
            say(f"loaded {label}: {c['evaluations']} evaluations, {c['indicators']} indicators, "
                f"{c['findings']} findings, {c['checks']} checks")
        else:
            say(f"skipped {label}: already loaded (same content, sha256 {parsed.sha256[:12]})")

    with store.WriteSession(db) as session, bar:
        # files are parsed outside any transaction (a failing file never touches the database) and
        # reported in order as their batch is written
        writer = BatchWriter(session, report)
        current = None
        for src, result in iter_parsed(iter_sources(files)):
            if src.path is not current:  # progress counts the files named (an archive is one)
                if current is not None:
                    bar.update(1)
                current = src.path
            if isinstance(result, Exception):
                writer.failed(src.label, result)
                continue
            settle_heap()  # the first document loaded what the run needs
            writer.add(src.label, result)
        bar.update(1)
        writer.flush()
    return 1 if failed else 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m perfeval",
        description="perfeval: budget performance evaluation reports → DuckDB → dashboard.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    p = sub.add_parser("ingest", help="read report files (.txt .docx .pdf .xlsx .doc .xls .wps .et .html .mht, scans "
                                      "as .pdf/.png/.jpg, and .zip archives of them; a folder means every such file "
                                      "below it) into the database")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("--db", help="DuckDB file (default: $PERFEVAL_DB, else data/perfeval.duckdb)")
    p.set_defaults(func=cmd_ingest)
    b = sub.add_parser("bench", help="page queries and full page reruns timed on a SYNTHETIC database (generated once; "
                                     "see --help of the subcommand)", add_help=False)
    b.add_argument("rest", nargs=argparse.REMAINDER)
    b.set_defaults(func=lambda args: _bench_main(args.rest))
    bi = sub.add_parser("bench-ingest", help="ingest throughput per format (documents/s on one core)", add_help=False)
    bi.add_argument("rest", nargs=argparse.REMAINDER)
    bi.set_defaults(func=lambda args: _bench_ingest_main(args.rest))
    r = sub.add_parser("reclassify", help="re-apply data/taxonomy.yaml to the stored problem statements (no re-ingest; "
                                          "managers' corrections are kept)")
    r.add_argument("--db", help="DuckDB file (default: $PERFEVAL_DB, else data/perfeval.duckdb)")
    r.add_argument("--taxonomy", help="taxonomy file (default: data/taxonomy.yaml)")
    r.add_argument("--dry-run", action="store_true", help="report what would change, write nothing")
    r.set_defaults(func=cmd_reclassify)
    bc = sub.add_parser("bench-classify", help="classification speed: N problem statements (default 10000)",
                        add_help=False)
    bc.add_argument("rest", nargs=argparse.REMAINDER)
    bc.set_defaults(func=lambda args: _bench_classify_main(args.rest))
    br = sub.add_parser("briefing", help="write the meeting briefing pack (HTML, Excel workbook, CSV tables) for "
                                         "the given filters")
    br.add_argument("--db", help="DuckDB file (default: $PERFEVAL_DB, else data/perfeval.duckdb)")
    br.add_argument("--html", metavar="FILE", help="write the self-contained HTML briefing here")
    br.add_argument("--xlsx", metavar="FILE", help="write the Excel workbook here")
    br.add_argument("--csv-dir", metavar="DIR", help="write one UTF-8 (BOM) CSV per table into this folder")
    br.add_argument("--region", action="append", default=[], help="filter (repeatable)")
    br.add_argument("--unit", action="append", default=[], help="filter (repeatable)")
    br.add_argument("--year-from", type=int)
    br.add_argument("--year-to", type=int)
    br.add_argument("--scope", choices=["project", "department"])
    br.add_argument("--kind", action="append", default=[], help="source kind filter (repeatable), e.g. self_assessment")
    br.add_argument("--threshold", type=int, default=90, help="execution-rate threshold in %% (default 90)")
    br.set_defaults(func=cmd_briefing)
    return parser


def cmd_briefing(args: argparse.Namespace) -> int:
    from perfeval import briefing, dbread
    db = args.db or store.default_db_path()
    if not (args.html or args.xlsx or args.csv_dir):
        print("ERROR: name at least one output: --html FILE, --xlsx FILE or --csv-dir DIR", file=sys.stderr)
        return 1
    if dbread.status(db) not in ("ok", "empty"):
        print(f"ERROR: no initialised database at {db} (run `python -m perfeval ingest` first)", file=sys.stderr)
        return 1
    filters = dbread.Filters(regions=tuple(args.region), units=tuple(args.unit), year_from=args.year_from,
                             year_to=args.year_to, scope=args.scope, kinds=tuple(args.kind))
    outputs = []
    if args.html:
        outputs.append((args.html, briefing.html_bytes(db, filters, threshold=args.threshold / 100)))
    if args.xlsx:
        outputs.append((args.xlsx, briefing.workbook_bytes(db, filters)))
    if args.csv_dir:
        os.makedirs(args.csv_dir, exist_ok=True)
        for key in briefing.EXPORT_TITLES:
            outputs.append((os.path.join(args.csv_dir, f"{key}.csv"), briefing.table_csv(db, filters, key)))
    for path, data in outputs:
        with open(path, "wb") as out:
            out.write(data)
        print(f"wrote {path} ({len(data):,} bytes)")
    return 0


def cmd_reclassify(args: argparse.Namespace) -> int:
    from perfeval import classify, problems
    db = args.db or store.default_db_path()
    if not os.path.exists(db):
        print(f"ERROR: no database at {db} (run `python -m perfeval ingest` first)", file=sys.stderr)
        return 1
    try:
        summary = problems.reclassify(db, args.taxonomy, dry_run=args.dry_run)
    except classify.TaxonomyError as exc:
        print(f"ERROR taxonomy: {exc}", file=sys.stderr)
        return 1
    for line in summary.lines(classify.labels(args.taxonomy)):
        print(line)
    if args.dry_run:
        print("dry run: nothing written")
    return 0


def _bench_classify_main(argv: list[str]) -> int:
    from perfeval import bench_classify
    return bench_classify.main(argv)


def _bench_ingest_main(argv: list[str]) -> int:
    from perfeval import bench_ingest
    return bench_ingest.main(argv)


def _bench_main(argv: list[str]) -> int:
    from perfeval import bench  # imported only when asked for: it pulls in the dashboard queries
    return bench.main(argv) or 0


PASSTHROUGH = {"bench": _bench_main, "bench-ingest": _bench_ingest_main, "bench-classify": _bench_classify_main}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in PASSTHROUGH:  # these parse their own options
        return PASSTHROUGH[argv[0]](argv[1:])
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 0
    return args.func(args)
