"""What a batch does not read, told from a file's name or its first bytes: lock and temporary
files, and what perfscore itself wrote (a scored workbook, a JSON report or review)."""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, Optional

if TYPE_CHECKING:
    import zipfile

__all__ = ["OUTPUT_MARKER", "is_lock_file", "own_output"]

OUTPUT_MARKER = "perfscore-scored-workbook"
"""The keyword a scored workbook carries in its document properties (``cp:keywords``)."""

_SCORED_SHEETS = ["自评表", "发现", "规则"]
"""The sheets every scored workbook has, in order (report/xlsx.py), also before the marker."""

_SYSTEM_FILES = frozenset({".ds_store", "thumbs.db", "desktop.ini", "ehthumbs.db"})
_MAX_SNIFFED = 64 * 1024 * 1024
_MAX_MEMBER = 1024 * 1024
_SHEET = re.compile(rb'<(?:\w+:)?sheet\b[^>]*?\bname="([^"]*)"')
_STRING = rb'"(?:[^"\\]|\\.)*"'
_JSON_REPORT = re.compile(
    rb'\A\s*\{\s*(?:"ruleset"\s*:\s*'
    + _STRING
    + rb'\s*,\s*"ruleset_name"|"file"\s*:\s*'
    + _STRING
    + rb'\s*,\s*"tables")\s*:'
)
"""A report (``Report.to_json``), or ``score --json``'s ``{"file": ..., "tables": [...]}``."""
_JSON_REVIEW = re.compile(
    rb'\A\s*(?:\{\s*"results"\s*:\s*\[\s*(?:\]|\{\s*"file"\s*:)|\[\s*\{\s*"path"\s*:|\{\s*"findings"\s*:\s*\[)'
)
"""``review --json`` and the API's ``/api/review`` (``{"results": [...]}``), a ``Review.to_json``, or
the array of entries earlier releases wrote."""


def is_lock_file(name: str) -> bool:
    """An Office owner file (``~$x.xlsx``), a LibreOffice lock (``.~lock.x.xlsx#``), a macOS
    resource fork (``._x.xlsx``), a Word temporary file (``~WRL0001.tmp``) or a folder's own
    system file (``.DS_Store``, ``Thumbs.db``, ``desktop.ini``)."""
    lower = name.lower()
    return (
        name.startswith(("~$", "._"))
        or (name.startswith(".~lock.") and name.endswith("#"))
        or (name.startswith("~") and lower.endswith(".tmp"))
        or lower in _SYSTEM_FILES
    )


def own_output(path: Path) -> Optional[tuple[str, str]]:
    """What perfscore output ``path`` holds (Chinese, English), or None: a scored workbook
    (its marker, or the three sheets it always writes), a JSON report (``score --json``) or
    review (``review --json``). Told from the content, whatever the file is named; anything
    that cannot be opened is None, left for the reader to report."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(path, flags)
    except (OSError, ValueError):
        return None
    try:
        status = os.fstat(fd)
        regular = stat.S_ISREG(status.st_mode) and status.st_size <= _MAX_SNIFFED
    except OSError:
        regular = False
    if not regular:  # a directory, FIFO (never waited on here), device...: the reader says why
        os.close(fd)
        return None
    with os.fdopen(fd, "rb") as f:
        try:
            head = f.read(4096)
            if head.startswith(b"PK"):
                f.seek(0)
                return ("评分工作簿", "a scored workbook") if _scored_workbook(f) else None
        except OSError:
            return None
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    if _JSON_REPORT.match(head):
        return ("JSON 计分报告", "a JSON report")
    if _JSON_REVIEW.match(head):
        return ("JSON 复核结果", "a JSON review")
    return None


def _scored_workbook(file: BinaryIO) -> bool:
    import zipfile  # only for a workbook

    try:
        with zipfile.ZipFile(file) as archive:
            core = _member(archive, "docProps/core.xml")
            if OUTPUT_MARKER.encode() in core:
                return True
            names = [
                m.decode("utf-8", "replace") for m in _SHEET.findall(_member(archive, "xl/workbook.xml"))
            ]
    except Exception:  # a refused or corrupt zip is the reader's to report, not the sniffer's
        return False
    return names == _SCORED_SHEETS


def _member(archive: zipfile.ZipFile, name: str) -> bytes:
    try:
        info = archive.getinfo(name)
    except KeyError:
        return b""
    if info.file_size > _MAX_MEMBER:
        return b""
    with archive.open(info) as f:
        return f.read(_MAX_MEMBER)
