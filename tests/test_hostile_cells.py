"""Hostile cell text: ``parse_cell`` is linear in the cell, whatever the cell holds (issue 11, class 1).

Every cell of every form goes through :func:`perfscore.cells.parse.parse_cell`, so one padded Word
cell used to stall a whole import, score or folder review: "a" + 100 spaces + "b" took seconds
to minutes (n⁵ in the run of spaces), 8,000 digits and a "!" 11-32 s, "在" + "预算" × 5,000 + "，"
seconds. Each payload here runs in a forked child under a time and memory bound
(``tests/bounds.py``): a regular expression cannot be interrupted from inside the process.

The time asserted is a wide bound (the fixed parser takes about a millisecond on 10,000
characters); ``benchmarks/bench.py`` measures the precise figure.
"""

from __future__ import annotations

import time
from decimal import Decimal

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import perfscore
from bounds import assert_clean, run_bounded
from conftest import EXAMPLE
from perfscore.cells import (
    MAX_NUMBER_CELL_CHARS,
    MAX_NUMBER_DIGITS,
    CellValue,
    Comparator,
    ValueKind,
    convert,
    parse_cell,
    units_compatible,
)

WIDE = 0.5
"""Seconds one parse may take in a test: hundreds of times what it takes."""

#: The inputs of the issue, each of which took seconds (or minutes) before the fix.
REPORTED = {
    "padded": "a" + " " * 100 + "b",
    "digits": "1" * 8000 + "!",
    "budget": "在" + "预算" * 5000 + "，",
}

#: The pieces the patterns are made of, and what breaks them: a hostile alphabet.
PIECES = (
    *(" ", "  ", "\t", "\n", "\u3000", "\xa0"),
    *("0", "1", "9", "95", "1,000", "，", ",", ".", "..", "。"),
    *(":", "：", "%", "％", "万元", "元", "次", "个工作日", "m2", "/", "元/人"),
    *("≥", "≤", ">", "<", "=", ">=", "＞", "≧", "+", "-", "±", "+/-"),
    *("预算", "投入", "在", "不超过", "不得低于", "未达到", "达到", "控制在", "为", "非", "不得"),
    *("约", "大约", "节约", "左右", "以上", "以内", "内", "范围内", "满意度", "率", "办结率"),
    *("a", "M", "e", "E", "x", "…", "—", "不适用", "无", "(", "（", "[", "!"),
)


def _timed(text: str) -> tuple[CellValue, float]:
    """Parse ``text`` and say how long it took (run in the child, so fork is not counted)."""
    start = time.perf_counter()
    cell = parse_cell(text)
    return cell, time.perf_counter() - start


def _parse_bounded(text: str, seconds: float = 5.0) -> CellValue:
    outcome = run_bounded(_timed, text, seconds=seconds, mib=256)
    assert_clean(outcome, repr(text[:80]))
    cell, took = outcome.value
    assert isinstance(cell, CellValue)
    assert cell.text == text
    assert took < WIDE, f"{text[:80]!r}: {took:.3f} s"
    return cell


# --- the reported inputs: these fail (time out, or take seconds) without the fix --------------


@pytest.mark.parametrize("name", sorted(REPORTED))
def test_the_reported_inputs_parse_at_once(name: str) -> None:
    cell = _parse_bounded(REPORTED[name])
    assert cell.kind is ValueKind.QUALITATIVE


def test_a_padded_cell_is_read_as_the_unpadded_cell() -> None:
    # The run of spaces is one space: the padding changes nothing a pattern sees.
    assert _parse_bounded("a" + " " * 100 + "b") == attrs.evolve(
        parse_cell("a b"), text="a" + " " * 100 + "b"
    )
    padded = "满意度" + " " * 100 + "≥" + "\u3000" * 100 + "95" + "\t" * 50 + "%"
    cell = _parse_bounded(padded)
    assert (cell.kind, cell.label, cell.comparator, cell.number, cell.unit) == (
        ValueKind.NUMBER,
        "满意度",
        Comparator.GE,
        Decimal(95),
        "%",
    )
    cell = _parse_bounded("服务对象" + " \n " * 30 + "满意度95%")
    assert (cell.kind, cell.label) == (ValueKind.NUMBER, "服务对象 满意度")


# --- the bounds ---------------------------------------------------------------------------------


def test_a_cell_over_the_limit_is_text_with_a_note() -> None:
    label = "满" * (MAX_NUMBER_CELL_CHARS - 3)
    assert parse_cell(label + "95%").kind is ValueKind.NUMBER  # exactly the limit: still read
    cell = parse_cell(label + "度95%")
    assert cell.kind is ValueKind.QUALITATIVE and cell.number is None
    assert cell.problem == f"too long to be a number: {MAX_NUMBER_CELL_CHARS + 1} characters (limit 200)"
    padded = " " * 1000 + label[1:] + " " * 1000 + "95%" + " " * 1000  # padding is not length
    assert parse_cell(padded).kind is ValueKind.NUMBER


def test_a_long_sentence_without_a_digit_is_plain_text() -> None:
    assert parse_cell("按月完成" * 100) == CellValue("按月完成" * 100, ValueKind.QUALITATIVE)


def test_a_long_budget_reference_is_text() -> None:
    text = "不超过" + "区级专项" * 60 + "预算"
    assert parse_cell(text).kind is ValueKind.QUALITATIVE
    assert parse_cell("不超过区级专项预算").kind is ValueKind.BUDGET_REF


def test_a_number_with_too_many_digits_is_not_read() -> None:
    most = "9" * MAX_NUMBER_DIGITS
    assert parse_cell(most + "元").number == Decimal(most)
    cell = parse_cell("≥" + most + "9元")
    assert cell.kind is ValueKind.GARBLED and cell.number is None
    assert (
        cell.problem == f"oversized number, not read: {MAX_NUMBER_DIGITS + 1} significant digits (limit 28)"
    )
    # Significant digits: leading zeros are not counted, the decimal point and separators neither.
    assert parse_cell("0" * 100 + "5%").number == Decimal(5)
    assert parse_cell("0." + "0" * 100 + "5").number == Decimal("0." + "0" * 100 + "5")
    assert parse_cell("1," + ",".join(["000"] * 8) + ".5").number == Decimal("1" + "000" * 8 + ".5")
    assert parse_cell("1," + ",".join(["000"] * 10)).kind is ValueKind.GARBLED


def test_the_notes_reach_the_report_in_chinese() -> None:
    example = EXAMPLE
    evaluation = perfscore.read_evaluation(example)
    rows = list(evaluation.rows)
    rows[0] = attrs.evolve(rows[0], target="≥95%", actual="1" * 40 + "%")
    rows[1] = attrs.evolve(rows[1], actual="完成率" * 100 + "95%")
    report = perfscore.score(attrs.evolve(evaluation, rows=tuple(rows)), "430602-project")
    notes = {f.location: f.message_zh for f in report.findings if f.code == "questionable-cell"}
    garbled = {f.location: f.message_zh for f in report.findings if f.code == "garbled-cell"}
    assert "数字位数过多" in garbled["rows[0].actual"]  # a number not read: not scorable, never guessed
    assert "单元格过长" in notes["rows[1].actual"]


# --- a hostile corpus -----------------------------------------------------------------------------


def _corpus() -> dict[str, str]:
    n = 10_000
    corpus = {
        f"run of {piece!r}{tail}": (piece * n)[:n] + tail for piece in PIECES for tail in ("", "!", "1")
    }
    corpus.update({f"'a' + run of {piece!r} + 'b'": "a" + (piece * 3000)[:3000] + "b" for piece in PIECES})
    corpus.update(
        {
            "alternating space digit": "1 " * 5000,
            "alternating label space": "率 " * 5000 + "95%",
            "alternating colon space": ": " * 5000 + "95",
            "words then number": "不超过" * 3000 + "95%!",
            "negations": "不得" * 4000 + "低于95%",
            "approx words": "约" * 8000 + "95%",
            "about after label": "满意度" + "大约" * 4000 + "95",
            "units": "95" + "万元" * 4000 + "!",
            "suffixes": "95%" + "以上" * 4000 + "。",
            "points": "1." * 5000,
            "commas": "1," * 5000,
            "thousands": "1" + ",000" * 2400 + "!",
            "full-width thousands": "１" + "，０００" * 2400 + "!",
            "full-width digits": "９" * 9000 + "％",
            "letters and digits": "a1" * 5000 + "万元!",
            "budget words": "在" + "预算投入" * 2400 + "，",
            "budget suffixes": "不超过预算" + "范围内" * 3000 + "1",
            "nested brackets": "(" * 3000 + "（95%）" + ")" * 3000,
            "nested square": "[" * 4000 + "95" + "]" * 4000,
            "10,000 mix": ("满意度：≥ 95 % 以上，" * 1000)[:10_000],
            "mix with newlines": ("办结率\n\n100%\r\n" * 1000)[:10_000],
            "exponent": "1e999999999",
            "exponent, unit": "1E999999999元",
            "exponent, comparator": "≥9e999999999%",
            "many digits": "9" * 9999 + "%",
            "decimal digits": "0." + "0" * 9000 + "1",
            "lone surrogates": "\ud800\udfff" * 100 + "95%",
            "surrogate in number": "9\ud8005%",
            "control characters": "".join(chr(c) for c in range(32)) * 50 + "95%",
            "NUL in number": "9\x005%",
            "RTL marks": "\u202e95%\u202c" + "\u200f" * 3000,
            "zero width": "\u200b".join("满意度≥95%"),
            "BOM": "\ufeff≥95%",
            "only spaces": " " * 10_000,
            "only fillers": "…" * 10_000,
            "tolerance run": "±" * 5000 + "5%",
            "plus minus run": "+/-" * 3000 + "5",
            "date run": "2024.5.9" * 1200,
        }
    )
    return corpus


CORPUS = _corpus()


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_a_hostile_cell_parses_at_once(name: str) -> None:
    _parse_bounded(CORPUS[name])


def test_short_hostile_cells_read_as_before() -> None:
    # The bounds do not change what a short cell says.
    assert parse_cell("1e999999999").kind is ValueKind.QUALITATIVE
    assert parse_cell("≥9e999999999%").kind is ValueKind.GARBLED
    assert parse_cell("９９％").number == Decimal(99)


# --- the rest of targets.py ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "value", ["1E+999999999", "1E-999999999", "9" * 5000, "-0", "Infinity", "NaN", "sNaN", "1E+999999"]
)
def test_convert_never_computes_with_a_huge_exponent(value: str) -> None:
    # convert moves the exponent exactly (no arithmetic), so a huge one costs nothing.
    outcome = run_bounded(convert, Decimal(value), "万元", "元", seconds=5, mib=256)
    assert_clean(outcome, value)
    assert outcome.elapsed < 5


def test_units_compare_in_bounded_time() -> None:
    unit = "万" * 10_000 + "元" + "/人" * 5000
    outcome = run_bounded(units_compatible, unit, "元", seconds=5, mib=256)
    assert_clean(outcome)
    assert outcome.value is False


# --- any text ------------------------------------------------------------------------------------

_RUNS = st.tuples(st.sampled_from(PIECES), st.integers(1, 3000)).map(lambda pair: pair[0] * pair[1])
_ANY = st.text(max_size=4)
_TEXTS = st.lists(st.one_of(st.sampled_from(PIECES), _RUNS, _ANY), max_size=60).map(
    lambda parts: "".join(parts)[:10_000]
)


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(_TEXTS)
def test_any_text_parses_at_once(text: str) -> None:
    start = time.perf_counter()
    cell = parse_cell(text)
    took = time.perf_counter() - start
    assert isinstance(cell, CellValue) and cell.text == text
    assert took < 1.0, f"{len(text)} characters took {took:.3f} s"
    if cell.kind is ValueKind.NUMBER:
        assert cell.number is not None
        assert len(cell.number.as_tuple().digits) <= MAX_NUMBER_DIGITS
        assert len(" ".join(text.split())) <= MAX_NUMBER_CELL_CHARS
