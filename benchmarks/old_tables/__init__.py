"""The table reader before issue 14, verbatim (git show 5dcd77c:src/perfscore/evaluations/{tables,
layout,values,budget}.py), kept as the benchmark's baseline (benchmarks/forms.py): a grid of cells
to its :class:`~perfscore.evaluations.model.Evaluation` s. Only the imports of the rest of perfscore
are absolute (its ``grid``, ``model``, ``problems``, ``cells``, unchanged in what these use); the
four modules import each other as they did.

:func:`old_evaluations` is the old ``office.read_evaluations`` after its grids were read:
every table of every grid, in the library's decimal context.
"""

from __future__ import annotations

from decimal import localcontext

from perfscore.decimals import CONTEXT
from perfscore.evaluations.grid import Grid
from perfscore.evaluations.model import Evaluation

from .tables import collect_evaluations

__all__ = ["old_evaluations"]


def old_evaluations(grids: list[Grid], name: str) -> list[Evaluation]:
    """Every table of ``grids`` read by the old table reader, as the old ``read_evaluations`` did."""
    with localcontext(CONTEXT):
        return [evaluation for grid in grids for evaluation in collect_evaluations(grid, source=name)]
