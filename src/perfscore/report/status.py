"""The status of a scored row or budget block, shared by the results and every writer."""

from __future__ import annotations

from typing import Literal

__all__ = ["NOT_APPLICABLE", "NOT_SCORABLE", "SCORED", "Status"]

Status = Literal["scored", "not_applicable", "not_scorable"]

SCORED: Status = "scored"
NOT_APPLICABLE: Status = "not_applicable"
NOT_SCORABLE: Status = "not_scorable"
