"""The batch summary workbook of the page: :func:`perfscore.report.summary.summary_workbook`
over the data of the batch's lines."""

from __future__ import annotations

from collections.abc import Sequence

from ..report.summary import summary_workbook as _workbook
from .results import Line

__all__ = ["summary_workbook"]


def summary_workbook(lines: Sequence[Line]) -> bytes:
    """The summary of a batch as .xlsx bytes (see :mod:`perfscore.report.summary`)."""
    return _workbook([line.data for line in lines])
