"""Export a reviewed table: a scored workbook (.xlsx), Markdown, or one self-contained HTML page.

Every writer shows the same presentation model (:mod:`perfscore.report.view`); each lives in a
module of its own: :mod:`~perfscore.report.markdown`, :mod:`~perfscore.report.html` and
:mod:`~perfscore.report.xlsx`. This module chooses the writer for a format and turns a failure
to write a file into an :class:`ExportError` naming it.

A document with several tables (附件4 holds one per 一级项目) is exported whole by
:func:`export_tables`: one workbook per table, numbered in the document's order
(``x.scored.xlsx`` → ``x.scored.table1.xlsx``, ``x.scored.table2.xlsx``), each the same shape
as a single table's; Markdown and HTML as one document holding every table in order, each
under its own heading. No table's export ever overwrites another's.

openpyxl is needed for .xlsx only and is imported when a workbook is written.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Optional, Union

from ..decimals import in_context
from ..errors import PerfscoreError
from ..evaluations import Evaluation
from ..reviewing import OUTPUT_MARKER, Review
from .html import to_html
from .markdown import to_markdown
from .text import visible
from .view import ReportView
from .xlsx import workbook

__all__ = [
    "FORMATS",
    "ExportError",
    "ExportFormatError",
    "export",
    "export_tables",
    "table_path",
    "to_html",
    "to_markdown",
    "to_xlsx",
]

#: The formats :func:`export` writes.
FORMATS = ("xlsx", "md", "html")
_ALIASES = {"markdown": "md", "htm": "html", "excel": "xlsx"}

PathLike = Union[str, Path]


class ExportError(PerfscoreError, RuntimeError):
    """An export cannot be written (openpyxl is missing for .xlsx, or the file cannot be written)."""


class ExportFormatError(PerfscoreError, ValueError):
    """An unknown export format, or a format asked for without what it needs."""


@in_context
def to_xlsx(review: Review, path: PathLike, *, evaluation: Optional[Evaluation] = None) -> None:
    """Write the scored workbook to ``path``: the 自评表 sheet in the form's layout, 发现 and 规则.

    ``evaluation``, when given, supplies the budget block's 年初预算数 / 全年预算数 and its
    sub-rows, which the report keeps only as the rate's base amount.

    Raises :class:`ExportError` when openpyxl is not installed or the file cannot be written.
    """
    try:
        import openpyxl  # noqa: F401
    except ImportError as exc:
        raise ExportError("export to xlsx needs openpyxl: pip install 'perfscore[office]'") from exc

    with _writing(path):
        book = workbook(ReportView.of(review, evaluation))
        book.properties.keywords = OUTPUT_MARKER  # how a batch review knows it, whatever its name
        book.save(Path(path))


def export(
    review: Review,
    fmt: str,
    path: Optional[PathLike] = None,
    *,
    evaluation: Optional[Evaluation] = None,
) -> Optional[str]:
    """Export ``review`` as ``fmt`` (``xlsx``, ``md`` or ``html``).

    Markdown and HTML are returned as text, and also written (UTF-8) to ``path`` when one is
    given; a workbook is written to ``path``, which it needs, and ``None`` is returned.

    Raises :class:`ExportFormatError` for an unknown format or an xlsx without a path, and
    :class:`ExportError` when openpyxl is missing for xlsx or ``path`` cannot be written.
    """
    key = _format(fmt)
    if key == "xlsx":
        if path is None:
            raise ExportFormatError("export to xlsx writes a file: give a path")
        to_xlsx(review, path, evaluation=evaluation)
        return None
    with _writing(path if path is not None else f"the {key} export"):
        writer = to_markdown if key == "md" else to_html
        text = writer(review, evaluation=evaluation)
        if path is not None:
            Path(path).write_text(text, encoding="utf-8")
    return text


def export_tables(
    tables: Sequence[tuple[Review, Optional[Evaluation]]],
    fmt: str,
    path: Optional[PathLike] = None,
) -> tuple[list[Path], Optional[str]]:
    """Export every table of a document (each a review and, optionally, its evaluation):
    the files written, and the Markdown or HTML text.

    One table is :func:`export`\'s. Several: one workbook per table at :func:`table_path`
    (``path`` is needed); Markdown or HTML as one document with every table in order, under
    the headings 表 1/N, 表 2/N... (written to ``path`` when given)."""
    key = _format(fmt)
    if len(tables) == 1:
        ((review, evaluation),) = tables
        text = export(review, key, path, evaluation=evaluation)
        return ([] if path is None else [Path(path)]), text
    if key == "xlsx":
        if path is None:
            raise ExportFormatError("export to xlsx writes a file: give a path")
        written = [table_path(path, n, len(tables)) for n in range(1, len(tables) + 1)]
        for (review, evaluation), out in zip(tables, written):
            to_xlsx(review, out, evaluation=evaluation)
        return written, None
    with _writing(path if path is not None else f"the {key} export"):
        if key == "md":
            text = _joined_markdown([to_markdown(r, evaluation=e) for r, e in tables])
        else:
            text = _joined_html([to_html(r, evaluation=e) for r, e in tables])
        if path is not None:
            Path(path).write_text(text, encoding="utf-8")
    return ([] if path is None else [Path(path)]), text


def table_path(path: PathLike, n: int, count: int) -> Path:
    """Where table ``n`` of ``count`` goes: its number before the suffix, zero-padded so that
    the files sort in the document's order (``x.scored.xlsx`` → ``x.scored.table01.xlsx``
    when there are ten or more)."""
    path = Path(path)
    number = str(n).zfill(len(str(count)))
    return path.with_name(f"{path.stem}.table{number}{path.suffix}")


def _format(fmt: str) -> str:
    key = fmt.strip().lower().lstrip(".")
    key = _ALIASES.get(key, key)
    if key not in FORMATS:
        raise ExportFormatError(f"unknown export format {fmt!r}; formats: {', '.join(FORMATS)}")
    return key


def _joined_markdown(pages: Sequence[str]) -> str:
    """Every table's report under its own heading, demoted one level below it."""
    out = []
    for n, page in enumerate(pages, 1):
        demoted = "\n".join("#" + line if line.startswith("#") else line for line in page.splitlines())
        out.append(f"# 表 {n}/{len(pages)} · table {n} of {len(pages)}\n\n{demoted}\n")
    return "\n---\n\n".join(out)


def _joined_html(pages: Sequence[str]) -> str:
    """One page: the first page\'s head, then every page\'s body in a section of its own."""
    head, _, _ = pages[0].partition("<body>\n")
    sections = []
    for n, page in enumerate(pages, 1):
        body = page.partition("<body>\n")[2].rpartition("</body>")[0]
        sections.append(
            f'<section id="table{n}">\n<p class="legend">表 {n}/{len(pages)}</p>\n{body}</section>\n'
        )
    return head + "<body>\n" + "<hr>\n".join(sections) + "</body>\n</html>\n"


@contextlib.contextmanager
def _writing(path: PathLike) -> Iterator[None]:
    """Turn any failure to build or write ``path`` (no such folder, no permission, disk full, a
    path openpyxl or the file system refuses) into an :class:`ExportError` that names the file.
    perfscore's own errors pass through as they are."""
    try:
        yield
    except PerfscoreError:
        raise
    except OSError as exc:
        raise ExportError(f"无法写入 / cannot write {_shown_path(path)}: {exc.strerror or exc}") from None
    except Exception as exc:
        raise ExportError(
            f"无法写入 / cannot write {_shown_path(path)}: {type(exc).__name__}: {exc}"
        ) from exc


def _shown_path(path: PathLike) -> str:
    try:
        return visible(os.fspath(path), breaks=True)
    except Exception:  # not a path at all
        return repr(path)
