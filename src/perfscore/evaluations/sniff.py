"""What a form is, from its bytes: never from its file name.

Units rename files, systems export .xls that are really HTML or .xlsx, and a .doc may be a
.docx with the old extension. :func:`sniff` looks at the content: a zip package's member names
(``word/`` → Word, ``xl/`` → Excel, ``mimetype`` → OpenDocument), an OLE2 compound file's
stream names (``Workbook``/``Book`` → Excel 97–2003 or WPS 表格, ``WordDocument`` → Word
97–2003 or WPS 文字, ``EncryptedPackage`` → a password-protected .docx/.xlsx), ``%PDF`` → PDF,
and text for TOML/JSON. It reads at most the zip's central directory and the compound file's
directory sectors, each bounded: it never decompresses anything.
"""

from __future__ import annotations

import zipfile
from io import BytesIO
from typing import Optional

from .compound import OLE, stream_names
from .limits import MAX_MEMBERS
from .package import declared_entries

__all__ = ["KINDS", "KINDS_ZH", "sniff"]

KINDS = {
    "xlsx": "an Excel workbook (.xlsx)",
    "docx": "a Word document (.docx)",
    "ods": "an OpenDocument spreadsheet (.ods)",
    "odt": "an OpenDocument text (.odt)",
    "xls": "an Excel 97–2003 workbook (.xls) or WPS 表格 (.et)",
    "doc": "a Word 97–2003 document (.doc) or WPS 文字 (.wps)",
    "encrypted": "a password-protected Office file",
    "ole": "an old-format Office compound file of unknown kind",
    "pdf": "a PDF document",
    "pptx": "a PowerPoint presentation",
    "zip": "a zip archive that is not an Office document",
    "html": "a web page (HTML) saved with an Office extension",
    "text": "a plain text file",
    "empty": "an empty file",
    "unknown": "a file of unknown format",
}
"""Each kind :func:`sniff` gives, as messages name it."""

KINDS_ZH = {
    "xlsx": "Excel 工作簿（.xlsx）",
    "docx": "Word 文档（.docx）",
    "ods": "OpenDocument 电子表格（.ods）",
    "odt": "OpenDocument 文本（.odt）",
    "xls": "Excel 97–2003 工作簿（.xls）或 WPS 表格（.et）",
    "doc": "Word 97–2003 文档（.doc）或 WPS 文字（.wps）",
    "encrypted": "设有密码的 Office 文件",
    "ole": "类型不明的旧格式 Office 复合文件",
    "pdf": "PDF 文档",
    "pptx": "PowerPoint 演示文稿",
    "zip": "不是 Office 文档的 zip 压缩包",
    "html": "以 Office 扩展名保存的网页（HTML）",
    "text": "纯文本文件",
    "empty": "空文件",
    "unknown": "格式不明的文件",
}
"""Each kind of :data:`KINDS`, in Chinese."""


def sniff(data: bytes, archive: Optional[zipfile.ZipFile] = None) -> str:
    """The kind of file ``data`` is: a key of :data:`KINDS`. ``archive``: ``data`` already opened
    by :func:`~.package.open_zip`, its central directory then not read again."""
    if not data:
        return "empty"
    if data.startswith(b"PK"):
        return _zip_kind(data) if archive is None else _members_kind(archive)
    if data.startswith(OLE):
        return _ole_kind(data)
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"%PDF") or b"%PDF-" in data[:1024]:
        return "pdf"
    lower = head[:200].lower()
    if lower.startswith((b"<!doctype html", b"<html", b"<?xml")) and b"<html" in data[:4096].lower():
        return "html"
    try:
        data[:4096].decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < 4090:
            return "unknown"
    return "text" if b"\x00" not in data[:4096] else "unknown"


def _zip_kind(data: bytes) -> str:
    """The kind of zip package, from its member names; "zip" for one that cannot be listed (the
    package check of the kind its name says then tells precisely what is wrong)."""
    entries = declared_entries(data)
    if entries is None or entries > MAX_MEMBERS:
        return "zip"
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            return _members_kind(archive)
    except Exception:  # not a zip, or a truncated one: the package check says so precisely
        return "zip"


def _members_kind(archive: zipfile.ZipFile) -> str:
    """The kind of an open zip package, from its member names."""
    names = archive.namelist()
    mimetype = b""
    if "mimetype" in names:
        try:
            info = archive.getinfo("mimetype")
            if info.file_size <= 200 and info.compress_type == zipfile.ZIP_STORED:
                mimetype = archive.read(info)
        except Exception:  # a broken member: the package check says so precisely
            return "zip"
    tops = {name.split("/", 1)[0] for name in names if "/" in name}
    if "word" in tops:
        return "docx"
    if "xl" in tops:
        return "xlsx"
    if "ppt" in tops:
        return "pptx"
    if mimetype.endswith(b"spreadsheet"):
        return "ods"
    if mimetype.endswith(b"text"):
        return "odt"
    return "zip"


def _ole_kind(data: bytes) -> str:
    names = set(stream_names(data))
    if {"EncryptedPackage", "EncryptionInfo"} & names:
        return "encrypted"
    if {"Workbook", "Book"} & names:
        return "xls"
    if "WordDocument" in names:
        return "doc"
    return "ole"
