"""The problems reading an evaluation file can raise, worded by :mod:`perfscore.codes`.

A reader names the code and gives the values; the message is the code's Chinese and English
templates filled in, Chinese first (``无法读取文件：… / …``). :func:`too_large` and :func:`unreadable` raise at once: a form beyond a limit or
that cannot be opened is not read any further.
"""

from __future__ import annotations

from typing import Any, NoReturn, Optional, Union

from ..codes import Words, messages
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
    """A :class:`Problem` with code ``code``, its message the code's Chinese and English
    templates over ``values``, Chinese first (``无法读取文件：… / …``). A ``reason`` or ``what``
    given in :class:`Words` is said in each language; one given only in English (a library's
    own words) is left out of the Chinese, which then says the code's own words alone."""
    told: dict[str, Any] = {
        k: Words("", v) if k in _TOLD and type(v) is str else v for k, v in values.items()
    }
    zh, en = messages(code, **told)
    return Problem(code, f"{zh.rstrip('：')} / {en}", file=file, path=path, found=found, expected=expected)


#: The values a reader tells in words, in both languages when it can.
_TOLD = frozenset({"reason", "what"})


def too_large(file: str, where: str, what: Union[str, Words], found: str, limit: str) -> NoReturn:
    """Raise ``too-large``: ``what`` at ``where`` is ``found``, beyond ``limit``."""
    refused = problem("too-large", file=file, path=where, found=found, expected=limit, what=what)
    raise EvaluationError([refused], f"{file}: too large to read")


def unreadable(file: str, reason: Union[str, Words], where: str = "") -> NoReturn:
    """Raise ``file-unreadable`` with ``reason`` (in :class:`Words` when it can be said in
    Chinese); ``where`` names the part of the file."""
    raise EvaluationError(
        [problem("file-unreadable", file=file, path=where, reason=reason)], f"{file}: {reason}"
    )
