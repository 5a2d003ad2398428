"""A formula's text before its tree: its length, its characters, its brackets, and parsing it.

:func:`check_text` scans the text once before ``ast.parse`` sees it; :func:`parse` then parses it
and turns a syntax error into a :class:`~perfscore.errors.FormulaError` located in the text.
"""

from __future__ import annotations

import ast
import re
import warnings
from typing import Optional

from perfscore.codes import messages
from perfscore.errors import FormulaError

from .runtime import MAX_DEPTH, MAX_SOURCE_LENGTH

_ALLOWED_WHITESPACE = frozenset(" \t\n\r")

# A number glued to a keyword ("1if A else 2"): newer Pythons warn and parse() refuses it, but
# Python 3.9 parses it silently, and the language must not depend on the Python it runs on.
_GLUED_KEYWORD = re.compile(
    r"(?<![A-Za-z_])\d[\d_.]*(?:[eE][+-]?\d+)?(?:if|else|and|or|not|in|is)(?![A-Za-z0-9_])"
)


def refusal(
    code: str, source: str, column: Optional[int] = None, variant: str = "", **values: object
) -> FormulaError:
    """The :class:`FormulaError` of ``code`` (its ``variant``, if named) for ``source``, at
    ``column``: its words are the code's (:mod:`perfscore.codes`), with ``values`` filled in."""
    return FormulaError(code, messages(code, variant=variant, **values)[1], source, column)


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
        raise refusal(
            "formula-too-long", source, MAX_SOURCE_LENGTH + 1, length=len(source), limit=MAX_SOURCE_LENGTH
        )
    if not source.strip():
        raise refusal("formula-syntax", source, variant="empty")
    glued = _GLUED_KEYWORD.search(source)
    if glued:
        raise refusal("formula-syntax", source, glued.start() + 1, "glued")
    _check_characters(source)


def _check_characters(source: str) -> None:
    depth = 0
    for index, ch in enumerate(source):
        if ch > "~" or (ch < " " and ch not in _ALLOWED_WHITESPACE):
            letter = ("a" + ch).isidentifier()
            code, variant = ("formula-name", "letter") if letter else ("formula-character", "")
            raise refusal(code, source, index + 1, variant, char=ch, number=ord(ch))
        if ch == "\\":
            raise refusal("formula-character", source, index + 1, "backslash")
        if ch in "([{":
            depth += 1
            if depth > MAX_DEPTH:
                raise refusal("formula-too-deep", source, index + 1, "brackets", limit=MAX_DEPTH)
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
        raise refusal("formula-syntax", source, column, detail=exc.msg) from None
    except (RecursionError, MemoryError):
        raise refusal("formula-too-deep", source, variant="parse") from None
    except ValueError as exc:
        raise refusal("formula-syntax", source, variant="invalid", detail=exc) from None
