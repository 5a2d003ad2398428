"""The tables of a ruleset's framework, declared (see :mod:`.fields`): blocks, their categories
and indicators, the scoring methods and how a row's method is chosen; with the names and the
values every table shares.
"""

from __future__ import annotations

import re

from ..model import WEIGHT_RULES
from .fields import (
    Definition,
    Field,
    Table,
    array,
    boolean,
    described,
    mapping,
    number,
    string,
    strings,
)

__all__ = [
    "BLOCK",
    "BUDGET_NAMES",
    "CASE",
    "CATEGORY",
    "CITES",
    "FORMULA",
    "ID",
    "IDENTIFIER",
    "INDICATOR",
    "LEVEL",
    "METHOD",
    "METHOD_KINDS",
    "NAME",
    "PARAMS",
    "ROW_NAMES",
    "SELECTION",
    "TEXT",
    "TIER",
]

#: The names a row's formula always has: its weight, target and actual.
ROW_NAMES = ("W", "T", "A")
#: The names the budget row's formula always has.
BUDGET_NAMES = ("W", "rate", "base", "executed")
#: A ruleset's id (and the id it extends).
ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
#: A name a formula may use: a param, an input, base data, a derived value.
NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
#: The kinds of scoring method.
METHOD_KINDS = ("formula", "tiers", "qualitative")

# -- what every part of a file uses -----------------------------------------------------------

FORMULA = Definition(
    "formula",
    "A formula in perfscore's safe expression language (see docs/formulas.md); a bare number is accepted too. Names, syntax and allowed constructs are checked by the loader only.",
    {"type": ["string", "number"]},
)

IDENTIFIER = Definition(
    "name",
    "An identifier: a letter, then letters, digits or '_'.",
    string(pattern=NAME.pattern),
)

TEXT = Table(
    "text",
    "A bilingual label: Chinese (zh, required in a file without `extends`) and English (en).",
    (
        Field("zh", "Chinese text (中文), as printed on the form.", string()),
        Field("en", "English text, for reports and the CLI.", string()),
    ),
)

PARAMS = Definition(
    "params",
    "Named numeric constants (参数) for formulas. Names are identifiers other than W, T, A, rate, base and executed.",
    mapping(
        described(number(), "The parameter's value."),
        propertyNames={
            "pattern": NAME.pattern,
            "not": {"enum": list(dict.fromkeys((*ROW_NAMES, *BUDGET_NAMES)))},
        },
    ),
)

#: The key by which a block, an indicator, a method or the budget row cites its source.
CITES = Field(
    "source",
    "Id of the [[sources]] entry this follows (依据); must name a source of this ruleset or its parent.",
    string(),
)

# -- how a row is scored ------------------------------------------------------------------------

CASE = Table(
    "case",
    "One case of a formula method.",
    (
        Field("when", "Condition; leave out on the last case to catch every other row.", FORMULA),
        Field("score", "Score formula when the condition holds; clipped to [0, W].", FORMULA, required=True),
        Field("zh", "Reason printed for the row (得分说明), in Chinese.", string(), required=True),
        Field("en", "The reason in English.", string()),
    ),
)

TIER = Table(
    "tier",
    "One tier (档次): a range of `on` and the points it gives.",
    (
        Field("min", "Lower bound (下限), inclusive unless `min_open`; none = −∞.", number()),
        Field("max", "Upper bound (上限), exclusive unless `max_closed`; none = +∞.", number()),
        Field("min_open", "Exclude `min` from the tier (下限不含).", boolean(default=False)),
        Field("max_closed", "Include `max` in the tier (上限含).", boolean(default=False)),
        Field("points", "Points given in this tier (得分).", number(minimum=0), required=True),
    ),
)

LEVEL = Table(
    "level",
    "One qualitative level (定性等级), e.g. 达成 / 部分达成 / 未达成.",
    (
        Field("key", "Stable key of the level.", string(), required=True),
        Field("zh", "Chinese label (等级名称), e.g. 达成年度指标.", string(), required=True),
        Field("en", "English label.", string()),
        Field("aliases", "Other wordings (别名) an actual may use for this level.", strings()),
        Field(
            "low",
            "Lower end of the band, as a fraction of the weight (0–1).",
            number(minimum=0, maximum=1),
            required=True,
        ),
        Field(
            "high",
            "Upper end of the band, as a fraction of the weight (0–1).",
            number(minimum=0, maximum=1),
            required=True,
        ),
        Field(
            "score",
            "Fraction of the weight given when only the level is known (low ≤ score ≤ high).",
            number(minimum=0, maximum=1),
            required=True,
        ),
    ),
)

METHOD = Table(
    "method",
    "A named scoring method (计分方法): kind formula (cases or one formula), tiers (分档) or qualitative (定性).",
    (
        Field("name", "The method's name; its key unless set.", TEXT, alone={"required": ["zh"]}),
        Field(
            "kind",
            "formula (公式, the default), tiers (分档计分) or qualitative (定性分级).",
            string(enum=list(METHOD_KINDS), default="formula"),
        ),
        Field(
            "formula",
            "kind = formula: one score formula over W (分值), T (年度指标值), A (实际完成值), params, inputs and derived values. Give either this or `cases`.",
            FORMULA,
        ),
        Field(
            "reason",
            "kind = formula with `formula`: the reason (得分说明) printed for the row; 按公式计分 unless set.",
            TEXT,
            alone={"required": ["zh"]},
        ),
        Field(
            "cases",
            "kind = formula: ordered cases; the first whose `when` holds scores the row. A case without `when` must be last.",
            array(CASE),
        ),
        Field("tiers", "kind = tiers: the tiers (档次), each a range of `on` and its points.", array(TIER)),
        Field(
            "on",
            "kind = tiers: the expression the tiers are read on; A unless set.",
            FORMULA.ref(default="A"),
        ),
        Field(
            "levels",
            "kind = qualitative: the levels (等级), best first; their bands are contiguous and cover 0 to 1 of the weight.",
            array(LEVEL),
        ),
        Field(
            "inputs",
            "Per-row inputs (输入项) the evaluation supplies, e.g. events; identifiers other than W, T, A.",
            array({"type": "string", "pattern": NAME.pattern, "not": {"enum": list(ROW_NAMES)}}),
        ),
        Field(
            "columns",
            'Input → the headers of the form column (表格列) a row without that input takes it from, e.g. { coef = ["得分系数"] }.',
            mapping(array({"type": "string"}, minItems=1)),
        ),
        Field(
            "percent",
            "Inputs in per cent (百分数): 95% and 95 read 95; a column whose every cell is between 0 and 1 is read as fractions (0.95 → 95) where the table's own scores show it, else the row is not scorable.",
            array({"type": "string", "pattern": NAME.pattern}),
        ),
        Field("params", "Parameters (参数) only this method sees, over the ruleset's [params].", PARAMS),
        Field(
            "self_stated",
            "kind = qualitative: when the level cannot be told from the description, score the row at its reported score with an info finding (true, the default) or make it not scorable (false).",
            boolean(default=True),
        ),
        CITES,
    ),
    extra={
        "allOf": [
            {
                "if": {"properties": {"kind": {"const": "formula"}}},
                "then": {"not": {"required": ["formula", "cases"]}},
            }
        ]
    },
    # a file without `extends` states how each method scores
    alone={
        "allOf": [
            {
                "if": {"properties": {"kind": {"const": "formula"}}},
                "then": {
                    "anyOf": [
                        {"required": ["formula"]},
                        {"required": ["cases"], "properties": {"cases": {"minItems": 1}}},
                    ]
                },
            },
            {
                "if": {"required": ["kind"], "properties": {"kind": {"const": "tiers"}}},
                "then": {"required": ["tiers"], "properties": {"tiers": {"minItems": 1}}},
            },
            {
                "if": {"required": ["kind"], "properties": {"kind": {"const": "qualitative"}}},
                "then": {"required": ["levels"], "properties": {"levels": {"minItems": 1}}},
            },
        ]
    },
)

SELECTION = Table(
    "selection",
    "Which method scores a row, by the kind of its target (年度指标值).",
    (
        Field("GE", "Method for a ≥ target (不低于).", string()),
        Field("GT", "Method for a > target (高于).", string()),
        Field("EQ", "Method for an = target (等于).", string()),
        Field("LE", "Method for a ≤ target (不高于).", string()),
        Field("LT", "Method for a < target (低于).", string()),
        Field("implicit", "Method for a bare value such as 100% or 9次 (未写比较符).", string()),
        Field("budget_ref", "Method for 不超过预算投入 (≤ the budget amount).", string()),
        Field("qualitative", "Method for free text such as 按月完成 (定性指标).", string()),
        Field(
            "blank",
            "Method for a row with no target by design (—, - or blank; 决策/过程/管理 rows judged on the described achievement).",
            string(),
        ),
    ),
)

# -- the framework --------------------------------------------------------------------------------

CATEGORY = Table(
    "category",
    "A category (二级指标).",
    (
        Field("zh", "Chinese name (中文名称).", string(), required=True),
        Field("en", "English name.", string()),
        Field("aliases", "Other names (别名).", strings()),
        Field(
            "selection",
            "This category's own method choice, over its block's (e.g. 成本指标: a bare amount is a ceiling, implicit = \"reverse\").",
            SELECTION,
        ),
    ),
)

INDICATOR = Table(
    "indicator",
    "A fixed indicator (三级指标) of a block.",
    (
        Field(
            "key",
            "Stable key, unique in its block; a child ruleset merges or removes by it.",
            string(),
            required=True,
        ),
        Field(
            "name", "The indicator's name (指标名称).", TEXT, required_alone=True, alone={"required": ["zh"]}
        ),
        Field("aliases", "Other names (别名) an evaluation row may use.", strings()),
        Field("category", "The category (二级指标) it is printed under.", string()),
        Field(
            "weight",
            "The indicator's weight (分值).",
            number(exclusiveMinimum=0),
            required_alone=True,
        ),
        Field(
            "method",
            "Name of the method in [methods] that scores it (计分方法).",
            string(),
            required_alone=True,
        ),
        CITES,
        Field(
            "remove",
            "In a child ruleset: drop the parent's indicator with this key (删除).",
            boolean(default=False),
        ),
        Field("target", "Fixed target text (年度指标值), e.g. ≤100%.", string()),
        Field("actual_from", "Name of a [derived] value the actual (实际完成值) is taken from.", IDENTIFIER),
    ),
)

BLOCK = Table(
    "block",
    "A block (一级指标), such as 产出指标. In a file with `extends`, an entry with a parent block's key merges over it.",
    (
        Field(
            "key",
            "Stable key; a child ruleset merges or removes the parent's block by it.",
            string(),
            required=True,
        ),
        Field(
            "name", "The block's name (一级指标名称).", TEXT, required_alone=True, alone={"required": ["zh"]}
        ),
        Field("aliases", "Other names (别名) an evaluation's block cell may use.", strings()),
        Field(
            "points",
            "The block's points (分值).",
            number(exclusiveMinimum=0),
            required_alone=True,
        ),
        Field(
            "categories",
            "Categories (二级指标) of an open block, such as 数量指标, 质量指标.",
            array(CATEGORY),
        ),
        Field(
            "indicators",
            "Fixed indicators (三级指标) of a department framework; their weights add up to the block's points.",
            array(INDICATOR),
        ),
        CITES,
        Field(
            "selection",
            "This block's own method choice by target comparator, over the ruleset's [selection] (本一级指标的计分方法选择).",
            SELECTION,
        ),
        Field(
            "method",
            "Name of the method in [methods] that scores every row of this block, whatever its target (本一级指标统一计分方法); write this or `selection`, not both.",
            string(),
        ),
        Field(
            "default",
            "Rows with no 一级 cell whose category names no block go to this block (at most one block).",
            boolean(default=False),
        ),
        Field(
            "prefixes",
            "A block cell starting with one of these belongs to this block (e.g. 年度绩效目标 for 年度绩效目标1（40分）).",
            strings(),
        ),
        Field(
            "weights",
            "How the rows carry their weights: stated (each row prints its own, the default), divided (block points ÷ rows, rounded: the drift is info) or unstated (no weight column: rows are scored at their reported score, with info findings).",
            string(enum=list(WEIGHT_RULES), default="stated"),
        ),
        Field(
            "remove",
            "In a child ruleset: drop the parent's block with this key (删除).",
            boolean(default=False),
        ),
    ),
)
