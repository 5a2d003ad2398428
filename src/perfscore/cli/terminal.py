"""What the command writes, made fit for where it goes.

- Every character a stream's encoding cannot carry (``↳`` in GBK, a Chinese Windows console or a
  redirect under ``PYTHONIOENCODING=gbk``) is written as an equivalent it can: ``↳`` → ``->``,
  ``⟨U+202E⟩`` → ``<U+202E>``, ``␛`` → ``^[``; any other as ``<U+XXXX>``, never dropped or ``?``.
- Colour only on a terminal, and never when ``NO_COLOR`` is set or ``TERM=dumb``: a pipe or a
  file gets plain text.
- Ambiguous-width characters count two columns on a console whose encoding is a CJK one (GBK,
  Big5, Shift-JIS...), as it shows them.
"""

from __future__ import annotations

import codecs
import io
import locale
import os
import re
import sys
from typing import Optional, TextIO

__all__ = ["ERRORS", "colour", "emit", "prepare", "silence_stdout", "wide"]

ERRORS = "perfscore-equivalent"
"""The codec error handler that writes an encodable equivalent of a character."""

_EQUIVALENTS = {
    "↳": "->",
    "→": "->",
    "←": "<-",
    "★": "*",
    "☆": "*",
    "—": "-",
    "–": "-",
    "…": "...",
    "≥": ">=",
    "≤": "<=",
    "≧": ">=",
    "≦": "<=",
    "≠": "!=",
    "⟨": "<",
    "⟩": ">",
    "├": "|",
    "└": "`",
    "│": "|",
    "─": "-",
    "·": ".",
    "✓": "v",
    "✗": "x",
    "“": '"',
    "”": '"',
    "‘": "'",
    "’": "'",
}
_CJK = frozenset(
    [
        "gbk",
        "gb2312",
        "gb18030",
        "hz",
        "big5",
        "big5hkscs",
        "cp950",
        "cp936",
        "cp932",
        "shift_jis",
        "shift_jis_2004",
        "euc_jp",
        "euc_kr",
        "cp949",
        "johab",
        "iso2022_jp",
        "iso2022_kr",
    ]
)
"""Codec names (as :func:`codecs.lookup` gives them) of the consoles that show ambiguous-width
characters two columns wide."""


def _equivalent(ch: str) -> str:
    if ch in _EQUIVALENTS:
        return _EQUIVALENTS[ch]
    code = ord(ch)
    if 0x2400 <= code < 0x2420:  # a Control Picture (visible() made it): caret notation
        return "^" + chr(code - 0x2400 + 0x40)
    if code == 0x2421:
        return "^?"
    return f"<U+{code:04X}>"


def _handler(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeEncodeError):
        raise error
    text = error.object[error.start : error.end]
    return "".join(_equivalent(ch) for ch in text), error.end


codecs.register_error(ERRORS, _handler)


def prepare(*streams: TextIO) -> None:
    """Let ``streams`` (default: stdout and stderr) write an equivalent of what their encoding
    cannot carry, instead of failing (only where they would fail: ``errors="strict"``)."""
    for stream in streams or (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper) and stream.errors == "strict":
            try:
                stream.reconfigure(errors=ERRORS)
            except (ValueError, io.UnsupportedOperation):  # pragma: no cover - a closed stream
                continue


def _encoding(stream: TextIO) -> str:
    try:
        return codecs.lookup(getattr(stream, "encoding", None) or "utf-8").name
    except LookupError:
        return "utf-8"


def wide(stream: TextIO) -> bool:
    """Whether ``stream`` goes to a console that shows ambiguous-width characters two columns
    wide: a terminal whose encoding is a CJK one (on Windows, whose console Python writes in
    UTF-8, the code page of the system: cp936 on a Chinese one)."""
    if not _isatty(stream):
        return False
    encoding = _encoding(stream)
    if sys.platform == "win32" and encoding == "utf-8":  # pragma: no cover - Windows
        try:
            encoding = codecs.lookup(locale.getpreferredencoding(False)).name
        except LookupError:
            return False
    return encoding in _CJK


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (ValueError, AttributeError):
        return False


def colour(stream: TextIO) -> bool:
    """Colour on a terminal only, and not when ``NO_COLOR`` is set (https://no-color.org) or
    ``TERM`` is ``dumb``."""
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb" or not _isatty(stream):
        return False
    return sys.platform != "win32" or "WT_SESSION" in os.environ or "TERM" in os.environ


_PAINT = [
    (re.compile(r"\[error\]|^FAIL\b|无法复核|cannot review", re.M), "31"),
    (re.compile(r"\[warning\]", re.M), "33"),
    (re.compile(r"\[info\]", re.M), "36"),
    (re.compile(r"^PASS\b", re.M), "32"),
    (re.compile(r"^(?:总分 total|总分|total):", re.M), "1"),
]


def paint(text: str) -> str:
    """``text`` with severities, PASS/FAIL and the total coloured (ANSI)."""
    for pattern, sgr in _PAINT:
        text = pattern.sub(f"\x1b[{sgr}m\\g<0>\x1b[0m", text)
    return text


def emit(text: str, stream: Optional[TextIO] = None) -> None:
    """Write ``text`` as it is (it ends its own lines), coloured when ``stream`` is a terminal."""
    out = stream if stream is not None else sys.stdout
    out.write(paint(text) if colour(out) else text)


def silence_stdout() -> None:
    """After the reader of stdout went away (``| head``): point stdout at the null device, so
    the interpreter's last flush does not fail with a traceback."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError, io.UnsupportedOperation):
        pass
