"""A table that gives no region code: its region inferred from what the document names (实施单位,
主管部门, 项目名称, the title) against the GB/T 2260 code table, with a finding that says from
what; never guessed between candidates (朝阳区 alone: 北京 or 长春)."""

from __future__ import annotations

from typing import Optional

import attrs

from ..codes import messages
from ..errors import EvaluationError, Problem
from ..evaluations import Evaluation
from ..regions import find, name
from ..report import Finding

__all__ = ["infer_region"]

#: Where a form names its unit or place, most telling first: (attribute, 中文, English).
_NAMED_BY = (
    ("unit", "实施单位", "unit"),
    ("department", "主管部门", "department"),
    ("project", "项目名称", "project name"),
    ("title", "标题", "title"),
)


def infer_region(evaluation: Evaluation) -> tuple[Evaluation, Optional[Finding]]:
    """``evaluation`` with its region inferred when it gives none, and the finding that says so;
    an :class:`EvaluationError` (``region-missing``) when nothing it names decides one."""
    if evaluation.region:
        return evaluation, None
    candidates: list[str] = []
    for attribute, label, label_en in _NAMED_BY:
        text = getattr(evaluation, attribute)
        if not text:
            continue
        found = find(text)
        if found.code:
            finding = Finding.coded(
                "region-inferred",
                "evaluation.region",
                found=found.code,
                label=label,
                label_en=label_en,
                text=text,
                names="、".join(m.text for m in found.matches),
                region=found.code,
                name=name(found.code),
            )
            return attrs.evolve(evaluation, region=found.code), finding
        candidates.extend(c for c in found.ambiguous if c not in candidates)
    raise _missing(evaluation, candidates)


def _missing(evaluation: Evaluation, candidates: list[str]) -> EvaluationError:
    shown = "、".join(f"{c} {name(c)}" for c in candidates[:6])
    zh_more = f"（可能是 {shown}）" if shown else ""
    en_more = f" (it could be {', '.join(f'{c} {name(c)}' for c in candidates[:6])})" if shown else ""
    zh, en = messages("region-missing", candidates=zh_more, candidates_en=en_more)
    problem = Problem(
        "region-missing",
        f"{zh} / {en}",
        file=evaluation.source or None,
        path="evaluation.region",
        expected="a GB/T 2260 code, or a unit or place name in the table",
    )
    return EvaluationError([problem], f"{evaluation.source or 'evaluation'}: 1 problem(s)")
