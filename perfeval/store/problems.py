"""Problem categories in the database: reclassify with an edited taxonomy, managers' corrections.

* ``reclassify(db)`` re-applies data/taxonomy.yaml to every stored problem statement (no
  re-ingest): one write transaction taken like an ingest (``store.writer`` waits for the lock),
  the problem rollups (``rollups.FINDINGS_TABLES``) rebuilt inside it. Corrected statements keep the manager's category.
* ``correct(db, eval_id, kind, seq, category)`` records a manager's category in
  ``finding_corrections`` (document sha256 + the statement's ``finding_key``) and applies it to
  every statement with that key in that document; ``clear_correction`` goes back to the
  classifier. ``store.apply_corrections`` is applied by ``store.save_documents``, so a deleted and
  re-ingested file gets its corrections back.
"""
from __future__ import annotations

import collections
import datetime as dt
import pathlib
from dataclasses import dataclass, field

import pandas as pd

from perfeval.classify import taxonomy as clf
from perfeval.store import audit, roles, rollups
from perfeval.store import writer as store


@dataclass
class Finding:
    eval_id: str
    kind: str
    seq: int
    doc_id: str
    sha256: str
    text: str
    category: str | None
    finding_key: str


def _finding(con, eval_id: str, kind: str, seq: int) -> Finding:
    row = con.execute("""
        SELECT f.eval_id, f.kind, f.seq, e.doc_id, d.sha256, f.text, f.category
        FROM findings f JOIN evaluations e ON e.eval_id = f.eval_id JOIN documents d ON d.doc_id = e.doc_id
        WHERE f.eval_id = ? AND f.kind = ? AND f.seq = ?""", [eval_id, kind, int(seq)]).fetchone()
    if row is None:
        raise LookupError(f"no finding {eval_id}/{kind}/{seq}")
    return Finding(*row, clf.finding_key(row[5]))


def _fill_keys(con, doc_id: str) -> None:
    """Databases from before finding_key existed: compute the keys of one document's statements."""
    rows = con.execute("""
        SELECT f.eval_id, f.kind, f.seq, f.text FROM findings f JOIN evaluations e ON e.eval_id = f.eval_id
        WHERE e.doc_id = ? AND f.finding_key IS NULL""", [doc_id]).fetchall()
    for eval_id, kind, seq, text in rows:
        con.execute("UPDATE findings SET finding_key = ? WHERE eval_id = ? AND kind = ? AND seq = ?",
                    [clf.finding_key(text), eval_id, kind, seq])


def _touch(con) -> None:
    con.execute("INSERT OR REPLACE INTO meta VALUES ('data_version', ?)", [dt.datetime.now().isoformat()])


def correct(db: str, eval_id: str, kind: str, seq: int, category: str, note: str | None = None,
            actor=None) -> int:
    """Set a problem's category by hand (and every identical statement of the same document).
    Waits for the write lock like an ingest; one transaction with its audit row; returns the
    statements changed. ``actor`` (perfeval.store.roles.Principal, default the OS user of a CLI run)
    must be an editor and, when scoped, see the statement's evaluation."""
    actor = actor or roles.cli_principal()
    actor.require("correct")
    if category not in clf.CODES:
        raise ValueError(f"unknown category {category!r}")
    with store.writer(db) as con:
        with store.data_change(con):
            f = _finding(con, eval_id, kind, seq)
            _require_in_scope(con, actor, eval_id)
            if f.kind != "problem":
                raise ValueError("only problem statements have a category")
            rollups.apply_findings(con, f.doc_id, -1)
            con.execute("""
                INSERT INTO finding_corrections VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT DO UPDATE SET category = EXCLUDED.category, corrected_at = EXCLUDED.corrected_at,
                                          note = EXCLUDED.note""",
                        [f.sha256, f.finding_key, category, f.category,
                         dt.datetime.now().replace(microsecond=0), (note or "").strip() or None, f.text[:60]])
            _fill_keys(con, f.doc_id)
            n = store.apply_corrections(con, f.doc_id, f.sha256)
            rollups.apply_findings(con, f.doc_id, 1)
            audit.record(con, actor, "correct", sha256=f.sha256, file_name=_file_name(con, f.doc_id),
                         finding_key=f.finding_key, old=f.category, new=category, result=f"{n} 条问题")
    return n


def clear_correction(db: str, eval_id: str, kind: str, seq: int, actor=None) -> bool:
    """Forget the manager's category of a statement: the classifier's category applies again.
    ``actor`` as for ``correct``; one audit row in the same transaction."""
    actor = actor or roles.cli_principal()
    actor.require("correct")
    with store.writer(db) as con:
        with store.data_change(con):
            f = _finding(con, eval_id, kind, seq)
            _require_in_scope(con, actor, eval_id)
            gone = con.execute("DELETE FROM finding_corrections WHERE sha256 = ? AND finding_key = ? RETURNING 1",
                               [f.sha256, f.finding_key]).fetchall()
            rows = con.execute("""
                SELECT f.eval_id, f.seq, f.text FROM findings f JOIN evaluations e ON e.eval_id = f.eval_id
                WHERE e.doc_id = ? AND f.kind = 'problem'""", [f.doc_id]).fetchall()
            same = [(e, s, t) for e, s, t in rows if clf.finding_key(t) == f.finding_key]
            rollups.apply_findings(con, f.doc_id, -1)
            tax = clf.load_taxonomy()
            for e, s, t in same:
                r = clf.classify(t, taxonomy=tax)
                con.execute("""UPDATE findings SET category = ?, categories_secondary = ?, matched_terms = ?,
                               match_score = ?, category_source = 'auto', finding_key = ?
                               WHERE eval_id = ? AND kind = 'problem' AND seq = ?""",
                            [r.category, ",".join(r.secondary) or None, "、".join(r.matched) or None, r.score,
                             f.finding_key, e, s])
            rollups.apply_findings(con, f.doc_id, 1)
            audit.record(con, actor, "uncorrect", sha256=f.sha256, file_name=_file_name(con, f.doc_id),
                         finding_key=f.finding_key, old=f.category,
                         new=clf.classify(f.text, taxonomy=tax).category, result=f"{len(same)} 条问题")
    return bool(gone)


def _file_name(con, doc_id: str) -> str | None:
    row = con.execute("SELECT file_name FROM documents WHERE doc_id = ?", [doc_id]).fetchone()
    return row[0] if row else None


def _require_in_scope(con, actor, eval_id: str) -> None:
    """A scoped account changes only what it may see."""
    if not actor.scoped:
        return
    row = con.execute("SELECT region, unit FROM evaluations WHERE eval_id = ?", [eval_id]).fetchone()
    if row is None or not ((not actor.regions or row[0] in actor.regions) and (not actor.units or row[1] in actor.units)):
        raise roles.PermissionDenied("没有权限：这条问题所属的评价不在您的可见范围内。")


@dataclass
class ReclassifySummary:
    taxonomy: str
    version: str
    fingerprint: str
    problems: int = 0
    changed: int = 0
    manual: int = 0
    before: collections.Counter = field(default_factory=collections.Counter)
    after: collections.Counter = field(default_factory=collections.Counter)
    moves: collections.Counter = field(default_factory=collections.Counter)  # (old, new) → n

    def lines(self, labels: dict[str, str]) -> list[str]:
        out = [f"reclassified {self.problems} problem statements with {self.taxonomy} "
               f"(version {self.version}, {self.fingerprint}): {self.changed} changed category, "
               f"{self.manual} kept a manual correction"]
        for code in clf.CODES:
            b, a = self.before.get(code, 0), self.after.get(code, 0)
            if a or b:
                out.append(f"  {code:<21} {labels.get(code, code)}: {b} → {a} ({a - b:+d})")
        for (old, new), n in self.moves.most_common():
            out.append(f"  moved {old or '(none)'} → {new}: {n}")
        return out


def reclassify(db: str, taxonomy_path: str | None = None, dry_run: bool = False, actor=None) -> ReclassifySummary:
    """Re-apply the taxonomy to every stored problem statement in one transaction (with its audit
    row unless ``dry_run``). ``actor``: an admin (default the OS user of a CLI run)."""
    actor = actor or roles.cli_principal()
    actor.require("reclassify")
    tax = clf.load_taxonomy(taxonomy_path)
    summary = ReclassifySummary(str(taxonomy_path or clf.TAXONOMY_FILE), tax.version, tax.fingerprint)
    with store.writer(db) as con, store.every_core(con):
        con.execute("BEGIN TRANSACTION")
        try:
            rows = con.execute("""
                SELECT f.eval_id, f.kind, f.seq, f.text, f.category, d.sha256
                FROM findings f JOIN evaluations e ON e.eval_id = f.eval_id JOIN documents d ON d.doc_id = e.doc_id
                """).fetchall()
            fixes = {(s, k): c for s, k, c in con.execute(
                "SELECT sha256, finding_key, category FROM finding_corrections").fetchall()}
            out = []
            for eval_id, kind, seq, text, old, sha in rows:
                key = clf.finding_key(text)
                if kind != "problem":
                    out.append((eval_id, kind, seq, key, old, None, None, None, None))
                    continue
                r = clf.classify(text, taxonomy=tax)
                cat, secondary, source = r.category, r.secondary, "auto"
                manual = fixes.get((sha, key))
                if manual:
                    cat, source = manual, "manual"
                    secondary = [c for c in secondary if c != manual]
                    summary.manual += 1
                summary.problems += 1
                summary.before[old or "other"] += 1
                summary.after[cat] += 1
                if (old or "other") != cat:
                    summary.changed += 1
                    summary.moves[(old, cat)] += 1
                out.append((eval_id, kind, seq, key, cat, ",".join(secondary) or None,
                            "、".join(r.matched) or None, r.score, source))
            if not dry_run and out:
                df = pd.DataFrame(out, columns=["eval_id", "kind", "seq", "finding_key", "category",
                                                "categories_secondary", "matched_terms", "match_score",
                                                "category_source"])
                con.register("reclassified", df)
                con.execute("""
                    UPDATE findings f SET finding_key = r.finding_key, category = r.category,
                           categories_secondary = r.categories_secondary, matched_terms = r.matched_terms,
                           match_score = r.match_score, category_source = r.category_source
                    FROM reclassified r
                    WHERE f.eval_id = r.eval_id AND f.kind = r.kind AND f.seq = r.seq""")
                con.unregister("reclassified")
                rollups.rebuild_findings(con, tax)  # the advice is classified with the same taxonomy
                _touch(con)
                audit.record(con, actor, "reclassify", file_name=pathlib.Path(summary.taxonomy).name,
                             old=None, new=f"{tax.version} ({tax.fingerprint})",
                             result=f"{summary.changed} of {summary.problems} changed category")
            con.execute("ROLLBACK" if dry_run else "COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    return summary
