"""docs/evaluation-format.md "How cell text is read", tested against perfscore.targets.

Every row of the examples table must be exactly what ``parse_cell`` gives, and every list the
section gives in backticks (comparator symbols and words, units, spellings, prefixes, not
applicable, blank fillers, budget words, approximate words) must be exactly the code's list:
a word the code does not accept fails the test as surely as a word the docs leave out.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

import pytest

from conftest import DOCS
from perfscore.cells import Comparator, ValueKind, comparators, parse_cell, units
from perfscore.cells import parse as targets

DOC = DOCS / "evaluation-format.md"
NONE = "—"
EMPTY = "*(empty)*"
IMPLICIT = "(≥)"


def _section() -> str:
    text = DOC.read_text(encoding="utf-8")
    assert "\n## How cell text is read\n" in text
    return text.split("\n## How cell text is read\n", 1)[1].split("\n## ", 1)[0]


SECTION = _section()


def _table(header: str) -> list[list[str]]:
    """The body rows of the table whose header line starts with ``header``, cell by cell."""
    lines = SECTION.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(header))
    rows = []
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in line.strip().strip("|").split("|")])
    return rows


def _ticked(text: str) -> list[str]:
    return re.findall(r"`([^`]+)`", text)


def _bullet(name: str) -> str:
    """The text of the bullet that starts with ``- **name**``, continuation lines included."""
    match = re.search(rf"^- \*\*{re.escape(name)}\*\*(.*?)(?=^- |^\n|\n\n|\Z)", SECTION, flags=re.M | re.S)
    assert match, f"no bullet **{name}** in the section"
    return match[1]


# --- the examples table -----------------------------------------------------------------------

EXAMPLES = _table("| cell | kind | comparator | number | unit | label | reference | problem |")


def _cell(text: str) -> str:
    if text == EMPTY:
        return ""
    match = re.fullmatch(r"`([^`]+)`", text)
    assert match, f"an example cell must be in backticks or {EMPTY}: {text}"
    return match[1]


@pytest.mark.parametrize("row", EXAMPLES, ids=[f"row{i}" for i in range(1, len(EXAMPLES) + 1)])
def test_each_documented_example_parses_as_documented(row: list[str]) -> None:
    cell, kind, comparator, number, unit, label, reference, problem = row
    got = parse_cell(_cell(cell))
    stated = NONE if got.comparator is None else got.comparator.value
    if got.kind is ValueKind.NUMBER and got.comparator is None:  # a bare number: shown as (≥)
        assert got.effective_comparator is Comparator.GE
        stated = IMPLICIT
    documented = {
        "cell": cell,
        "kind": kind,
        "comparator": comparator,
        "number": number,
        "unit": unit,
        "label": label,
        "reference": reference,
        "problem": problem,
    }
    parsed = {
        "cell": cell,
        "kind": got.kind.value,
        "comparator": stated,
        "number": NONE if got.number is None else str(got.number),
        "unit": got.unit or NONE,
        "label": got.label or NONE,
        "reference": got.reference or NONE,
        "problem": got.problem or NONE,
    }
    assert parsed == documented, f"the docs example {cell} does not parse as documented"


def test_the_examples_cover_every_kind_and_comparator() -> None:
    assert 30 <= len(EXAMPLES) <= 65
    assert all(len(row) == 8 for row in EXAMPLES)
    assert {ValueKind(row[1]) for row in EXAMPLES} == set(ValueKind)
    assert {row[2] for row in EXAMPLES} >= {c.value for c in Comparator} | {IMPLICIT}
    cells = [row[0] for row in EXAMPLES]
    assert len(set(cells)) == len(cells), "an example is listed twice"


# --- the lists in the section against the code's own tables ----------------------------------


def _symbol_spellings() -> Iterator[tuple[str, Comparator]]:
    """Every symbol the code reads: its own, and each single character it translates into one."""
    yield from comparators.SYMBOLS.items()
    for code_point, replacement in targets._TRANSLATE.items():
        if replacement in comparators.SYMBOLS and chr(code_point) != replacement:
            yield chr(code_point), comparators.SYMBOLS[replacement]


def _by_comparator(table: dict[str, Comparator | None]) -> dict[str, set[str]]:
    grouped: dict[str, set[str]] = {}
    for spelling, comparator in table.items():
        grouped.setdefault("none" if comparator is None else comparator.value, set()).add(spelling)
    return grouped


COMPARATORS = {row[0]: row for row in _table("| comparator | symbols |")}
#: What a negation makes of each comparator, as the **Negated** bullet says: not < is ≥ ...
NOT = {"<": "≥", ">": "≤", "≥": "<", "≤": ">"}


def _negated_words() -> tuple[list[str], dict[str, str], dict[str, str]]:
    """The **Negated** bullet: its negations, its negatable words with the comparator each
    states alone, and every negation + word it describes with the comparator it states."""
    text = _bullet("Negated")
    negations = _ticked(text.split("directly before", 1)[0])
    groups = re.findall(r"((?:`[^`]+`\s*)+)\(([<>≥≤])\)", text.split("directly before", 1)[1])
    negatable = {word: comparator for words, comparator in groups for word in _ticked(words)}
    composed = {neg + word: NOT[c] for neg in negations for word, c in negatable.items()}
    return negations, negatable, composed


@pytest.mark.parametrize(
    ("column", "table"),
    [
        (1, dict(_symbol_spellings())),
        (2, comparators.WORDS),
        (3, comparators.SUFFIXES),
    ],
    ids=["symbols", "words before", "words after"],
)
def test_the_comparator_table_lists_exactly_what_the_code_accepts(
    column: int, table: dict[str, Comparator | None]
) -> None:
    documented = {name: set(_ticked(row[column])) for name, row in COMPARATORS.items()}
    if column == 2:  # words before the number: the table's, and every negated word
        for word, comparator in _negated_words()[2].items():
            documented[comparator].add(word)
    documented = {name: words for name, words in documented.items() if words}
    assert documented == _by_comparator(table)


def test_the_negated_words_are_the_codes() -> None:
    negations, negatable, composed = _negated_words()
    assert negations == list(comparators.NEGATIONS)
    assert negatable == {word: c.value for word, c in comparators.NEGATABLE.items()}
    for word, comparator in composed.items():  # each is read as the bullet says, in a cell too
        assert comparators.WORDS[word] is Comparator(comparator)
        assert parse_cell(f"满意度{word}95%").comparator is Comparator(comparator), word
    # the table's own negated words agree with the rule
    table = {w: name for name, row in COMPARATORS.items() for w in _ticked(row[2])}
    assert all(table[w] == c for w, c in composed.items() if w in table)


def test_the_comparator_table_has_one_row_per_comparator() -> None:
    assert set(COMPARATORS) == {c.value for c in Comparator} | {"none"}


def test_the_civil_code_words_are_read_as_article_1259_says() -> None:
    assert "民法典 第一千二百五十九条" in SECTION
    # 以上、以下、以内 include the number; 不满、超过 do not.
    assert parse_cell("5次以上").comparator is Comparator.GE
    assert parse_cell("5次以下").comparator is Comparator.LE
    assert parse_cell("5次以内").comparator is Comparator.LE
    assert parse_cell("超过5次").comparator is Comparator.GT
    assert parse_cell("不满5次").comparator is Comparator.LT
    # and so their negations: not exceeding includes the number, not reaching excludes it.
    assert parse_cell("不得超过5次").comparator is Comparator.LE
    assert parse_cell("未超过5次").comparator is Comparator.LE
    assert parse_cell("不超5次").comparator is Comparator.LE
    assert parse_cell("未达到5次").comparator is Comparator.LT
    assert parse_cell("未满5年").comparator is Comparator.LT


def test_the_negation_markers_are_the_codes() -> None:
    # The bullet names the markers that are not also negations above it.
    assert set(comparators.NEGATION_MARKERS) == {
        *comparators.NEGATIONS,
        *_ticked(_bullet("Negation not covered")),
    }


def test_the_approximate_words_are_the_codes() -> None:
    prefixes = re.search(r"\(\?P<approx>([^()]*)\)", targets._NUMBER.pattern)
    after_label = re.search(r"\(\?P<approx_after>([^()]*)\)", targets._NUMBER.pattern)
    assert prefixes and after_label, "the approximate words moved in targets._NUMBER"
    assert prefixes[1] == after_label[1]
    assert set(_ticked(_bullet("Approximate"))) == set(prefixes[1].split("|")) | comparators.APPROX
    words = re.search(r"one of the words ([^,]*),", " ".join(_bullet("Approximate").split()))
    assert words, "the Approximate bullet no longer lists the words ending in 约"
    assert words[1].split() == targets._YUE_WORDS.split()


def test_the_units_are_the_codes() -> None:
    assert set(_ticked(_bullet("Units"))) == set(units.BASE_UNITS)


def test_the_other_spellings_are_the_codes() -> None:
    pairs = re.findall(r"`([^`]+)` → `([^`]+)`", _bullet("Also written"))
    assert len(pairs) == len(_ticked(_bullet("Also written"))) // 2
    assert dict(pairs) == units.UNIT_ALIASES


def test_the_prefixes_and_prefixed_units_are_the_codes() -> None:
    digits = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")
    prefixes = re.findall(r"`([^`]+)` \(10([⁰¹²³⁴⁵⁶⁷⁸⁹]+)\)", _bullet("Prefixes"))
    assert {p: int(e.translate(digits)) for p, e in prefixes} == units.SCALES
    assert set(_ticked(_bullet("Prefixes"))) == set(units.SCALES)
    assert set(_ticked(_bullet("Prefixed units"))) == set(units.SCALABLE)


def test_the_conversions_in_the_section_hold() -> None:
    flat = " ".join(SECTION.split())
    assert "53万元 = 530000元, 1.5万人次 = 15000人次, 2万元/人 = 20000元/人" in flat
    assert units.convert(Decimal(53), "万元", "元") == Decimal(530000)
    assert units.convert(Decimal("1.5"), "万人次", "人次") == Decimal(15000)
    assert units.convert(Decimal(2), "万元/人", "元/人") == Decimal(20000)
    for a, b in [("天", "个工作日"), ("%", "百分点"), ("%", "‰"), ("公斤", "千克")]:
        assert a in SECTION and b in SECTION
        assert not units.units_compatible(a, b)


def test_not_applicable_is_the_codes_list() -> None:
    assert set(_ticked(_bullet("Not applicable"))) - {"not_applicable"} == set(targets._NOT_APPLICABLE)


def test_blank_fillers_are_the_codes() -> None:
    pattern = targets._BLANK.pattern
    assert pattern.startswith("[") and pattern.endswith("]*"), "targets._BLANK changed shape"
    fillers = set(re.sub(r"\\(.)", r"\1", pattern[1:-2].replace("\\s", "")))
    assert set(_ticked(_bullet("Blank"))) - {"blank"} == fillers
    for filler in fillers:
        assert parse_cell(filler * 2).kind is ValueKind.BLANK


def test_the_budget_words_are_the_codes() -> None:
    groups = re.findall(r"\(\?:([^()]*)\)", targets._BUDGET.pattern)
    assert len(groups) == 3, "targets._BUDGET changed shape"
    lead, keywords, tail = (set(group.split("|")) for group in groups)
    text = _bullet("budget_ref")
    documented = _ticked(text)
    assert set(documented) == lead | keywords | tail
    assert set(_ticked(text.split("containing", 1)[0])) == lead
    assert set(_ticked(text.split("containing", 1)[1].split("then", 1)[0])) == keywords
    assert set(_ticked(text.split("optionally", 1)[1])) == tail
