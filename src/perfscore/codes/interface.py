"""Codes: command line and API (api, cli)."""

from __future__ import annotations

from .code import Code, problem

CODES: tuple[Code, ...] = (
    problem(
        "several-tables",
        "文件包含 {count} 张表，请用 read_evaluations 逐张读取",
        "the file holds {count} tables; read them with read_evaluations",
    ),
    problem(
        "no-such-table",
        "--table {table}：文件只有 {count} 张表",
        "--table {table}: the file holds {count} table(s)",
    ),
)
