"""Reading a file someone else wrote: only a regular file, only up to a size, never blocking.

Every file perfscore reads (rulesets, evaluation files, Word/Excel forms) goes through
:func:`read_bytes` or is checked first by :func:`refusal`. A FIFO, a device such as
``/dev/zero``, a socket, a directory named like a file, a dangling link or a file over its
limit is refused with the reason, unread: the check is made again on the open descriptor, so a
file swapped for a FIFO after the first look neither blocks nor is read.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Union

__all__ = ["MAX_FORM_BYTES", "FileRefused", "read_bytes", "refusal"]

MAX_FORM_BYTES = 32 * 1024 * 1024
"""Largest Word or Excel form read, in bytes. Real forms are tens to hundreds of KiB; one with
scanned pictures embedded may reach a few MiB."""


class FileRefused(OSError):
    """Internal: a file that is not read; ``str(exc)`` is the reason and ``code`` its
    problem code (``file-too-large`` or ``file-unreadable``)."""

    def __init__(self, reason: str, code: str = "file-unreadable") -> None:
        super().__init__(reason)
        self.code = code


def _why(status: os.stat_result, limit: int) -> tuple[str, str]:
    if stat.S_ISDIR(status.st_mode):
        return "not a regular file: a directory", "file-unreadable"
    if not stat.S_ISREG(status.st_mode):
        return "not a regular file (a FIFO, device or socket)", "file-unreadable"
    if status.st_size > limit:
        return f"too large: {status.st_size} bytes (at most {limit})", "file-too-large"
    return "", ""


def refusal(path: Union[str, Path], limit: int) -> str:
    """Why ``path`` must not be read (empty when it may): it must resolve to a regular file of
    at most ``limit`` bytes."""
    try:
        return _why(os.stat(path), limit)[0]
    except OSError as exc:
        return f"cannot read: {exc.strerror or exc}"
    except (ValueError, RuntimeError) as exc:  # an embedded NUL; a symlink loop (3.9)
        return f"cannot read: {exc}"


def read_bytes(path: Union[str, Path], limit: int) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes. Raises :class:`FileRefused`."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(path, flags)
    except (OSError, ValueError) as exc:
        raise FileRefused(f"cannot read: {getattr(exc, 'strerror', None) or exc}") from None
    try:
        reason, code = _why(os.fstat(fd), limit)
        if reason:
            raise FileRefused(reason, code)
        chunks, size = [], 0
        while True:
            chunk = os.read(fd, 1 << 16)
            if not chunk:
                break
            size += len(chunk)
            if size > limit:  # grew while being read
                raise FileRefused(f"too large: more than {limit} bytes", "file-too-large")
            chunks.append(chunk)
        return b"".join(chunks)
    except FileRefused:
        raise
    except OSError as exc:
        raise FileRefused(f"cannot read: {exc.strerror or exc}") from None
    finally:
        os.close(fd)
