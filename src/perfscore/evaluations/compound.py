"""The OLE2 compound file of old Office forms (.xls, .doc, .et, .wps): its streams, and the
percent-formatted cells of an Excel 97–2003 workbook.

python-calamine reads an .xls's values but not their number formats, so 0.96 shown as ``96%``
would read as 0.96; :func:`xls_percent_cells` finds the cells whose format shows a percentage
from the workbook's own BIFF8 records (``FORMAT``, ``XF``, ``BOUNDSHEET`` and the cell records
``NUMBER``, ``RK``, ``MULRK``, ``FORMULA``). Every walk is bounded by the file's size: a sector
chain is followed at most once per sector, a record never read past its stream.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator

__all__ = ["stream", "stream_names", "xls_percent_cells"]

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_END = 0xFFFFFFFA
_MINI_CUTOFF = 4096


class _File:
    def __init__(self, data: bytes) -> None:
        self.data = data
        shift = struct.unpack_from("<H", data, 0x1E)[0] if len(data) >= 512 else 0
        self.size = 1 << shift if shift in (9, 12) else 0
        self.fat: list[int] = []
        if not self.size or not data.startswith(OLE):
            self.size = 0
            return
        for number in struct.unpack_from("<109I", data, 0x4C):
            if number >= _END:
                continue
            chunk = self.sector(number)
            self.fat.extend(struct.unpack_from(f"<{len(chunk) // 4}I", chunk))

    def sector(self, number: int) -> bytes:
        start = (number + 1) * self.size
        return self.data[start : start + self.size]

    def chain(self, first: int) -> Iterator[int]:
        seen = 0
        current = first
        while current < _END and current < len(self.fat) and seen <= len(self.fat):
            yield current
            seen += 1
            current = self.fat[current]

    def entries(self) -> list[tuple[str, int, int]]:
        """(name, first sector, size) of each directory entry."""
        if not self.size:
            return []
        found = []
        for number in self.chain(struct.unpack_from("<I", self.data, 0x30)[0]):
            chunk = self.sector(number)
            for at in range(0, len(chunk) - 127, 128):
                length = struct.unpack_from("<H", chunk, at + 64)[0]
                if 2 <= length <= 64:
                    name = chunk[at : at + length - 2].decode("utf-16-le", "replace")
                    start, size = struct.unpack_from("<II", chunk, at + 116)
                    found.append((name, start, size))
        return found


def stream_names(data: bytes) -> list[str]:
    """The names in a compound file's directory (none for what is not one)."""
    return [name for name, _, _ in _File(data).entries()]


def stream(data: bytes, wanted: tuple[str, ...]) -> bytes:
    """The first of the ``wanted`` streams the file holds, when it is stored in regular sectors
    (a stream under 4 KiB lives in the mini stream and is not read: b"")."""
    ole = _File(data)
    for name, first, size in ole.entries():
        if name in wanted:
            if size < _MINI_CUTOFF or size > len(data):
                return b""
            return b"".join(ole.sector(number) for number in ole.chain(first))[:size]
    return b""


def _records(book: bytes, at: int) -> Iterator[tuple[int, bytes]]:
    while at + 4 <= len(book):
        kind, length = struct.unpack_from("<HH", book, at)
        yield kind, book[at + 4 : at + 4 + length]
        at += 4 + length


def xls_percent_cells(data: bytes) -> dict[str, set[tuple[int, int]]]:
    """Each worksheet's cells (1-based row, column) whose number format shows a percentage."""
    book = stream(data, ("Workbook", "Book"))
    formats: dict[int, str] = {}
    xfs: list[int] = []
    sheets: list[tuple[str, int]] = []
    for kind, body in _records(book, 0):
        if kind == 0x000A:  # EOF of the globals
            break
        if kind == 0x041E and len(body) >= 5:  # FORMAT
            ifmt, count, flags = struct.unpack_from("<HHB", body)
            raw = body[5 : 5 + count * (2 if flags & 1 else 1)]
            formats[ifmt] = raw.decode("utf-16-le" if flags & 1 else "latin-1", "replace")
        elif kind == 0x00E0 and len(body) >= 4:  # XF
            xfs.append(struct.unpack_from("<H", body, 2)[0])
        elif kind == 0x0085 and len(body) >= 8:  # BOUNDSHEET
            position, _, sheet_type, count, flags = struct.unpack_from("<IBBBB", body)
            raw = body[8 : 8 + count * (2 if flags & 1 else 1)]
            if sheet_type == 0:
                sheets.append((raw.decode("utf-16-le" if flags & 1 else "latin-1", "replace"), position))
    percent = {index for index, ifmt in enumerate(xfs) if ifmt in (9, 10) or "%" in formats.get(ifmt, "")}
    found: dict[str, set[tuple[int, int]]] = {}
    if not percent:
        return found
    for name, position in sheets:
        cells = found.setdefault(name, set())
        for kind, body in _records(book, position):
            if kind == 0x000A:
                break
            if kind in (0x0203, 0x027E, 0x0006) and len(body) >= 6:  # NUMBER, RK, FORMULA
                row, column, xf = struct.unpack_from("<HHH", body)
                if xf in percent:
                    cells.add((row + 1, column + 1))
            elif kind == 0x00BD and len(body) >= 6:  # MULRK
                row, first = struct.unpack_from("<HH", body)
                for index in range((len(body) - 6) // 6):
                    if struct.unpack_from("<H", body, 4 + 6 * index)[0] in percent:
                        cells.add((row + 1, first + index + 1))
    return found
