"""Self-evaluation tables read from the Word (.docx) and Excel (.xlsx) files units fill in.

A form is read in three steps, each in its own module: its zip package is checked against the
limits (:mod:`.package`, :mod:`.limits`) before any XML is parsed; the format's reader turns it
into :data:`~.grid.Grid` s — one per document (:mod:`.docx`) or one per worksheet
(:mod:`.xlsx`) — with merged cells expanded as :mod:`.grid` documents; and every table in
the grids is read (:mod:`.tables`). To read another format, write its reader (a file to grids)
and add its suffixes to :data:`FORMATS` (and to ``OFFICE_SUFFIXES`` in :mod:`.load`).

Cell addresses: ``Sheet1!D14`` (worksheet and cell) for .xlsx; ``表1 R14C4`` (the document's
first table, row 14, grid column 4, 1-based) for .docx, and ``段3`` for its third paragraph.

python-docx and openpyxl (the ``office`` extra) are imported only when a file is read.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import localcontext
from pathlib import Path
from typing import Union

from ..decimals import CONTEXT
from ..errors import EvaluationError
from .docx import read_docx
from .grid import Grid
from .model import Evaluation
from .problems import problem
from .tables import collect_evaluations, not_a_table
from .xlsx import read_xlsx

__all__ = ["FORMATS", "read_evaluations"]

FORMATS: Mapping[str, tuple[str, Callable[[Path, str], list[Grid]]]] = {
    ".docx": ("Word", read_docx),
    ".docm": ("Word", read_docx),
    ".xlsx": ("Excel", read_xlsx),
    ".xlsm": ("Excel", read_xlsx),
}
"""Each suffix read: the kind of file it names (in messages) and its reader, a file and the
name its problems give it → the file's grids."""

_OLD_FORMATS = (".doc", ".xls", ".wps", ".et")
"""Suffixes of forms saved in a format not read, told to save it as .docx or .xlsx."""


def read_evaluations(
    path: Union[str, Path], *, region: str = "", form: str = "", year: int = 0
) -> list[Evaluation]:
    """Every self-evaluation table in a .docx or .xlsx file, in order (附件4 holds one table per
    一级项目, so a document may hold several).

    ``region``, ``form`` and ``year`` are used when given; otherwise form and year are inferred
    from each table's title ("2023 年度项目支出绩效自评表" → project, 2023) and region is "".
    Raises :class:`EvaluationError` listing every problem, each naming the file and cell: the
    file cannot be opened, is larger than a ``MAX_*`` limit of :mod:`.limits` (code
    ``too-large``), holds no self-evaluation table, or has number cells (分值, 自评得分,
    budget amounts) that cannot be read as numbers. Amounts are read in
    :data:`perfscore.decimals.CONTEXT`, whatever the caller's decimal context.
    """
    name = str(path)
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        hint = " (save it as .docx or .xlsx)" if suffix in _OLD_FORMATS else ""
        reason = "unknown self-evaluation table format" + hint
        found = suffix or "(none)"
        raise EvaluationError(
            [problem("unknown-format", file=name, found=found, expected=".docx or .xlsx", reason=reason)]
        )
    with localcontext(CONTEXT):
        grids = _grids(Path(path), name, suffix)
        evaluations = [
            evaluation
            for grid in grids
            for evaluation in collect_evaluations(grid, source=name, region=region, form=form, year=year)
        ]
    if not evaluations:
        raise EvaluationError([not_a_table(name)], f"{name}: not a self-evaluation table")
    return evaluations


def _grids(path: Path, name: str, suffix: str) -> list[Grid]:
    """The file's grids, read by its format's reader; whatever a broken file makes the reader
    raise is a ``file-unreadable`` problem."""
    kind, reader = FORMATS[suffix]
    try:
        return reader(path, name)
    except EvaluationError:
        raise
    except ImportError as exc:
        reason = f"reading {suffix} needs python-docx and openpyxl (pip install 'perfscore[office]'): {exc}"
        raise EvaluationError([problem("file-unreadable", file=name, reason=reason)]) from None
    except Exception as exc:  # a broken file: zipfile, lxml, KeyError, openpyxl's and docx's own errors
        reason = f"cannot open as a {kind} file: {type(exc).__name__}: {exc}"[:2000]
        raise EvaluationError([problem("file-unreadable", file=name, reason=reason)]) from None
