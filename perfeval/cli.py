"""Command line: python -m perfeval <command>."""
from __future__ import annotations

import argparse
import os
import sys

from tqdm import tqdm

from perfeval.pipeline import SCANNED_SUFFIXES, BatchWriter, Outcome, Parsed, expand_paths, iter_parsed, iter_sources, settle_heap
from perfeval.store import roles
from perfeval.store import writer as store


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
    _add_access_commands(sub)
    return parser


def _add_access_commands(sub) -> None:
    db_help = "DuckDB file (default: $PERFEVAL_DB, else data/perfeval.duckdb)"
    u = sub.add_parser("user", help="local accounts: add, list, remove, passwd (see docs/operations.md, 账号与权限)")
    usub = u.add_subparsers(dest="user_command", metavar="ACTION", required=True)
    a = usub.add_parser("add", help="create an account (asks for the password twice)")
    a.add_argument("name")
    a.add_argument("--role", required=True, choices=["viewer", "editor", "admin"])
    a.add_argument("--region", action="append", default=[], help="limit the account to this region (repeatable)")
    a.add_argument("--unit", action="append", default=[], help="limit the account to this unit (repeatable)")
    a.add_argument("--password-stdin", action="store_true", help="read the password from the first line of stdin")
    a.add_argument("--generate", action="store_true", help="generate a password and print it once")
    a.set_defaults(func=cmd_user_add)
    ls = usub.add_parser("list", help="list the accounts (never their passwords)")
    ls.set_defaults(func=cmd_user_list)
    rm = usub.add_parser("remove", help="delete an account (its sessions end)")
    rm.add_argument("name")
    rm.set_defaults(func=cmd_user_remove)
    pw = usub.add_parser("passwd", help="set a new password (its sessions end)")
    pw.add_argument("name")
    pw.add_argument("--password-stdin", action="store_true")
    pw.add_argument("--generate", action="store_true", help="generate a password and print it once")
    pw.set_defaults(func=cmd_user_passwd)
    fa = usub.add_parser("first-admin", help="(make run) create account 'admin' with a generated password when "
                                             "there is no account yet, and print how to sign in")
    fa.set_defaults(func=cmd_user_first_admin)
    for p in (a, ls, rm, pw, fa):
        p.add_argument("--db", help=db_help)
    b = sub.add_parser("backup", help="write a consistent copy of the database (and the uploaded originals) "
                                      "into DIR, also while the dashboard serves")
    b.add_argument("dir")
    b.add_argument("--db", help=db_help)
    b.set_defaults(func=cmd_backup)
    r = sub.add_parser("restore", help="put a backup file in place of the database (the current one is backed "
                                       "up first into backups/ beside it)")
    r.add_argument("file")
    r.add_argument("--db", help=db_help)
    r.set_defaults(func=cmd_restore)
    t = sub.add_parser("trash", help="回收站: list deleted documents, restore one, or empty it")
    t.add_argument("action", choices=["list", "restore", "empty"])
    t.add_argument("doc_id", nargs="?", help="document id (restore)")
    t.add_argument("--db", help=db_help)
    t.set_defaults(func=cmd_trash)


def _read_password(args, name: str) -> str | None:
    """The new password: generated, from stdin, or typed twice (never an argument: it would sit in
    the shell history and the process list)."""
    import getpass

    from perfeval.app import auth
    if getattr(args, "generate", False):
        return auth.generate_password()
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass(f"password for {name}: ")
    if getpass.getpass("again: ") != first:
        print("ERROR: the two passwords differ", file=sys.stderr)
        return None
    return first


def cmd_user_add(args: argparse.Namespace) -> int:
    from perfeval.app import auth
    db = args.db or store.default_db_path()
    password = _read_password(args, args.name)
    if password is None:
        return 1
    try:
        auth.add_user(db, args.name, args.role, password, actor=roles.cli_principal(),
                      regions=args.region, units=args.unit)
    except ValueError as exc:
        print(f"ERROR: {exc}", file=sys.stderr)
        return 1
    print(f"account {args.name} created: {args.role}"
          + (f", limited to {', '.join(args.region + args.unit)}" if args.region or args.unit else ""))
    if args.generate:
        print(f"password (shown once, not stored in clear anywhere): {password}")
    return 0


def cmd_user_list(args: argparse.Namespace) -> int:
    from perfeval.app import auth
    db = args.db or store.default_db_path()
    users = auth.list_users(db)
    if not users:
        print("no accounts (create one: python -m perfeval user add NAME --role admin)")
    for u in users:
        scope = ", ".join(list(u["regions"] if u["regions"] is not None else [])
                          + list(u["units"] if u["units"] is not None else [])) or "all"
        print(f"{u['name']:<24} {u['role']:<7} scope: {scope:<30} password set {u['password_changed_at']:%Y-%m-%d %H:%M}")
    return 0


def cmd_user_remove(args: argparse.Namespace) -> int:
    from perfeval.app import auth
    db = args.db or store.default_db_path()
    if not auth.remove_user(db, args.name, actor=roles.cli_principal()):
        print(f"ERROR: no account {args.name}", file=sys.stderr)
        return 1
    print(f"account {args.name} removed")
    return 0


def cmd_user_passwd(args: argparse.Namespace) -> int:
    from perfeval.app import auth
    db = args.db or store.default_db_path()
    password = _read_password(args, args.name)
    if password is None:
        return 1
    try:
        ok = auth.set_password(db, args.name, password, actor=roles.cli_principal())
    except ValueError as exc:
        print(f"ERROR: {exc}", file=sys.stderr)
        return 1
    if not ok:
        print(f"ERROR: no account {args.name}", file=sys.stderr)
        return 1
    print(f"password of {args.name} changed; its sessions have ended")
    if args.generate:
        print(f"password (shown once, not stored in clear anywhere): {password}")
    return 0


def cmd_user_first_admin(args: argparse.Namespace) -> int:
    from perfeval.app import auth
    db = args.db or store.default_db_path()
    if auth.list_users(db):
        print("Sign in (sidebar, 登录) with your account. Forgot the admin password? "
              f"python -m perfeval user passwd admin --generate --db {db}")
        return 0
    password = auth.generate_password()
    auth.add_user(db, "admin", "admin", password, actor=roles.cli_principal())
    print("=" * 72)
    print("First run: created the administrator account. Sign in in the sidebar (登录) with")
    print("    账号 admin")
    print(f"    密码 {password}")
    print("This password is shown only now (the database keeps an argon2 hash). Change it with")
    print(f"    python -m perfeval user passwd admin --db {db}")
    print("=" * 72)
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    from perfeval.app import uploads
    from perfeval.store import backup
    db = args.db or store.default_db_path()
    if not os.path.exists(db):
        print(f"ERROR: no database at {db}", file=sys.stderr)
        return 1
    target = backup.backup(db, args.dir, uploads.staging_root(db))
    print(f"wrote {target} ({target.stat().st_size:,} bytes)")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from perfeval.store import backup
    db = args.db or store.default_db_path()
    try:
        saved = backup.restore(args.file, db)
    except (ValueError, FileNotFoundError) as exc:
        print(f"ERROR: {exc}", file=sys.stderr)
        return 1
    print(f"restored {db} from {args.file}" + (f"; the replaced database is kept as {saved}" if saved else ""))
    return 0


def cmd_trash(args: argparse.Namespace) -> int:
    from perfeval.app import dbread, uploads
    db = args.db or store.default_db_path()
    if args.action == "list":
        df = dbread.run(db, "trash_documents", {})
        if df.empty:
            print("回收站 is empty")
        for r in df.itertuples():
            print(f"{r.doc_id}  {r.file_name}  {r.n_evaluations} evaluations  deleted {r.deleted_at:%Y-%m-%d %H:%M} "
                  f"by {r.deleted_by}")
        return 0
    actor = roles.cli_principal()
    if args.action == "restore":
        if not args.doc_id:
            print("ERROR: name the document id (see: trash list)", file=sys.stderr)
            return 1
        try:
            ok = uploads.restore(args.doc_id, db, actor=actor)
        except store.RestoreConflict as exc:
            print(f"ERROR: {exc}", file=sys.stderr)
            return 1
        print(f"restored {args.doc_id}" if ok else f"ERROR: {args.doc_id} is not in the 回收站")
        return 0 if ok else 1
    gone = uploads.purge(db, uploads.staging_root(db), actor=actor)
    print(f"removed {len(gone)} documents for good")
    return 0


def cmd_briefing(args: argparse.Namespace) -> int:
    from perfeval.app import briefing, dbread
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
    from perfeval.classify import taxonomy as classify
    from perfeval.store import problems
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
    from perfeval.bench import classify as bench_classify
    return bench_classify.main(argv)


def _bench_ingest_main(argv: list[str]) -> int:
    from perfeval.bench import ingest as bench_ingest
    return bench_ingest.main(argv)


def _bench_main(argv: list[str]) -> int:
    from perfeval.bench import dashboard as bench  # imported only when asked for: it pulls in the dashboard queries
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
