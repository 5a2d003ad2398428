"""The zip package of a Word or Excel form, checked before any XML in it is parsed.

:func:`read_package` reads the file once (at most :data:`~.limits.MAX_FILE_BYTES`) and refuses
what no Office file is: an old-format or encrypted compound file, a file that is not a zip
package, one of too many members (counted from the end-of-central-directory record before
:mod:`zipfile` lists them), a member too large or too compressed (a zip bomb), an absolute or
``..`` name, a duplicate, an encrypted member, an unknown compression method, a Word document
named .xlsx (or the reverse), and an XML part with a document type declaration or in an
encoding Office does not write. What it returns is the bytes python-docx or openpyxl then read.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from pathlib import Path
from typing import Callable, Optional

from ..codes import Words
from ..files import FileRefused, read_bytes
from .limits import (
    MAX_COMPRESSION_RATIO,
    MAX_FILE_BYTES,
    MAX_MEMBER_BYTES,
    MAX_MEMBERS,
    MAX_TOTAL_BYTES,
    MAX_XML_BYTES,
    RATIO_CHECKED_FROM,
)
from .problems import too_large, unreadable

__all__ = ["check_package", "declared_entries", "open_zip", "read_form", "read_package"]

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # a compound file: .doc/.xls, or an encrypted .docx/.xlsx
_EOCD = b"PK\x05\x06"
_ZIP64_LOCATOR = b"PK\x06\x07"
_ZIP64_EOCD = b"PK\x06\x06"
_NOT_PARSED = (".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff", ".emf", ".wmf", ".wdp", ".bin")
"""Members python-docx and openpyxl keep as bytes and never parse (media, OLE objects): not
scanned for a document type declaration. An SVG in a media folder is not scanned either (an
SVG may carry a DOCTYPE, and neither library parses one)."""
_DTD_MARKERS = tuple(
    marker.encode(encoding)
    for marker in ("<!DOCTYPE", "<!ENTITY")
    for encoding in ("utf-8", "utf-16-le", "utf-16-be")
)
_PROLOG_BYTES = 65_536
_READ_AHEAD = 4096
"""What zipfile reads of a member at least (``ZipExtFile.MIN_READ_SIZE``)."""
_ROOT_START = re.compile(rb"<[A-Za-z_]|<\x00[A-Za-z_]\x00|\x00<\x00[A-Za-z_]")
"""An element's start tag, in UTF-8 or UTF-16: the root element ends the prolog."""
_CONTROL = re.compile(r"[\x00-\x1f]")
_DECLARED_ENCODING = re.compile(rb"""encoding\s{0,20}=\s{0,20}["']([A-Za-z0-9._-]{1,40})["']""")


def read_package(path: Path, name: str, kind: str) -> bytes:
    """The file's bytes, once they are known to be a zip package of sane size that holds a
    ``kind`` ("Word" or "Excel") document; else an :class:`EvaluationError`."""
    data = read_form(path, name)
    if not data:
        unreadable(name, Words(f"空文件，不是 {kind} 文件", f"empty file: not {_a(kind)} file"))
    return check_package(data, name, kind)


def read_form(path: Path, name: str) -> bytes:
    """The bytes of a form file: a regular file of at most :data:`~.limits.MAX_FILE_BYTES`."""
    try:
        return read_bytes(path, MAX_FILE_BYTES)
    except FileRefused as exc:
        if exc.code == "file-too-large":
            too_large(name, "", "the file", str(exc), f"at most {MAX_FILE_BYTES:,} bytes (MAX_FILE_BYTES)")
        unreadable(name, str(exc))


def check_package(
    data: bytes,
    name: str,
    kind: str,
    *,
    parsed: Optional[Callable[[str], bool]] = None,
    keep: Optional[dict[str, bytes]] = None,
    archive: Optional[zipfile.ZipFile] = None,
    whole: Optional[Callable[[str], bool]] = None,
) -> bytes:
    """``data`` itself, once it is known to be a zip package of sane size that holds a
    ``kind`` ("Word", "Excel" or "OpenDocument") document; else an :class:`EvaluationError`.

    ``parsed`` names the members the reader parses as XML (all but media when not given): only
    they are decompressed and scanned for a document type declaration; every member's size and
    ratio is checked from the central directory whatever it is. ``keep`` receives the parts the
    check read whole (those under :data:`_PROLOG_BYTES`, and those ``whole`` names, the parts
    the reader reads itself, whatever their size), so the reader need not read them again.
    ``archive`` is ``data`` already opened by :func:`open_zip` (the caller keeps and closes it),
    so the central directory is not read again."""
    suffixes = {"Word": ".docx", "Excel": ".xlsx"}.get(kind, ".ods")
    if data.startswith(_OLE):
        unreadable(
            name,
            Words(
                f"不是 {suffixes} 文件，而是旧格式（.doc/.xls）或设有密码的 Office 文件：请去除保护后另存为 {suffixes}",
                f"not a {suffixes} package: an old-format (.doc/.xls) or password-protected Office file; "
                f"save it unprotected as {suffixes}",
            ),
        )
    entries = declared_entries(data)
    if entries is None:
        unreadable(
            name,
            Words(
                f"不是 {kind} 文件：不是 zip 包，或是不完整的 zip 包（{suffixes} 文件是 zip 包）",
                f"not {_a(kind)} file: not a zip package, or a truncated one ({suffixes} files are zip packages)",
            ),
        )
    if entries > MAX_MEMBERS:
        too_large(name, "", "zip members", f"{entries:,}", f"at most {MAX_MEMBERS:,} (MAX_MEMBERS)")
    if archive is None:
        try:
            opened = zipfile.ZipFile(io.BytesIO(data))
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as exc:
            unreadable(name, f"not {_a(kind)} file: a corrupt zip package ({exc})")
        with opened:
            return check_package(data, name, kind, parsed=parsed, keep=keep, archive=opened, whole=whole)
    _check_members(archive, name)
    _check_kind(archive.namelist(), name, kind)
    _Members(archive, data, whole).check(name, parsed or _parsed, {} if keep is None else keep)
    return data


def open_zip(data: bytes) -> Optional[zipfile.ZipFile]:
    """``data`` opened as a zip package, to be shared by :func:`~.sniff.sniff`,
    :func:`check_package` and the reader; None when it is not one, or declares more than
    :data:`~.limits.MAX_MEMBERS` members (counted before :mod:`zipfile` builds an entry per
    member): each step then opens it itself and says precisely what is wrong."""
    if not data.startswith(b"PK"):
        return None
    entries = declared_entries(data)
    if entries is None or entries > MAX_MEMBERS:
        return None
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except Exception:  # not a zip, or a truncated one: the package check says so precisely
        return None


def declared_entries(data: bytes) -> Optional[int]:
    """The member count a zip's end-of-central-directory record declares (None: no record),
    read before :mod:`zipfile` builds an entry per member."""
    at = data.rfind(_EOCD, max(0, len(data) - 65_557))
    if at < 0 or len(data) < at + 22:
        return None
    (entries,) = struct.unpack_from("<H", data, at + 10)
    if entries == 0xFFFF and at >= 20 and data[at - 20 : at - 16] == _ZIP64_LOCATOR:
        (offset,) = struct.unpack_from("<Q", data, at - 12)
        if offset + 56 > len(data) or data[offset : offset + 4] != _ZIP64_EOCD:
            return None
        (entries,) = struct.unpack_from("<Q", data, offset + 32)
    return int(entries)


def _check_members(archive: zipfile.ZipFile, name: str) -> None:
    infos = archive.infolist()
    if len(infos) > MAX_MEMBERS:
        too_large(name, "", "zip members", f"{len(infos):,}", f"at most {MAX_MEMBERS:,} (MAX_MEMBERS)")
    seen: set[str] = set()
    total = 0
    for info in infos:
        member = info.filename
        odd = _odd_member(info)
        if odd:
            unreadable(name, f"refused: a zip member that no Office file has ({odd})", member[:200])
        if member.lower() in seen:
            unreadable(name, "refused: a zip member stored twice", member[:200])
        seen.add(member.lower())
        size, packed = info.file_size, info.compress_size
        xml = _parsed(member)
        limit, limit_name = (
            (MAX_XML_BYTES, "MAX_XML_BYTES") if xml else (MAX_MEMBER_BYTES, "MAX_MEMBER_BYTES")
        )
        if size > limit:
            too_large(
                name,
                member,
                "a zip member, uncompressed",
                f"{size:,} bytes",
                f"at most {limit:,} bytes ({limit_name})",
            )
        if size >= RATIO_CHECKED_FROM and size > MAX_COMPRESSION_RATIO * max(packed, 1):
            too_large(
                name,
                member,
                "a zip member's compression ratio (a zip bomb?)",
                f"{size:,} bytes from {packed:,}",
                f"at most {MAX_COMPRESSION_RATIO}:1 (MAX_COMPRESSION_RATIO)",
            )
        total += size
        if total > MAX_TOTAL_BYTES:
            too_large(
                name,
                member,
                "the zip members together, uncompressed",
                f"more than {total:,} bytes",
                f"at most {MAX_TOTAL_BYTES:,} bytes (MAX_TOTAL_BYTES)",
            )


def _odd_member(info: zipfile.ZipInfo) -> str:
    member = info.filename
    if not member or len(member) > 1024:
        return "an empty or overlong name"
    if member.startswith(("/", "\\")) or "\\" in member or ":" in member:
        return "an absolute name or one with a drive or backslash"
    if any(part in ("..", ".") for part in member.split("/")):
        return "a name with a '..' or '.' segment (directory traversal)"
    if _CONTROL.search(member):
        return "a name with a control character"
    if info.flag_bits & 0x1:
        return "an encrypted member"
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        return f"compression method {info.compress_type}"
    return ""


def _parsed(member: str) -> bool:
    """True for a member a reader may parse as XML (all but media and embedded objects)."""
    lower = member.lower()
    if lower.endswith("/"):
        return False
    if lower.endswith(".svg") and "/media/" in "/" + lower:
        return False
    return not lower.endswith(_NOT_PARSED) and "/embeddings/" not in "/" + lower


def _check_kind(names: list[str], name: str, kind: str) -> None:
    """A Word document named .xlsx (or the reverse) is refused with what it is."""
    if kind == "OpenDocument" and ("mimetype" in names or "content.xml" in names):
        return
    tops = {member.split("/", 1)[0] for member in names if "/" in member}
    expected, other = ("word", "xl") if kind == "Word" else ("xl", "word")
    if expected in tops:
        return
    if other in tops:
        actual = "an Excel workbook (.xlsx)" if other == "xl" else "a Word document (.docx)"
        actual_zh = "Excel 工作簿（.xlsx）" if other == "xl" else "Word 文档（.docx）"
        unreadable(
            name,
            Words(
                f"不是 {kind} 文件，而是扩展名有误的{actual_zh}：请改正扩展名",
                f"not {_a(kind)} file: it is {actual} with the wrong file extension; rename it",
            ),
        )
    if "ppt" in tops:
        said = Words(
            f"不是 {kind} 文件，而是 PowerPoint 演示文稿",
            f"not {_a(kind)} file: it is a PowerPoint presentation",
        )
        unreadable(name, said)
    if "mimetype" in names or "content.xml" in names:
        said = Words(
            f"不是 {kind} 文件，而是 OpenDocument 文件（.odt/.ods）：请另存为 .docx 或 .xlsx",
            f"not {_a(kind)} file: an OpenDocument file (.odt/.ods); save it as .docx or .xlsx",
        )
        unreadable(name, said)
    part = "word/" if kind == "Word" else "xl/"
    said = Words(
        f"不是 {kind} 文件：zip 包中没有 {part} 部分",
        f"not {_a(kind)} file: a zip package without a {part} part",
    )
    unreadable(name, said)


class _Members:
    """The package's members, read straight from its bytes where :mod:`zipfile` would read
    the same."""

    def __init__(self, archive: zipfile.ZipFile, data: bytes, whole: Optional[Callable[[str], bool]]) -> None:
        self.archive, self.data, self.whole = archive, data, whole

    def check(self, name: str, parsed: Callable[[str], bool], keep: dict[str, bytes]) -> None:
        """Every part a reader may parse is UTF-8 or UTF-16 XML without a document type declaration.

        Office never writes a DTD; refusing one closes entity expansion ("billion laughs") and
        external entities (XXE) whatever the XML parser underneath (openpyxl reads some parts with
        the standard library's expat, python-docx with lxml). A document type declaration can only
        stand in the prolog, before the root element: only the part's first :data:`_PROLOG_BYTES`
        are searched (and decompressed, unless ``whole`` names the part and it reads cleanly),
        and a part whose root element does not start within them is refused.
        """
        for info in self.archive.infolist():
            if not parsed(info.filename) or not _parsed(info.filename):
                continue
            data = self.read(info)
            if len(data) == info.file_size:
                keep[info.filename] = data
            _check_prolog(data[:_PROLOG_BYTES], info, name)

    def read(self, info: zipfile.ZipInfo) -> bytes:
        """The member whole when ``whole`` names it and it reads cleanly from the bytes, else
        its first :data:`_PROLOG_BYTES`, as ``archive.open(info).read(_PROLOG_BYTES)`` gives them
        (:mod:`zipfile` itself reads them whenever :func:`_direct` cannot, and says what is wrong)."""
        if self.whole is not None and info.file_size > _PROLOG_BYTES and self.whole(info.filename):
            found = _direct(self.data, info, info.file_size)
            if found is not None:
                return found
        found = _direct(self.data, info, _PROLOG_BYTES)
        if found is not None:
            return found
        with self.archive.open(info) as member:
            return member.read(_PROLOG_BYTES)


def _direct(data: bytes, info: zipfile.ZipInfo, limit: int) -> Optional[bytes]:
    """A member's first ``limit`` bytes decompressed straight from the package's bytes, exactly
    what ``archive.open(info).read(limit)`` returns, when :mod:`zipfile` would return them
    without a word: the local header one it opens (its signature, the same name, no encryption
    or patch flag), the member stored or deflated and all there; read to its end, its CRC
    right; read in part, zipfile's first read (:data:`_READ_AHEAD` or ``limit`` bytes, whichever
    is more) stopping short of the end, so zipfile would not check the CRC either. None
    otherwise: zipfile then reads it, and says what is wrong."""
    at = info.header_offset
    header = data[at : at + 30]
    if len(header) < 30 or header[:4] != b"PK\x03\x04" or info.flag_bits & 0x61:
        return None
    flags, names, extra = struct.unpack_from("<H", header, 6)[0], *struct.unpack_from("<HH", header, 26)
    try:
        local = data[at + 30 : at + 30 + names].decode("utf-8" if flags & 0x800 else "cp437")
    except UnicodeDecodeError:
        return None
    start, want = at + 30 + names + extra, min(limit, info.file_size)
    packed = data[start : start + info.compress_size]
    if local != info.orig_filename or len(packed) != info.compress_size or want <= 0:
        return None
    stored, chunk = info.compress_type == zipfile.ZIP_STORED, max(limit, _READ_AHEAD)
    if not stored and info.compress_type != zipfile.ZIP_DEFLATED:
        return None
    stream = zlib.decompressobj(-15)
    try:
        if want == info.file_size:  # the whole member
            found = packed[:want] if stored else stream.decompress(packed, want)
            return found if len(found) == want and zlib.crc32(found) == info.CRC else None
        if stored:
            return packed[:want] if info.compress_size > chunk else None
        found = stream.decompress(packed[:chunk], chunk)
    except zlib.error:
        return None
    if len(found) < want or stream.eof or (info.compress_size <= chunk and not stream.unconsumed_tail):
        return None
    return found[:want]


def _check_prolog(data: bytes, info: zipfile.ZipInfo, name: str) -> None:
    """A part's first :data:`_PROLOG_BYTES` (or all of a smaller part): refused when its root
    element does not start there, or it is UTF-32, in another declared encoding, or holds a
    document type or entity declaration."""
    if info.file_size > len(data) and not _ROOT_START.search(data):
        unreadable(
            name,
            f"refused: an XML part whose root element does not start in its first {_PROLOG_BYTES:,} bytes",
            info.filename,
        )
    head = data[:200]
    if head.startswith((b"\x00\x00\xfe\xff", b"\xff\xfe\x00\x00")) or head[:4].count(0) >= 3:
        unreadable(name, "refused: an XML part in UTF-32 (Office writes UTF-8 or UTF-16)", info.filename)
    declared = _DECLARED_ENCODING.search(head.replace(b"\x00", b""))
    if declared and declared.group(1).lower().replace(b"_", b"-") not in (
        b"utf-8",
        b"utf8",
        b"utf-16",
        b"utf16",
    ):
        unreadable(name, "refused: an XML part in an encoding other than UTF-8 or UTF-16", info.filename)
    if b"!" in data and any(marker in data for marker in _DTD_MARKERS):  # every marker has "!"
        unreadable(
            name,
            "refused: an XML part with a document type declaration (Office never writes one; "
            "it can expand entities or read other files)",
            info.filename,
        )


def _a(kind: str) -> str:
    """``kind`` with its article: "an Excel", "a Word"."""
    return f"an {kind}" if kind[:1] in "AEIOU" else f"a {kind}"
