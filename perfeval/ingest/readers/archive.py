"""Zip archives of reports (a year's submissions collected in one .zip): every supported file inside
is its own document, named by its path in the archive.

Each member is judged on its own, and a refused member never fails the others:
- names are decoded as the archive says (the UTF-8 flag), else as GB18030 when they are valid
  GB18030 (Chinese Windows writes GBK names without a flag), else as CP437 (the zip default);
- refused with a reason: a path that leaves the archive (absolute, drive letters, ".." parts),
  an encrypted member, a nested archive, a member larger than the file size limit, one whose
  declared size is far beyond its packed size (a zip bomb), or more members than any year's
  submissions hold;
- folders, hidden files and system litter (__MACOSX/, Thumbs.db, desktop.ini) are passed over
  silently, and files whose suffix no reader takes are refused with the suffix named.
zipfile never returns more than a member's declared size (a lying size ends in a CRC error), so
checking the declared sizes before reading bounds the memory an archive can take.
"""
from __future__ import annotations

import io
import posixpath
import zipfile
from dataclasses import dataclass

from perfeval.ingest.readers import MAX_FILE_BYTES, SUPPORTED_SUFFIXES

MAX_MEMBERS = 5000
MAX_TOTAL_BYTES = 2 * 1024 ** 3
MAX_RATIO = 200
_ARCHIVE_SUFFIXES = {".zip", ".rar", ".7z", ".tar", ".gz", ".tgz", ".bz2", ".xz"}
_LITTER = {"thumbs.db", "desktop.ini", ".ds_store"}


def is_zip_archive(data: bytes) -> bool:
    """A zip file that is not itself an Office document (.docx/.xlsx are zip packages too)."""
    if data[:4] not in (b"PK\x03\x04", b"PK\x05\x06"):
        return False
    try:
        names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    return not ({"word/document.xml", "xl/workbook.xml", "[Content_Types].xml"} & names)


@dataclass
class Member:
    name: str                 # the path inside the archive, decoded
    data: bytes | None = None
    error: str | None = None  # why it was refused (English, the CLI's language)


def member_name(info: zipfile.ZipInfo) -> str:
    if info.flag_bits & 0x800:
        return info.filename
    raw = info.filename.encode("cp437")  # zipfile decoded the bytes as CP437
    try:
        return raw.decode("gb18030") if not raw.isascii() else info.filename
    except UnicodeDecodeError:
        return info.filename


def _unsafe(name: str) -> bool:
    parts = name.replace("\\", "/").split("/")
    return name.startswith(("/", "\\")) or (len(name) > 1 and name[1] == ":") or ".." in parts


def read_members(data: bytes) -> list[Member]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        return [Member("", error=f"corrupt zip archive ({exc})")]
    if len(infos) > MAX_MEMBERS:
        return [Member("", error=f"the archive holds {len(infos)} entries (at most {MAX_MEMBERS} are read)")]
    out: list[Member] = []
    total = 0
    for info in infos:
        name = member_name(info)
        base = posixpath.basename(name.replace("\\", "/").rstrip("/"))
        if info.is_dir() or not base:
            continue
        if base.startswith(".") or base.lower() in _LITTER or name.startswith("__MACOSX/"):
            continue
        suffix = posixpath.splitext(base)[1].lower()
        if _unsafe(name):
            out.append(Member(name, error="refused: the path leaves the archive (absolute or '..')"))
        elif info.flag_bits & 0x1:
            out.append(Member(name, error="refused: the member is encrypted (password-protected archive)"))
        elif suffix in _ARCHIVE_SUFFIXES:
            out.append(Member(name, error="refused: an archive inside the archive; unpack it and add its files"))
        elif suffix not in SUPPORTED_SUFFIXES:
            out.append(Member(name, error=f"refused: {suffix or 'no suffix'} files are not supported"))
        elif info.file_size > 1024 * 1024 and info.file_size > MAX_RATIO * max(1, info.compress_size):
            out.append(Member(name, error="refused: it would unpack to "
                              f"{info.file_size / max(1, info.compress_size):.0f}x its packed size (a zip bomb?)"))
        elif info.file_size > MAX_FILE_BYTES:
            out.append(Member(name, error=f"refused: larger than {MAX_FILE_BYTES // 2**20} MB unpacked"))
        elif total + info.file_size > MAX_TOTAL_BYTES:
            out.append(Member(name, error="refused: the archive unpacks to more than "
                              f"{MAX_TOTAL_BYTES // 2**30} GB in all"))
        else:
            try:
                member = archive.read(info)
            except (zipfile.BadZipFile, OSError, ValueError, RuntimeError, NotImplementedError) as exc:
                out.append(Member(name, error=f"refused: cannot unpack it ({exc})"))
                continue
            total += len(member)
            out.append(Member(name, member))
    return out
