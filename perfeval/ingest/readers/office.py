"""Reader for the binary Office formats (.doc, .xls, and Kingsoft WPS's .wps and .et, which are the
same compound-file formats) and RTF: LibreOffice converts Word-like files to its HTML and Excel-like
ones to .xlsx, whose readers do the rest.

Why LibreOffice: it is the maintained reader of these formats (merged cells, nested tables, the
code pages of old Chinese files), and going through formats perfeval already reads means one
rendering and one set of line numbers for every Word-like or Excel-like file. Measured here
(LibreOffice 7.4, one core): a conversion costs ≈1.3 s of start-up plus ≈0.1 s per document, so
documents are converted in batches (`prepare`) — the ingest loop hands the reader the next files
ahead of time — and a single upload pays the start-up once. xlrd would read .xls faster but not
.doc, .wps or .et, and would be a second path for merged cells and number formats to disagree on.

Each conversion runs `soffice --headless --convert-to` as a subprocess in its own process group,
with a private profile folder (two LibreOffice processes sharing one profile block each other),
no network use, and a time limit after which the whole group is killed.
"""
from __future__ import annotations

import atexit
import hashlib
import io
import os
import pathlib
import shutil
import signal
import subprocess
import tempfile
import threading
from collections import OrderedDict

from perfeval.ingest.model import Document
from perfeval.ingest.readers import ReadError

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
RTF_MAGIC = b"{\\rtf"
INSTALL_HINT = ("LibreOffice is needed to read .doc/.xls/.wps/.et files and is not installed; "
                "install it with `apt-get install libreoffice-writer-nogui libreoffice-calc-nogui` "
                "(Debian/Ubuntu), or save the file as .docx/.xlsx")
# Start-up plus this much per document, for the time limit of one conversion.
TIMEOUT_BASE_S = 60.0
TIMEOUT_PER_DOC_S = 10.0
# Word-like files become LibreOffice's own HTML: its export costs ~40% less than .docx's (measured on
# 48 report .doc files: 6.0 s against 10.2 s on one core; the import is the same), and keeps
# paragraphs and tables with their merged cells (rowspan/colspan) for the web-page reader.
WORD_TARGET = "html:HTML (StarWriter)"
_CACHE_MAX = 64  # converted documents kept for the reader (prepared ahead of reading)

_lock = threading.Lock()  # one conversion at a time per process (one profile)
_profile: pathlib.Path | None = None
_cache: OrderedDict[str, bytes] = OrderedDict()


def ole_kind(data: bytes) -> str:
    """'doc' or 'xls' for a Word or Excel compound file (WPS writes the same streams); raises
    ReadError for encrypted, other or broken compound files."""
    import olefile

    try:
        ole = olefile.OleFileIO(io.BytesIO(data))
    except Exception as exc:  # olefile raises its own and OSError for broken headers
        raise ReadError(f"corrupt .doc/.xls file (broken compound file: {exc})") from exc
    with ole:
        streams = {"/".join(entry) for entry in ole.listdir()}
        if "EncryptedPackage" in streams or "EncryptionInfo" in streams:
            raise ReadError("the Office file is password-protected; remove the password and save "
                            "it again")
        if "WordDocument" in streams:
            fib = ole.openstream("WordDocument").read(12)
            if len(fib) >= 12 and fib[11] & 0x01:  # FIB fEncrypted
                raise ReadError("the Word file is password-protected; remove the password and "
                                "save it again")
            return "doc"
        if "Workbook" in streams or "Book" in streams:
            return "xls"
    raise ReadError("a compound Office file that is neither a Word (.doc/.wps) nor an Excel "
                    "(.xls/.et) document")


def soffice() -> str:
    path = shutil.which("soffice") or shutil.which("libreoffice")
    if not path:
        raise ReadError(INSTALL_HINT)
    return path


def _profile_dir() -> pathlib.Path:
    global _profile
    if _profile is None:
        _profile = pathlib.Path(tempfile.mkdtemp(prefix="perfeval-lo-"))
        atexit.register(shutil.rmtree, _profile, True)
    return _profile


def _key(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# Office 2003's XML formats: an Excel workbook or a Word document saved as one XML file.
OFFICE_2003_XML = (b"urn:schemas-microsoft-com:office:spreadsheet", b"http://schemas.microsoft.com/office/word/2003/wordml")


def is_office(data: bytes) -> bool:
    """A file LibreOffice reads for us: compound Office files, RTF, Office 2003 XML."""
    return data[:8] == OLE_MAGIC or data[:5] == RTF_MAGIC or office_2003_xml(data) is not None


def office_2003_xml(data: bytes) -> str | None:
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if not head.startswith(b"<?xml"):
        return None
    if OFFICE_2003_XML[0] in head:
        return "xls"
    if OFFICE_2003_XML[1] in head:
        return "doc"
    return None


def office_kind(data: bytes) -> str:
    """'doc', 'xls', 'rtf' (Word can save an RTF file under a .doc name, and often did), or
    'xml' for the XML formats of Office 2003 that systems still export as .xls/.doc."""
    if data[:5] == RTF_MAGIC:
        return "rtf"
    if data[:8] == OLE_MAGIC:
        return ole_kind(data)
    return "xmlxls" if office_2003_xml(data) == "xls" else "xmldoc"


def prepare(datas: list[bytes]) -> None:
    """Convert every binary Office file among `datas` in one LibreOffice run, for the reader to
    find. Files that fail here are left to the reader, which converts them alone and reports why."""
    todo: dict[str, tuple[bytes, str]] = {}
    for data in datas:
        if not is_office(data) or _key(data) in _cache:
            continue
        try:
            todo[_key(data)] = (data, office_kind(data))
        except ReadError:
            continue
    if todo:
        try:
            _convert(todo)
        except ReadError:
            pass


def _convert(todo: dict[str, tuple[bytes, str]]) -> dict[str, bytes]:
    """Convert {key: (bytes, kind)} with one soffice run per target format; cache the results."""
    exe = soffice()
    out: dict[str, bytes] = {}
    with _lock, tempfile.TemporaryDirectory(prefix="perfeval-convert-") as tmp:
        work = pathlib.Path(tmp)
        for kind, target in (("doc", WORD_TARGET), ("rtf", WORD_TARGET), ("xmldoc", WORD_TARGET),
                             ("xls", "xlsx:Calc MS Excel 2007 XML"), ("xmlxls", "xlsx:Calc MS Excel 2007 XML")):
            names = []
            for key, (data, k) in todo.items():
                if k == kind:
                    src = work / f"{key}.{kind.removeprefix('xml') if kind.startswith('xml') else kind}"
                    src.write_bytes(data)
                    names.append(str(src))
            if not names:
                continue
            outdir = work / "out"
            _run([exe, f"-env:UserInstallation={_profile_dir().as_uri()}", "--headless", "--norestore",
                  "--nolockcheck", "--convert-to", target, "--outdir", str(outdir), *names],
                 TIMEOUT_BASE_S + TIMEOUT_PER_DOC_S * len(names))
            ext = target.split(":")[0]
            for name in names:
                key = pathlib.Path(name).stem
                converted = outdir / f"{key}.{ext}"
                if converted.is_file() and converted.stat().st_size:
                    out[key] = converted.read_bytes()
                    _cache[key] = out[key]
    while len(_cache) > _CACHE_MAX:
        _cache.popitem(last=False)
    return out


def _run(cmd: list[str], timeout: float) -> None:
    env = dict(os.environ, SAL_USE_VCLPLUGIN="svp", HOME=str(_profile_dir()))
    for var in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY"):
        env.pop(var, None)
    try:
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                stdin=subprocess.DEVNULL, env=env, start_new_session=True)
    except OSError as exc:
        raise ReadError(f"{INSTALL_HINT} ({exc})") from exc
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        raise ReadError(f"LibreOffice did not finish converting within {timeout:.0f} s") from exc


def read_office_binary(data: bytes, file_name: str = "") -> Document:
    kind = office_kind(data)
    key = _key(data)
    converted = _cache.pop(key, None)
    if converted is None:
        converted = _convert({key: (data, kind)}).get(key)
        _cache.pop(key, None)
    if converted is None:
        raise ReadError(f"LibreOffice could not convert the .{kind.removeprefix('xml')} file (corrupt, "
                        "password-protected, or not really a Word/Excel document)")
    if kind in ("doc", "rtf", "xmldoc"):
        from perfeval.ingest.readers.html import read_html
        return read_html(converted, file_name)
    from perfeval.ingest.readers.xlsx import read_xlsx
    return read_xlsx(converted, file_name)
