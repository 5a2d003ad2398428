"""Method inputs a form gives in a column of its own (重庆: 得分系数 for the coefficient method's
``coef``): read once per table, before the rows are scored, into each row's ``inputs``.

A per-cent input is read as the table writes it: ``95%`` and ``95`` are 95. A column whose every
cell is between 0 and 1 may be fractions (0.95 for 95%) or small percentages: the table's own
scores decide (weight × cell against weight × cell / 100, at the printed places), and when they
cannot, the row's input is left out with a finding (never a guess)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Optional

import attrs

from ..cells import ValueKind
from ..decimals import places, quantize
from ..evaluations import IndicatorRow
from ..rules.plan import Plan, normalize_label
from .findings import Findings
from .values import parse

__all__ = ["column_inputs"]

_HUNDRED = Decimal(100)
_ONE = Decimal(1)
_NOTHING = (ValueKind.BLANK, ValueKind.NOT_APPLICABLE)


def column_inputs(plan: Plan, rows: tuple[IndicatorRow, ...], findings: Findings) -> tuple[IndicatorRow, ...]:
    """``rows``, each given the inputs the ruleset's methods read from the form's columns (a row
    that states an input keeps its own)."""
    found: dict[int, dict[str, Decimal]] = {}
    for name, (headers, percent) in plan.input_columns.items():
        cells = _cells(rows, name, headers, findings, percent)
        if not cells:
            continue
        scale = _scale(rows, cells) if percent else _ONE
        for i, (number, written, header) in cells.items():
            if percent and written:  # 95%: the number before the sign
                found.setdefault(i, {})[name] = number
            elif scale is None:
                at = f"{rows[i].where}.inputs.{name}"
                shown = repr(str(number))
                findings.add("input-ambiguous", at, found=shown, text=shown, column=header)
            else:
                found.setdefault(i, {})[name] = number * scale
    if not found:
        return rows
    return tuple(
        attrs.evolve(row, inputs={**found[i], **row.inputs}) if i in found else row
        for i, row in enumerate(rows)
    )


def _cells(
    rows: Sequence[IndicatorRow], name: str, headers: tuple[str, ...], findings: Findings, percent: bool
) -> dict[int, tuple[Decimal, bool, str]]:
    """Row index → the column's number, whether it was written with %, and the column's header,
    for the rows without the input of their own whose cell holds a number. A cell that holds
    something else (text, a broken or overlong number) or, in a per-cent column, a negative
    number is reported at the cell and left out (the row then lacks the input), never read as 0."""
    wanted = {normalize_label(h) for h in headers}
    out = {}
    for i, row in enumerate(rows):
        if name in row.inputs or not row.extra:
            continue
        header = next((k for k in row.extra if normalize_label(k) in wanted), None)
        if header is None:
            continue
        text = row.extra[header]
        cell = parse(text)
        if cell.number is not None and not (percent and cell.number < 0):
            out[i] = (cell.number, cell.unit == "%", header)
        elif cell.kind not in _NOTHING:
            at, shown = f"{row.where}.inputs.{name}", repr(text if len(text) <= 40 else text[:40] + "…")
            variant = "negative" if cell.number is not None else ""
            findings.add("input-unreadable", at, variant=variant, found=shown, text=shown, column=header)
    return out


def _scale(rows: Sequence[IndicatorRow], cells: Mapping[int, tuple[Decimal, bool, str]]) -> Optional[Decimal]:
    """What a bare cell of a per-cent column is multiplied by: 1 (per cent as written), 100
    (fractions), or None when the table cannot tell."""
    bare = {i: number for i, (number, written, _) in cells.items() if not written}
    if any(written for _, written, _ in cells.values()) or any(n > _ONE for n in bare.values()):
        return _ONE  # the column writes per cent
    as_fraction = as_percent = 0
    for i, number in bare.items():
        row = rows[i]
        if row.weight is None or row.reported_score is None:
            continue
        reported = row.reported_score
        digits = places(reported)
        fraction = quantize(row.weight * number, digits) == reported
        percent = quantize(row.weight * number / _HUNDRED, digits) == reported
        if fraction != percent:  # a row both readings give (a 0) tells nothing
            as_fraction += fraction
            as_percent += percent
    if as_fraction and not as_percent:
        return _HUNDRED
    if as_percent and not as_fraction:
        return _ONE
    return None
