"""Codes: evaluations and forms (evaluations/)."""

from __future__ import annotations

from .code import Code, problem

CODES: tuple[Code, ...] = (
    problem("unknown-format", "不是可读取的自评表：{reason}", "{reason}"),
    problem("too-large", "超出读取上限：{what}", "too large: {what}"),
)
