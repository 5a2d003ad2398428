"""The problems reading an evaluation file can raise, worded by :mod:`perfscore.codes`.

A reader names the code and gives the values; the message is the code's English template
filled in. :func:`too_large` and :func:`unreadable` raise at once: a form beyond a limit or
that cannot be opened is not read any further.
"""

from __future__ import annotations

from typing import Any, NoReturn, Optional

from ..codes import messages
from ..errors import EvaluationError, Problem

__all__ = ["problem", "too_large", "unreadable"]


def problem(
    code: str,
    *,
    file: Optional[str],
    path: str = "",
    found: Optional[str] = None,
    expected: Optional[str] = None,
    **values: Any,
) -> Problem:
    """A :class:`Problem` with code ``code``, its message the code's template over ``values``."""
    message = messages(code, **values)[1]
    return Problem(code, message, file=file, path=path, found=found, expected=expected)


def too_large(file: str, where: str, what: str, found: str, limit: str) -> NoReturn:
    """Raise ``too-large``: ``what`` at ``where`` is ``found``, beyond ``limit``."""
    refused = problem("too-large", file=file, path=where, found=found, expected=limit, what=what)
    raise EvaluationError([refused], f"{file}: too large to read")


def unreadable(file: str, reason: str, where: str = "") -> NoReturn:
    """Raise ``file-unreadable`` with ``reason``; ``where`` names the part of the file."""
    raise EvaluationError(
        [problem("file-unreadable", file=file, path=where, reason=reason)], f"{file}: {reason}"
    )
