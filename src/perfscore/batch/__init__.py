"""The batch path: many evaluations scored from two long-format tables (Arrow, or pandas).

``evaluations`` holds one record per table, ``rows`` one per indicator row; :func:`score_batch`
scores each evaluation exactly as :func:`perfscore.score` does and returns two Arrow tables, one
record per evaluation and one per row. A bad row or evaluation comes back with its error, never
dropped. docs/batch.md describes the columns, the CLI (``perfscore batch``) and running it on
Dask or Spark. Needs the ``batch`` extra (pyarrow).
"""

from __future__ import annotations

from .columns import BUDGET_COLUMNS, EVALUATION_COLUMNS, ROW_COLUMNS
from .run import BatchResult, score_batch

__all__ = ["BUDGET_COLUMNS", "EVALUATION_COLUMNS", "ROW_COLUMNS", "BatchResult", "score_batch"]
