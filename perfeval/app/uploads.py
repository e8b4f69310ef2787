"""Uploads for the 数据导入 page: stage, check, preview, commit, delete.

* ``stage``: the uploaded bytes go to ``<staging>/<sha256[:16]>/<safe name>`` (staging is
  ``uploads/`` beside the database file unless ``$PERFEVAL_UPLOADS`` says otherwise); the name is
  cleaned by ``safe_name`` so it can never leave its folder.
* ``check``: decides, without touching the database, whether a file would load: the parsed
  evaluations and their checks for the preview, "already loaded" (same sha256), or refused with
  the reason in Chinese (``chinese_reason``: one table mapping the readers' English reasons).
* ``commit`` writes the ready files (one transaction per document, ``perfeval.pipeline.save``) and
  ``delete`` moves a document with every row derived from it to the 回收站
  (``store.delete_document``; ``restore`` and ``purge`` bring it back or empty it); each takes the
  acting principal (perfeval.app.auth), checks its role and writes the audit row; while
  they write, this process's dashboard readers wait (``store.writer`` enters ``dbread.exclusive``),
  and afterwards the cached query results are dropped, so every page shows the change at once.
"""
from __future__ import annotations

import hashlib
import os
import pathlib
import re
import shutil
import time
import unicodedata
from dataclasses import dataclass, field, replace
from typing import Callable

import pandas as pd

from perfeval.app import dbread
from perfeval.ingest.readers import MAX_FILE_BYTES, ReadError, prepare, sniff_format
from perfeval.ingest.readers.archive import is_zip_archive, read_members
from perfeval.ingest.readers.text import DecodeError, decode_text
from perfeval.pipeline import SUPPORTED_SUFFIXES, IngestError, Parsed, parse_bytes, save
from perfeval.store import writer as store
from perfeval.store.roles import Principal

MAX_NAME_CHARS = 100
MAX_NAME_BYTES = 200  # file systems allow 255 bytes; a Chinese character takes 3 in UTF-8
FORMAT_LABELS = {"txt": "文本文件", "docx": "Word 文档（.docx）", "xlsx": "Excel 工作簿（.xlsx）",
                 "pdf": "PDF 文件", "doc": "旧版 Word/WPS 文档（.doc/.wps）", "xls": "旧版 Excel/WPS 表格（.xls/.et）",
                 "html": "网页（.html）", "mht": "网页存档（.mht）", "image": "图片（扫描件或照片）",
                 "rtf": "RTF 文档"}
SUFFIX_FORMATS = {".txt": "txt", ".docx": "docx", ".xlsx": "xlsx", ".pdf": "pdf", ".doc": "doc", ".wps": "doc",
                  ".xls": "xls", ".et": "xls", ".html": "html", ".htm": "html", ".mht": "mht", ".mhtml": "mht",
                  ".png": "image", ".jpg": "image", ".jpeg": "image", ".tif": "image", ".tiff": "image",
                  ".bmp": "image", ".rtf": "rtf"}
# Contents that office software and portals really save under another format's suffix: Word's RTF
# (and web pages) named .doc, and the "Excel" exports of portals that are HTML tables.
COMPATIBLE = {("doc", "rtf"), ("doc", "html"), ("xls", "html")}
# What the page says it accepts (a .zip of such files too).
ACCEPTED = ".txt、.docx、.xlsx、.pdf、.doc、.xls、.wps、.et、.html、.mht、.png、.jpg，以及装有这些文件的 .zip 压缩包"
_LIMIT_MB = MAX_FILE_BYTES // (1024 * 1024)
# What the browser may send (.streamlit/config.toml server.maxUploadSize and the uploader's own
# limit): above MAX_FILE_BYTES, so a file between the two reaches ``too_large`` and is refused in
# Chinese in the page's list. Only a file above this ceiling meets Streamlit's own (English) refusal.
UPLOAD_CEILING_MB = 200

# English reason of perfeval.ingest.readers / perfeval.pipeline (a regex searched in it) → Chinese message.
# The first match wins; a reason matching none is shown as GENERIC_REASON plus the English text.
REASONS: list[tuple[str, str]] = [
    (r"^empty file", "文件是空的，没有任何内容。"),
    (r"^truncated text", "文件不完整：内容在一个汉字的中间中断，可能只上传或保存了一部分。请上传完整的文件。"),
    (r"larger than \d+ MB", f"文件超过 {_LIMIT_MB} MB 的上限，未读取。"),
    (r"zip bomb", "文件解压后的体积异常巨大（疑似“压缩炸弹”），为安全起见已拒绝。"),
    (r"broken zip archive",
     "Office 文件已损坏或不完整（压缩包结构缺失，可能是文件只传了一半）。请在 Word/Excel 中重新另存后再上传。"),
    (r"neither a \.docx nor a \.xlsx", "这是普通的 zip 压缩包，不是 Word（.docx）或 Excel（.xlsx）文件。请解压后上传其中的报告文件。"),
    # archive members (perfeval.ingest.readers.archive)
    (r"^refused: .* files are not supported", f"不支持的文件类型（压缩包中的这个文件不是报告文件）。可以导入的文件：{ACCEPTED}。"),
    (r"leaves the archive", "压缩包中的这个文件路径指向压缩包之外（含“..”或绝对路径），为安全起见已拒绝。"),
    (r"member is encrypted", "压缩包中的这个文件设有密码，无法读取。请解压后单独上传。"),
    (r"archive inside the archive", "压缩包里又套了一个压缩包，不会逐层解压。请先解压，再上传其中的文件。"),
    (r"corrupt zip archive|cannot unpack it", "压缩包已损坏或不完整，无法解压。"),
    (r"the archive holds \d+ entries", "压缩包中的文件数量过多，未读取。请分批打包上传。"),
    (r"archive unpacks to more than", "压缩包解压后的总体积过大，未读取其余文件。请分批打包上传。"),
    (r"archive holds no report files", "压缩包中没有可以导入的报告文件。"),
    (r"Office file is password-protected|Word file is password-protected",
     "Office 文件设有密码（打开密码），无法读取。请在 Word/Excel/WPS 中去掉密码后重新保存再上传。"),
    (r"corrupt \.doc/\.xls|LibreOffice could not convert",
     "旧版 Word/Excel（.doc/.xls/.wps/.et）文件已损坏或无法转换。请在 Word/Excel/WPS 中打开后另存为 .docx/.xlsx 再上传。"),
    (r"neither a Word \(\.doc/\.wps\) nor an Excel",
     "这是 Office 复合文档，但既不是 Word 文档也不是 Excel 表格（例如 PowerPoint），无法识别。"),
    (r"LibreOffice is needed", "服务器缺少读取 .doc/.xls/.wps/.et 所需的 LibreOffice，请联系管理员安装，或先另存为 .docx/.xlsx 再上传。"),
    (r"LibreOffice did not finish", "旧版 Office 文件转换超时，未导入。请另存为 .docx/.xlsx 后再上传。"),
    (r"not a readable web page|web archive \(\.mht\) without",
     "网页文件无法读取：编码或结构无法识别。请在浏览器中重新保存网页（或另存为 .docx）后再上传。"),
    (r"corrupt or unsupported image", "图片文件已损坏或格式不受支持（支持 PNG、JPG、TIFF、BMP）。"),
    (r"no text could be read from the image",
     "图片中没有识别出文字（可能是空白页、过于模糊或不是文件）。请上传清晰的扫描件（建议 150 dpi 以上）。"),
    (r"OCR needs", "服务器缺少文字识别（OCR）组件，扫描件和图片暂时无法导入，请联系管理员。"),
    (r"PDF is password-protected", "PDF 文件设有密码或经过加密，无法读取。请去掉密码（或提供 Word 文件）后再上传。"),
    (r"PDF has no text",
     "PDF 中没有可提取的文字：既没有文字层，文字识别（OCR）也没有读出文字。请提供清晰的扫描件或 Word 文件。"),
    (r"fonts carry no Unicode mapping", "PDF 的字体缺少字符映射，文字无法正确提取。请提供 Word 文件或经过文字识别（OCR）的 PDF。"),
    (r"corrupt or unsupported PDF|cannot read the PDF", "PDF 文件已损坏或不完整，无法读取。"),
    (r"cannot open the \.docx", "Word 文件已损坏或格式异常，无法打开。请在 Word 中重新另存为 .docx 后再上传。"),
    (r"cannot open the \.xlsx", "Excel 文件已损坏或格式异常，无法打开。请在 Excel 中重新另存为 .xlsx 后再上传。"),
    (r"not a readable text file",
     "无法识别文件内容：既不是 Word、Excel、PDF 文件，也不是 UTF-8、GB18030 或 UTF-16 编码的文本。"),
    (r"contains no text", "文件中没有文字内容。"),
    (r"files are not supported", "不支持这种文件格式。"),
    (r"no recognisable evaluation",
     "文件中没有找到可识别的绩效评价：没有包含得分、预算、支出或指标表的项目或部门评价。"
     "请确认这是预算绩效自评表、评价报告或评价结果信息表（如果文件不完整，也会出现此提示）。"),
]
GENERIC_REASON = "无法导入该文件（读取时出现未归类的问题）。"


def chinese_reason(reason: str) -> str:
    """The Chinese message for an English reason of the readers/ingest (the one table above)."""
    for pattern, text in REASONS:
        if re.search(pattern, reason, re.I):
            return text
    return GENERIC_REASON


# ---- file names and staging ------------------------------------------------------------------

_FORBIDDEN = re.compile(r'[<>:"|?*]')


def safe_name(name: str, default: str = "upload") -> str:
    """A file name that stays inside its folder: the last path component (``/`` and ``\\`` both
    count as separators), without control or format characters, ``<>:"|?*`` replaced, no leading
    dots or spaces (so never ``.`` or ``..``), at most MAX_NAME_CHARS characters and
    MAX_NAME_BYTES bytes of UTF-8 with the extension kept. Chinese is kept as it is."""
    name = unicodedata.normalize("NFC", str(name or ""))
    name = re.split(r"[/\\]", name)[-1][:1000]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")  # Cc, Cf, Cs, Co, Cn
    name = _FORBIDDEN.sub("_", name).strip().lstrip(". ").rstrip(". ")
    if not name:
        return default
    stem, dot, ext = name.rpartition(".")
    if not dot or not stem or len(ext) > 10:
        stem, ext = name, ""
    ext = ("." + ext) if ext else ""
    while stem and (len(stem) + len(ext) > MAX_NAME_CHARS or len((stem + ext).encode("utf-8")) > MAX_NAME_BYTES):
        stem = stem[:-1]
    return (stem.rstrip(". ") or default) + ext


def safe_path(name: str) -> str:
    """A member's path inside an archive, kept for display and as its document's name: each part
    cleaned by ``safe_name``, ".." and empty parts dropped. Staging still uses the last part."""
    parts = [p for p in re.split(r"[/\\]", str(name or "")) if p.strip(". ")]
    return "/".join(safe_name(p) for p in parts[-8:]) or safe_name(name)


def staging_root(db: str | None = None) -> pathlib.Path:
    env = os.environ.get("PERFEVAL_UPLOADS")
    if env:
        return pathlib.Path(env)
    return pathlib.Path(db or dbread.db_path()).resolve().parent / "uploads"


def stage(data: bytes, name: str, root: pathlib.Path) -> pathlib.Path:
    """Write the bytes to ``root/<sha256[:16]>/<safe name>`` and return that path."""
    root = pathlib.Path(root).resolve()
    folder = root / hashlib.sha256(data).hexdigest()[:16]
    path = folder / safe_name(name)
    if path.resolve().parent != folder or not path.resolve().is_relative_to(root):  # defence in depth
        raise ValueError(f"unsafe upload name {name!r}")
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / f".{path.name}.{os.getpid()}.part"
    tmp.write_bytes(data)
    os.replace(tmp, path)
    return path


def unstage(doc_id: str, root: pathlib.Path) -> None:
    """Remove a document's staging folder (after a refusal or a delete)."""
    if re.fullmatch(r"[0-9a-f]{16}", doc_id or ""):
        shutil.rmtree(pathlib.Path(root) / doc_id, ignore_errors=True)


def prune(root: pathlib.Path, db: str | None = None, older_than: float = 24 * 3600) -> list[str]:
    """Remove the staging folders of uploads previewed but never committed, once older than a
    day (a loaded document, or one in the 回收站, keeps its staged original). Returns the removed
    folder names."""
    root = pathlib.Path(root)
    if not root.is_dir():
        return []
    now = time.time()
    old = []
    for d in root.iterdir():
        try:
            if d.is_dir() and re.fullmatch(r"[0-9a-f]{16}", d.name) and now - d.stat().st_mtime > older_than:
                old.append(d.name)
        except OSError:
            pass
    if not old:
        return []
    path = db or dbread.db_path()
    keep = set()
    if dbread.status(path) not in ("missing", "uninitialised"):
        keep = set(dbread.run(path, "documents_by_sha", {"shas": None, "doc_ids": old})["doc_id"])
        # a document in the 回收站 keeps its original until the 回收站 is emptied
        keep |= set(dbread.run(path, "trash_documents", {})["doc_id"])
    removed = [d for d in old if d not in keep]
    for d in removed:
        shutil.rmtree(root / d, ignore_errors=True)
    return removed


# ---- checking (no database write) ------------------------------------------------------------

@dataclass
class Checked:
    """One uploaded file after ``check``: status ``ready``, ``duplicate`` (already loaded) or ``refused``."""
    name: str
    size: int
    sha256: str
    status: str
    message: str = ""        # Chinese, for the user
    detail: str = ""         # the English reason, for support
    parsed: Parsed | None = None
    loaded_as: dict = field(default_factory=dict)  # for "duplicate": the copy in the database
    staged: pathlib.Path | None = None

    @property
    def doc_id(self) -> str:
        return self.sha256[:16]

    def counts(self) -> dict[str, int]:
        return self.parsed.counts() if self.parsed else {}


def _suffix(name: str) -> str:
    return pathlib.PurePosixPath(safe_name(name)).suffix.lower()


def check(data: bytes, name: str, *, db: str | None = None, root: pathlib.Path | None = None,
          loaded: dict[str, dict] | None = None) -> Checked:
    """Stage and parse one upload for the preview; the database is only read (already loaded?).

    ``loaded``: sha256 → row of the documents already in the database (``loaded_documents``)."""
    sha = hashlib.sha256(data).hexdigest()
    out = Checked(name=safe_path(name), size=len(data), sha256=sha, status="refused")

    def refuse(message: str, detail: str = "") -> Checked:
        out.message, out.detail = message, detail
        return out

    if not data or not data.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        return refuse(chinese_reason("empty file"), "empty file")
    if len(data) > MAX_FILE_BYTES:
        big = too_large(name, len(data))
        return refuse(big.message, big.detail)
    suffix = _suffix(name)
    if suffix not in SUPPORTED_SUFFIXES:
        shown = f"（{suffix}）" if suffix else "（文件名没有扩展名）"
        return refuse(f"不支持的文件类型{shown}。可以导入的文件：{ACCEPTED}。", f"unsupported suffix {suffix!r}")
    if loaded is None:
        loaded = loaded_documents(db, [sha])
    if sha in loaded:
        out.status = "duplicate"
        out.loaded_as = loaded[sha]
        out.message = "已导入过（内容完全相同的文件已在数据库中），不会重复导入。"
        return out
    try:
        actual = sniff_format(data)
    except ReadError as exc:
        return refuse(chinese_reason(str(exc)), str(exc))
    claimed = SUFFIX_FORMATS[suffix]
    if actual != claimed and (claimed, actual) not in COMPATIBLE:
        if actual == "txt" and not _is_text(data):  # sniff_format's fallback, not a text file
            what, found = "无法识别的内容（既不是 Word、Excel、PDF，也不是文本）", "unrecognised (no known format, not text)"
        else:
            what, found = FORMAT_LABELS.get(actual, actual), actual
        return refuse(f"文件扩展名与内容不符：扩展名是 {suffix}，但内容不是{FORMAT_LABELS[claimed]}，而是{what}。"
                      "请确认文件无误，并使用与内容一致的扩展名重新上传。",
                      f"extension {suffix} but content {found}")
    if actual == "txt" and _ends_inside_a_character(data):
        reason = "truncated text (the last character is cut off)"
        return refuse(chinese_reason(reason), reason)
    try:
        parsed = parse_bytes(data, out.name)
    except IngestError as exc:
        return refuse(chinese_reason(str(exc)), str(exc))
    except Exception as exc:  # an extractor bug must not break the page
        return refuse(GENERIC_REASON, f"{type(exc).__name__}: {exc}")
    out.status, out.parsed = "ready", parsed
    c = parsed.counts()
    out.message = (f"可以导入：{c['evaluations']} 项评价、{c['indicators']} 个指标、"
                   f"{c['findings']} 条问题与建议、{c['checks']} 条数据质量提示。")
    if root is not None:
        out.staged = stage(data, name, root)
    return out


def too_large(name: str, size: int) -> Checked:
    """The refusal of a file over MAX_FILE_BYTES, from its size alone (the page checks sizes
    itself, before reading the bytes, so the refusal is listed in Chinese like any other)."""
    message = (f"文件大小 {size / (1024 * 1024):,.1f} MB，超过 {_LIMIT_MB} MB 的单个文件上限，未读取。"
               "请拆分文件或删去其中的图片后再上传。")
    return Checked(name=safe_name(name), size=size, sha256="", status="refused", message=message,
                   detail=f"larger than {_LIMIT_MB} MB: {size:,} bytes, limit {MAX_FILE_BYTES:,} bytes")


def expand_archives(files: list[tuple[str, bytes]]) -> list[tuple[str, bytes | None, str | None]]:
    """(name, bytes, None) per uploaded file; a .zip archive gives one (path in the archive,
    bytes, None) per member, or (path, None, English reason) for a member it refuses."""
    out: list[tuple[str, bytes | None, str | None]] = []
    for name, data in files:
        if not is_zip_archive(data):
            out.append((name, data, None))
            continue
        members = read_members(data)
        if not members:
            out.append((name, None, "the archive holds no report files"))
        for m in members:
            out.append((m.name or name, m.data, m.error))
    return out


def check_all(files: list[tuple[str, bytes]], *, db: str | None = None, root: pathlib.Path | None = None,
              memo: dict | None = None, progress: Callable[[int, int, str], None] | None = None) -> list[Checked]:
    """``check`` for a batch of (name, bytes), archives expanded into their members: each file
    parsed once per session (``memo``), the "already loaded" state read from the database every
    time, and a file whose content repeats an earlier one of the batch marked as such (it would be
    loaded once). ``progress(done, total, name)`` is called before and after each file."""
    memo = {} if memo is None else memo
    entries = expand_archives(files)
    shas = [hashlib.sha256(data or b"").hexdigest() for _, data, _ in entries]
    loaded = loaded_documents(db, [sha for sha, (_, data, _) in zip(shas, entries) if data is not None])
    prepare([data for _, data, _ in entries if data is not None])  # one LibreOffice run for every .doc/.xls
    out: list[Checked] = []
    first: dict[str, str] = {}
    for i, ((name, data, refused), sha) in enumerate(zip(entries, shas)):
        if progress:
            progress(i, len(entries), name)
        if refused is not None:
            out.append(Checked(name=safe_path(name), size=0, sha256=sha, status="refused",
                               message=chinese_reason(refused), detail=refused))
            continue
        key = (sha, name)
        if key not in memo:
            memo[key] = check(data, name, db=db, root=root, loaded={})
        item = memo[key]
        if sha in loaded and item.status != "refused":
            item = replace(item, status="duplicate", loaded_as=loaded[sha],
                           message="已导入过（内容完全相同的文件已在数据库中），不会重复导入。")
        elif sha in first and item.status != "refused":
            item = replace(item, status="duplicate",
                           message=f"与本次选择的文件「{first[sha]}」内容完全相同，只导入一次。")
        first.setdefault(sha, item.name)
        out.append(item)
    if progress:
        progress(len(entries), len(entries), "")
    return out


def _is_text(data: bytes) -> bool:
    try:
        decode_text(data)
    except DecodeError:
        return False
    return True


def _ends_inside_a_character(data: bytes) -> bool:
    """True when the text is valid UTF-8 or GB18030 except for a multi-byte character cut off at
    its very end, or UTF-16 (with BOM) of odd length: the sign of a file cut short."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return len(data) % 2 == 1
    for enc in ("utf-8", "gb18030"):
        try:
            data.decode(enc)
            return False
        except UnicodeDecodeError as exc:
            if exc.end >= len(data) and exc.start >= len(data) - 3:
                try:
                    data[:exc.start].decode(enc)
                    return True
                except UnicodeDecodeError:
                    pass
    return False


def loaded_documents(db: str | None, shas: list[str]) -> dict[str, dict]:
    """sha256 → {doc_id, file_name, ingested_at} for those of ``shas`` already in the database."""
    path = db or dbread.db_path()
    if not shas or dbread.status(path) in ("missing", "uninitialised"):
        return {}
    df = dbread.run(path, "documents_by_sha", {"shas": list(shas), "doc_ids": None})
    return {r["sha256"]: r for r in df.to_dict("records")}


def preview_frames(parsed: Parsed) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The evaluations (one row each) and their checks of a parsed file, for the preview tables."""
    rows, checks = [], []
    for ev in parsed.evaluations:
        c = ev.candidate
        rows.append({"unit": c.get("unit"), "year": c.get("year"), "project": c.get("project"),
                     "scope": c.get("scope"), "source_kind": c.get("source_kind"),
                     "budget_yuan": c.get("budget_yuan"), "spent_yuan": c.get("spent_yuan"),
                     "execution_rate": c.get("execution_rate"), "score": c.get("score"),
                     "grade": c.get("grade") or c.get("grade_from_score"),
                     "n_indicators": len(c.indicators), "n_findings": len(c.findings), "n_checks": len(ev.checks)})
        for k in ev.checks:
            checks.append({"project": c.get("project"), "severity": k.severity, "rule": k.rule,
                           "message": k.message})
    return (pd.DataFrame(rows), pd.DataFrame(checks, columns=["project", "severity", "rule", "message"]))


# ---- writing ---------------------------------------------------------------------------------

@dataclass
class Committed:
    name: str
    status: str   # loaded | skipped | failed
    message: str
    counts: dict = field(default_factory=dict)


def commit(items: list[Checked], db: str | None = None, *, actor: Principal) -> list[Committed]:
    """Load the ready files, one transaction per document (with its audit row); the others are
    reported unchanged. ``actor`` must be allowed to upload (PermissionDenied before anything)."""
    actor.require("upload")
    path = db or dbread.db_path()
    out: list[Committed] = []
    ready = [c for c in items if c.status == "ready" and c.parsed is not None]
    if ready:
        with store.writer(path) as con:  # holds this process's readers off (dbread.exclusive)
            for item in ready:
                try:
                    loaded = save(con, item.parsed, actor)
                except Exception as exc:  # the document's transaction was rolled back
                    out.append(Committed(item.name, "failed", f"写入数据库失败，该文件未导入（{type(exc).__name__}: {exc}）。"))
                    continue
                c = item.parsed.counts()
                if loaded:
                    out.append(Committed(item.name, "loaded",
                                         f"已导入：{c['evaluations']} 项评价、{c['indicators']} 个指标、"
                                         f"{c['findings']} 条问题与建议、{c['checks']} 条数据质量提示。", c))
                else:
                    out.append(Committed(item.name, "skipped", "已导入过（内容相同的文件已在数据库中），未重复导入。"))
        dbread.invalidate()
        if ready[0].staged is not None:
            prune(ready[0].staged.parent.parent, path)
    for item in items:
        if item not in ready:
            out.append(Committed(item.name, "skipped" if item.status == "duplicate" else "failed", item.message))
    return out


def delete(doc_id: str, db: str | None = None, root: pathlib.Path | None = None, *, actor: Principal) -> bool:
    """Move one document and every row derived from it to the 回收站 (one transaction with its
    audit row). Its original stays in the staging folder until the 回收站 is emptied."""
    actor.require("delete")
    path = db or dbread.db_path()
    with store.writer(path) as con:  # holds this process's readers off (dbread.exclusive)
        done = store.delete_document(con, doc_id, actor)
    dbread.invalidate()
    return done


def restore(doc_id: str, db: str | None = None, *, actor: Principal) -> bool:
    """Bring a document back from the 回收站 (``store.restore_document``)."""
    actor.require("restore")
    path = db or dbread.db_path()
    with store.writer(path) as con:
        done = store.restore_document(con, doc_id, actor)
    dbread.invalidate()
    return done


def purge(db: str | None = None, root: pathlib.Path | None = None, *, actor: Principal,
          doc_ids: list[str] | None = None) -> list[str]:
    """Empty the 回收站 for good and remove the originals of what it held (unless the same file
    is loaded again)."""
    actor.require("purge")
    path = db or dbread.db_path()
    with store.writer(path) as con:
        gone = store.purge_trash(con, actor, doc_ids)
        live = {d for (d,) in con.execute("SELECT doc_id FROM documents WHERE list_contains(?, doc_id)",
                                          [gone]).fetchall()}
    dbread.invalidate()
    if root is not None:
        for doc_id in gone:
            if doc_id not in live:
                unstage(doc_id, root)
    return gone
