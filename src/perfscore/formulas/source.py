"""A formula's text before its tree: its length, its characters, its brackets, and parsing it.

:func:`check_text` scans the text once before ``ast.parse`` sees it; :func:`parse` then parses it
and turns a syntax error into a :class:`~perfscore.errors.FormulaError` located in the text.
"""

from __future__ import annotations

import ast
import re
import warnings
from typing import Optional

from perfscore.errors import FormulaError

from .runtime import MAX_DEPTH, MAX_SOURCE_LENGTH

_ALLOWED_WHITESPACE = frozenset(" \t\n\r")

# A number glued to a keyword ("1if A else 2"): newer Pythons warn and parse() refuses it, but
# Python 3.9 parses it silently, and the language must not depend on the Python it runs on.
_GLUED_KEYWORD = re.compile(
    r"(?<![A-Za-z_])\d[\d_.]*(?:[eE][+-]?\d+)?(?:if|else|and|or|not|in|is)(?![A-Za-z0-9_])"
)


def line_starts(source: str) -> list[int]:
    """The 0-based index where each line of ``source`` starts (``\\r\\n``, ``\\r`` and ``\\n`` end one)."""
    starts = [0]
    i, n = 0, len(source)
    while i < n:
        ch = source[i]
        if ch == "\r" and i + 1 < n and source[i + 1] == "\n":
            i += 1
        if ch in "\r\n":
            starts.append(i + 1)
        i += 1
    return starts


def check_text(source: str) -> None:
    """Refuse a text too long, empty, with a number glued to a keyword, with a character outside
    printable ASCII, or with brackets nested too deep."""
    if len(source) > MAX_SOURCE_LENGTH:
        raise FormulaError(
            "formula-too-long",
            f"formula is {len(source)} characters long; at most {MAX_SOURCE_LENGTH} allowed",
            source,
            MAX_SOURCE_LENGTH + 1,
        )
    if not source.strip():
        raise FormulaError("formula-syntax", "empty formula", source)
    glued = _GLUED_KEYWORD.search(source)
    if glued:
        raise FormulaError("formula-syntax", "a number glued to a keyword: put a space between them", source,
                           glued.start() + 1)  # fmt: skip
    _check_characters(source)


def _check_characters(source: str) -> None:
    depth = 0
    for index, ch in enumerate(source):
        if ch > "~" or (ch < " " and ch not in _ALLOWED_WHITESPACE):
            if ("a" + ch).isidentifier():
                message = f"non-ASCII letter {ch!r} (U+{ord(ch):04X}) in a name is not allowed"
                raise FormulaError("formula-name", message, source, index + 1)
            message = f"character {ch!r} (U+{ord(ch):04X}) is not allowed"
            raise FormulaError("formula-character", message, source, index + 1)
        if ch == "\\":
            raise FormulaError(
                "formula-character",
                "backslashes (line continuations, escapes) are not allowed",
                source,
                index + 1,
            )
        if ch in "([{":
            depth += 1
            if depth > MAX_DEPTH:
                raise FormulaError(
                    "formula-too-deep", f"brackets nested deeper than {MAX_DEPTH} levels", source, index + 1
                )
        elif ch in ")]}":
            depth -= 1


def parse(source: str) -> ast.Expression:
    """``source`` parsed as one expression; a syntax error is a located :class:`FormulaError`."""
    try:
        with warnings.catch_warnings():
            # Suspicious text (e.g. '1if') becomes a syntax error instead of a warning.
            warnings.simplefilter("error")
            return ast.parse(source, mode="eval")
    except SyntaxError as exc:
        column: Optional[int] = None
        if exc.lineno is not None and exc.offset is not None:
            starts = line_starts(source)
            if 1 <= exc.lineno <= len(starts):
                column = max(1, min(starts[exc.lineno - 1] + exc.offset, len(source) + 1))
        raise FormulaError("formula-syntax", f"invalid syntax: {exc.msg}", source, column) from None
    except (RecursionError, MemoryError):
        raise FormulaError("formula-too-deep", "formula is nested too deeply to parse", source) from None
    except ValueError as exc:
        raise FormulaError("formula-syntax", f"invalid formula: {exc}", source) from None
