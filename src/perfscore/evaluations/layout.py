"""What each row of a form is, told from its labels: a title, a 项目支出名称 / 主管部门 / 实施单位
row, the 项目资金 block's header, the indicator header row, a 总分 row.

A :class:`Layout` holds the labels one family of forms writes, each column's synonyms among
them; :data:`NATIONAL` is the one the reader knows (the Ministry of Finance's 2020 templates
and the variants seen in provinces). Where to add:

- **a header synonym** (a region writes 绩效指标值 for 年度指标值): add it to its column's tuple
  in :mod:`.vocabulary` (the data), or, without changing perfscore, pass it to
  :meth:`Layout.extended` (``evaluations_from_grid(..., vocabulary={"target": ("绩效指标值",)})``).
  Labels are compared as :func:`label_key` gives them (no spaces, no trailing colon or "(分)").
- **a layout** whose rows are told apart by other labels: a new :class:`Layout` value here,
  given to :func:`~.tables.collect_evaluations` (``layout=``), which reads with :data:`NATIONAL`
  unless told otherwise.

Every pattern here runs in time linear in its text: no two quantifiers can match the same
characters (a run of spaces is taken by one \\s+ or \\s*), and a label is looked at only when
it is short enough to be one (:data:`LABEL_CHARS`).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from typing import Optional

import attrs

from ..cells import ValueKind, parse_cell
from .grid import Cell
from .vocabulary import (
    BUDGET_COLUMNS,
    BUDGET_TOTALS,
    EXTRA_COLUMNS,
    FUND_ENDINGS,
    GRADE_LABELS,
    INDICATOR_COLUMNS,
    META_LABELS,
    NOTE_PREFIXES,
    SCORE_LABELS,
    STANDARD_COLUMNS,
    TITLE_MARKS,
    TOTAL_ROW,
    YEAR_LABELS,
)

__all__ = [
    "BUDGET_AMOUNTS",
    "EXPECTED_COLUMNS",
    "LABEL_CHARS",
    "NATIONAL",
    "TITLE_CHARS",
    "HeaderIndex",
    "Layout",
    "blank",
    "cell_kind",
    "goal_label",
    "header_index",
    "infer_form",
    "infer_year",
    "label_and_value",
    "label_key",
    "lines_joined",
    "only_text",
    "row_keys",
    "title_line",
]

EXPECTED_COLUMNS = (
    "a table with the columns 一级指标 / 二级指标 / 三级指标 / 年度指标值 / 实际完成值 / 分值 / 自评得分"
)

BUDGET_AMOUNTS = ("initial", "full_year", "executed", "adjustment")
"""The amount columns of the 项目资金 block, by role."""

LABEL_CHARS = 200
"""A cell longer than this (spaces at either end aside) is not a label: the longest header, title
or total label of any layout is under 40 characters, with a unit or a note in brackets under 100."""
TITLE_CHARS = 80
"""A title is at most this long ("2023 年度项目支出绩效自评表" and its variants are about 20)."""

SPACES = re.compile(r"\s+")
_TRAILING_UNIT = re.compile(r"[（(][^（()）]*[)）]$")
_YEAR = re.compile(r"((?:19|20)[0-9]{2})\s*年")
_GOAL = re.compile(
    r"(?:年度)?(?:绩效)?目标\s*[0-9一二三四五六七八九十]{1,3}[^()（）]{0,40}[（(]\s*[0-9]+(?:\.[0-9]+)?\s*分\s*[)）]"
)
_TARGET_MARKS = ("指标值", "目标值")
"""What an unknown header naming a target holds."""
_WHOLE_UNIT = re.compile(r"(?:部门|单位)[（(]?(?:单位)?[)）]?整体(?:绩效|自评)")
"""部门整体绩效自评表 (重庆), 单位整体绩效…, 部门（单位）整体自评 — a department form without 支出"""
_TITLE_LINE = re.compile(
    r"[（(]?\s*(?:19|20)[0-9]{2}\s*年度?\s*[)）]?|.*(?:项目支出|整体支出|专项资金|自评表|评价表).*"
)


def label_key(text: str) -> str:
    """A label as compared: no spaces, no trailing colon or "(分)"; "" for a text too long to be a
    label (:data:`LABEL_CHARS`)."""
    if len(text) <= LABEL_CHARS:
        return _label_key(text) if text else ""
    text = text.strip()
    return _label_key(text) if len(text) <= LABEL_CHARS else ""


@functools.lru_cache(maxsize=8192)
def _label_key(text: str) -> str:
    """:func:`label_key` of a text of at most :data:`LABEL_CHARS`, computed once per distinct
    text: a table asks for the key of each cell several times (is the row a header, a budget
    header, a labelled value, a total?), and most texts repeat from form to form."""
    text = text.strip()
    return _TRAILING_UNIT.sub("", SPACES.sub("", text).rstrip(":：")).replace("（", "(").replace("）", ")")


def row_keys(row: Sequence[Cell]) -> list[str]:
    """The :func:`label_key` of each cell of ``row``: what a row is recognised by, found once
    per row and handed to each test of it (header, budget header, labelled values, total)."""
    return [label_key(cell.text) for cell in row]


def label_and_value(text: str) -> tuple[str, str]:
    """A cell holding its label and value ("自评得分：87", "年度: 2023", "自评得分 87") → the
    label's :func:`label_key` and the value, spaces collapsed; ("", "") when it holds no value
    after a colon or a space. Found once per distinct short text."""
    return _label_and_value(text) if len(text) <= LABEL_CHARS else _split_label(text)


def _split_label(text: str) -> tuple[str, str]:
    head, colon, rest = SPACES.sub(" ", text.strip()).partition("：")
    if not colon:
        head, colon, rest = head.partition(":")
    if not colon:  # "自评得分 87"
        head, colon, rest = head.partition(" ")
    return (label_key(head), " ".join(rest.split())) if colon and rest.strip() else ("", "")


_label_and_value = functools.lru_cache(maxsize=8192)(_split_label)


def lines_joined(text: str) -> str:
    """A cell's lines joined (Word wraps 一级 / 二级 cells: "产出指标\\n(50 分)")."""
    return "".join(line.strip() for line in text.splitlines()).strip()


def blank(text: str) -> bool:
    """True for a cell that holds nothing (spaces, "……" filler and the like)."""
    return cell_kind(text) is ValueKind.BLANK


def cell_kind(text: str) -> ValueKind:
    """The kind of value a cell's text holds (:func:`~perfscore.cells.parse_cell`), found once
    per distinct short text: a table's cells repeat ("", "……", "不适用", "≥95%")."""
    return _cell_kind(text) if len(text) <= LABEL_CHARS else parse_cell(text).kind


@functools.lru_cache(maxsize=8192)
def _cell_kind(text: str) -> ValueKind:
    return parse_cell(text).kind


def only_text(row: Sequence[Cell]) -> str:
    """The row's one non-blank text (repeated or not), or "" when it has none or several."""
    found = ""
    for cell in row:
        text = cell.text.strip()
        if text and text != found:
            if found:
                return ""
            found = text
    return found


def goal_label(text: str) -> bool:
    """True for a goal block's label (湖北: "年度绩效目标1(40分)", "目标2（40 分）")."""
    return len(text) <= TITLE_CHARS and _GOAL.fullmatch(SPACES.sub("", text)) is not None


def title_line(text: str) -> bool:
    """True for a line that continues a title: the year on its own ("（2021年度）") or a line
    naming the form or the self-evaluation."""
    return len(text) <= TITLE_CHARS and _TITLE_LINE.fullmatch(SPACES.sub("", text)) is not None


def infer_form(title: str) -> str:
    """The form a title names: 整体支出 (部门整体绩效, 单位整体…) → department, 专项资金 →
    special_fund, 项目支出 → project."""
    compact = SPACES.sub("", title[: LABEL_CHARS * 10])
    if "整体支出" in compact or _WHOLE_UNIT.search(compact):
        return "department"
    if "专项资金" in compact:
        return "special_fund"
    if "项目支出" in compact:
        return "project"
    return ""


def infer_year(title: str) -> int:
    """The year a title names ("2023 年度…" → 2023), or 0."""
    match = _YEAR.search(title[: LABEL_CHARS * 10])
    return int(match.group(1)) if match else 0


HeaderIndex = Mapping[str, tuple[tuple[int, int, str], ...]]
"""Header text → (the role's place, the text's preference, the role) of each role it names."""


def header_index(names: Mapping[str, tuple[str, ...]]) -> HeaderIndex:
    """Each header text of ``names`` (role → its texts, preferred first) → where it stands:
    for each role that has it, the role's place in ``names`` and the text's among the role's."""
    index: dict[str, list[tuple[int, int, str]]] = {}
    for place, (role, texts) in enumerate(names.items()):
        for preference, text in enumerate(texts):
            index.setdefault(text, []).append((place, preference, role))
    return {text: tuple(entries) for text, entries in index.items()}


@attrs.frozen
class Layout:
    """The labels of one family of forms (a vocabulary, :mod:`.vocabulary`), and how a row is
    recognised by them."""

    indicator_columns: Mapping[str, tuple[str, ...]]
    """The indicator header row: each column's role → its header texts, preferred first."""
    required: tuple[str, ...]
    """Roles the indicator header row must have for a row to be one (and one of weight/score)."""
    note_prefixes: tuple[str, ...]
    """A header starting with one of these is the note column when no header names it exactly."""
    budget_columns: Mapping[str, tuple[str, ...]]
    """The 项目资金 block's header row: each column's role → its header texts."""
    budget_totals: tuple[str, ...]
    """Labels of the block's total row (年度资金总额)."""
    fund_endings: tuple[str, ...]
    """Endings of a fund line's name (财政拨款, 上年结转资金), for a block without a side label."""
    meta: Mapping[str, tuple[str, ...]]
    """The cells naming the project, department and unit: each field → its labels."""
    total_row: tuple[str, ...]
    """Labels of the row that ends the indicator rows (总分)."""
    extra_columns: tuple[str, ...] = EXTRA_COLUMNS
    """Headers of columns kept as written in a row's ``extra``."""
    score_labels: tuple[str, ...] = SCORE_LABELS
    """Labels of a self score printed in the header area."""
    grade_labels: tuple[str, ...] = GRADE_LABELS
    """Labels of a grade printed in the header area."""
    title_marks: tuple[str, ...] = TITLE_MARKS
    """What a title holds (spaces aside): one of these."""
    standard_columns: tuple[str, ...] = STANDARD_COLUMNS
    """Headers of a scoring rule column (评分标准): with a name, a weight and a score and no
    target or actual, they make a scoring-standard table's header."""
    meta_labels: Mapping[str, str] = attrs.field(init=False)
    """Every label of :attr:`meta` → its field."""

    @meta_labels.default
    def _meta_labels(self) -> Mapping[str, str]:
        return {label: key for key, labels in self.meta.items() for label in labels}

    mark_labels: Mapping[str, str] = attrs.field(init=False)
    """Every label of :attr:`score_labels` and :attr:`grade_labels` → ``score`` or ``grade``."""

    @mark_labels.default
    def _mark_labels(self) -> Mapping[str, str]:
        labels = dict.fromkeys(self.score_labels, "score")
        labels.update(dict.fromkeys(self.grade_labels, "grade"))
        labels.update(dict.fromkeys(YEAR_LABELS, "year"))
        return labels

    known_headers: frozenset[str] = attrs.field(init=False)
    """Every header text of :attr:`indicator_columns` and :attr:`extra_columns`."""

    @known_headers.default
    def _known_headers(self) -> frozenset[str]:
        known = {text for texts in self.indicator_columns.values() for text in texts}
        return frozenset(known.union(self.extra_columns))

    indicator_index: HeaderIndex = attrs.field(init=False)
    """:func:`header_index` of :attr:`indicator_columns`."""

    @indicator_index.default
    def _indicator_index(self) -> HeaderIndex:
        return header_index(self.indicator_columns)

    budget_index: HeaderIndex = attrs.field(init=False)
    """:func:`header_index` of :attr:`budget_columns`."""

    @budget_index.default
    def _budget_index(self) -> HeaderIndex:
        return header_index(self.budget_columns)

    def extended(self, vocabulary: Mapping[str, Sequence[str]]) -> Layout:
        """This layout with more header texts: ``vocabulary`` maps a role of
        :attr:`indicator_columns` (or ``budget.<role>`` for :attr:`budget_columns`, ``meta.<field>``
        for :attr:`meta`, ``extra`` for :attr:`extra_columns`) to texts added after the known ones.
        Raises ValueError for a role the layout does not have."""
        columns = {k: list(v) for k, v in self.indicator_columns.items()}
        budget = {k: list(v) for k, v in self.budget_columns.items()}
        meta = {k: list(v) for k, v in self.meta.items()}
        extra = list(self.extra_columns)
        for role, texts in vocabulary.items():
            added = [label_key(text) for text in ([texts] if isinstance(texts, str) else texts)]
            part, _, name = role.rpartition(".")
            table = {"": columns, "budget": budget, "meta": meta}.get(part)
            if role == "extra":
                extra.extend(added)
            elif table is not None and name in table:
                table[name].extend(added)
            else:
                raise ValueError(f"unknown column role {role!r}")
        return attrs.evolve(
            self,
            indicator_columns={k: tuple(v) for k, v in columns.items()},
            budget_columns={k: tuple(v) for k, v in budget.items()},
            meta={k: tuple(v) for k, v in meta.items()},
            extra_columns=tuple(extra),
        )

    def header_columns(
        self,
        row: Sequence[Cell],
        names: Mapping[str, tuple[str, ...]],
        index: HeaderIndex,
        keys: Optional[Sequence[str]] = None,
    ) -> dict[str, int]:
        """Each role of ``names`` whose header is in ``row`` → its column: the column of the
        role's most preferred header, one role per column. ``index`` is :func:`header_index` of
        ``names``: the row's texts are looked up in it, not the vocabulary matched against them.
        ``keys`` is :func:`row_keys` of ``row`` when the caller has it."""
        labels = row_keys(row) if keys is None else keys
        headers: dict[str, int] = {}  # each header of ``names`` in the row → its first column
        for column, (cell, label) in enumerate(zip(row, labels)):
            if label in index and label not in headers and not (cell.anchor and not cell.text.strip()):
                headers[label] = column
        # the headers present, by role (in the order of ``names``) then preference
        present = sorted((*entry, column) for key, column in headers.items() for entry in index[key])
        found: dict[str, int] = {}
        taken: set[int] = set()
        for _, _, field, column in present:
            if field not in found and column not in taken:
                found[field] = column
                taken.add(column)
        if "note" in names and "note" not in found:
            for column, label in enumerate(labels):
                if column not in taken and label.startswith(self.note_prefixes):
                    found["note"] = column
                    break
        return found

    def indicator_header(self, row: Sequence[Cell], keys: Optional[Sequence[str]] = None) -> dict[str, int]:
        """The indicator header's columns by role, or {} when ``row`` is not one (``keys``:
        :func:`row_keys` of ``row`` when the caller has it)."""
        keys = row_keys(row) if keys is None else keys
        if self.indicator_index.keys().isdisjoint(keys):  # most rows: no header text at all
            return {}
        found = self.header_columns(row, self.indicator_columns, self.indicator_index, keys)
        if all(field in found for field in self.required) and ("weight" in found or "score" in found):
            return found
        if self.scoring_standard(found, keys):
            return found
        return {}

    def scoring_standard(self, found: Mapping[str, int], keys: Sequence[str]) -> bool:
        """True for the header of a scoring-standard table: a name, a weight, a score and a
        scoring rule (评分标准), and no target or actual column — nor a header the vocabulary
        does not know that names a target (绩效指标值, 预期目标值: read as a standard table, its
        rows would be taken at their own scores)."""
        return (
            all(field in found for field in ("name", "weight", "score"))
            and "target" not in found
            and "actual" not in found
            and any(key in self.standard_columns for key in keys)
            and not any(mark in key for key in keys for mark in _TARGET_MARKS)
        )

    def extras(self, row: Sequence[Cell], columns: Mapping[str, int]) -> dict[str, int]:
        """The header row's columns kept as written: each header → its column (a header of
        :attr:`extra_columns`, or a synonym of a role another column took)."""
        known = self.known_headers
        taken = set(columns.values())
        found: dict[str, int] = {}
        for index, cell in enumerate(row):
            key = label_key(cell.text)
            if index not in taken and key in known and not (cell.anchor and not cell.text.strip()):
                found.setdefault(key, index)
        return found

    def only_headers(self, row: Sequence[Cell]) -> bool:
        """True when every cell of ``row`` with a text of its own is a header of the vocabulary
        (the lower line of a two-row header)."""
        known = self.known_headers
        texts = [label_key(cell.text) for cell in row if cell.text.strip() and not cell.anchor]
        return bool(texts) and all(key in known or key.startswith(self.note_prefixes) for key in texts)

    def budget_header(self, row: Sequence[Cell], keys: Optional[Sequence[str]] = None) -> dict[str, int]:
        """The 项目资金 header's columns by role, or {} when ``row`` is not one: it names the
        年初预算 column, or two of the :data:`BUDGET_AMOUNTS` columns."""
        keys = row_keys(row) if keys is None else keys
        if self.budget_index.keys().isdisjoint(keys):
            return {}
        found = self.header_columns(row, self.budget_columns, self.budget_index, keys)
        amounts = [field for field in BUDGET_AMOUNTS if field in found]
        return found if "initial" in found or len(amounts) >= 2 else {}

    def title(self, row: Sequence[Cell], text: Optional[str] = None) -> str:
        """The table's title when ``row`` is one (its one text, spaces collapsed), else "";
        ``text``: :func:`only_text` of ``row`` when the caller has it."""
        text = only_text(row) if text is None else text
        if text and len(text) <= TITLE_CHARS:
            compact = SPACES.sub("", text)
            if any(mark in compact for mark in self.title_marks):
                return " ".join(text.split())
        return ""

    def labelled(
        self, row: Sequence[Cell], labels: Mapping[str, str], keys: Optional[Sequence[str]] = None
    ) -> dict[str, tuple[str, Cell]]:
        """Each field of ``labels`` labelled in ``row`` → the value after its label and its
        cell: the next cell with text, or the rest of the label's cell after a colon or a space."""
        keys = row_keys(row) if keys is None else keys
        found: dict[str, tuple[str, Cell]] = {}
        for index, cell in enumerate(row):
            if cell.anchor or not cell.text:
                continue
            key = labels.get(keys[index])
            if key is None:
                head, rest = label_and_value(cell.text)
                key = labels.get(head) if rest else None
                if key is not None and key not in found:
                    found[key] = (rest, cell)
                continue
            if key in found:
                continue
            for position in range(index + 1, len(row)):
                other = row[position]
                value = other.text.strip()
                if other.anchor == cell.address or not value:
                    continue
                if keys[position] not in labels:
                    found[key] = (" ".join(value.split()), other)
                break
        return found

    def meta_values(self, row: Sequence[Cell], keys: Optional[Sequence[str]] = None) -> dict[str, str]:
        """Each 项目支出名称 / 主管部门 / 实施单位 field labelled in ``row`` → the value after it."""
        return {key: value for key, (value, _) in self.labelled(row, self.meta_labels, keys).items()}

    def header_marks(
        self, row: Sequence[Cell], keys: Optional[Sequence[str]] = None
    ) -> dict[str, tuple[str, Cell]]:
        """A self score ("score"), a grade ("grade") or a year ("year") printed in the header
        area, with its cell."""
        return self.labelled(row, self.mark_labels, keys)


NATIONAL = Layout(
    indicator_columns=INDICATOR_COLUMNS,
    required=("name", "target", "actual"),
    note_prefixes=NOTE_PREFIXES,
    budget_columns=BUDGET_COLUMNS,
    budget_totals=BUDGET_TOTALS,
    fund_endings=FUND_ENDINGS,
    meta=META_LABELS,
    total_row=TOTAL_ROW,
)
"""The national templates (财预〔2020〕10号 附件3/4) and the variants provinces use: the whole
vocabulary of :mod:`.vocabulary`."""
