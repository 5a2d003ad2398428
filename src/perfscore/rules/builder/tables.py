"""The tables of a ruleset file, declared (see :mod:`.fields`): its identity and sources, the
settings, the budget row, the grades, base data and derived values, the review settings, and
``FILE``, the top table that holds every other. :mod:`.schema` writes them out as
``schema/ruleset.schema.json``; the builder reads each table's keys from here.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Union

from ...decimals import ROUNDING_MODES
from ..model import EVIDENCE_LEVELS, FORMS, ReviewRules, Rounding
from ..registry import REGION
from .fields import (
    Definition,
    Field,
    Table,
    array,
    boolean,
    described,
    inline,
    integer,
    mapping,
    number,
    string,
    strings,
)
from .framework_tables import (
    BLOCK,
    CASE,
    CATEGORY,
    CITES,
    FORMULA,
    ID,
    IDENTIFIER,
    INDICATOR,
    LEVEL,
    METHOD,
    NAME,
    PARAMS,
    ROW_NAMES,
    SELECTION,
    TEXT,
    TIER,
)

__all__ = [
    "ACTUALS",
    "BUDGET",
    "BUDGET_BASES",
    "DEFINITIONS",
    "DERIVED",
    "FILE",
    "FRAMEWORK",
    "GRADE",
    "GRADING",
    "IDENTITY",
    "IN_FORCE",
    "NOT_APPLICABLE",
    "NOT_APPLICABLE_POLICIES",
    "REVIEW",
    "ROUNDING",
    "ROUNDINGS",
    "SOURCE",
]

#: The budget amounts a budget row's rate may divide by, with their names on the form.
BUDGET_BASES = {
    "full_year": "全年预算数",
    "initial": "年初预算数",
    "initial_plus_adjustment": "年初预算数 + 预算调整数",
}
#: How 不适用 rows count.
NOT_APPLICABLE_POLICIES = ("no_weight", "rescale")

# The loader's defaults, which the schema shows.
_ROUNDING = Rounding()
_REVIEW = ReviewRules()


def _json(value: Decimal) -> Union[int, float]:
    """A default as JSON writes it."""
    return int(value) if value == value.to_integral_value() else float(value)


ROUNDING = Table(
    "rounding",
    "How a score is rounded (舍入): decimal places and mode.",
    (
        Field(
            "places",
            "Decimal places (保留小数位数), 0 to 6.",
            integer(minimum=0, maximum=6, default=_ROUNDING.places),
        ),
        Field(
            "mode",
            "Rounding mode: half_up (四舍五入, the default), half_even (银行家舍入), down (toward zero, 截断), up (away from zero), floor (向下取整), ceiling (向上取整).",
            string(enum=list(ROUNDING_MODES), default=_ROUNDING.mode),
        ),
    ),
)

IN_FORCE = inline(
    "in_force",
    Field("from", "First year in force (起始年度).", integer(), required=True),
    Field(
        "to",
        "Last year in force (终止年度), at least `from`; leave out while still in force.",
        integer(),
    ),
)

IDENTITY = Table(
    "ruleset",
    "The ruleset's identity (规则集标识). These keys are never inherited through `extends`, so every file states them.",
    (
        Field(
            "id",
            "Stable id, lower-case letters, digits, '-' and '_'; several files may share an id as different editions (版本).",
            string(pattern=ID.pattern),
            required=True,
        ),
        Field(
            "region",
            "Region (行政区划): a 6-digit GB/T 2260 code such as 430602 (岳阳楼区), or CN for the national form.",
            string(pattern=REGION.pattern),
            required=True,
        ),
        Field(
            "form",
            "The form (表式) this ruleset scores: project (项目支出), department (部门整体支出) or special_fund (专项资金).",
            string(enum=list(FORMS)),
            required=True,
        ),
        Field("edition", "The edition's name (版本), e.g. a year.", string(), required=True),
        Field("in_force", "The years this edition is in force (施行年度).", IN_FORCE, required=True),
        Field(
            "name",
            "The ruleset's name (名称), Chinese and English.",
            {"allOf": [TEXT, {"required": ["zh"]}]},
            required=True,
        ),
        Field("aliases", "Other names (别名) that also find this ruleset.", strings()),
        Field(
            "extends",
            "Id of the parent ruleset (上级规则集) this one builds on; the parent's edition in force in `in_force.from` is used.",
            string(pattern=ID.pattern),
        ),
        Field(
            "abstract",
            "true for a shared base (共用基础规则集) that frameworks extend: not listed, never used to score; not inherited.",
            boolean(),
        ),
        Field(
            "total",
            "Maximum total score (总分), 100 unless set; inherited through `extends`.",
            number(exclusiveMinimum=0, default=100),
        ),
    ),
)

SOURCE = Table(
    "source",
    "A document the ruleset follows (依据文件), with how well its content is confirmed.",
    (
        Field(
            "id",
            "Id that blocks, indicators, methods and the budget row cite in `source`.",
            string(),
            required=True,
        ),
        Field(
            "title",
            "Title, usually with the document number (文号), e.g. 财预〔2020〕10号.",
            string(),
            required_alone=True,
        ),
        Field(
            "evidence",
            "Evidence level (证据等级): S = seen in a published source; SEED = read in a real self-evaluation report; SYS = seen in a deployed provincial system's code; R = widely reported, unconfirmed.",
            string(enum=list(EVIDENCE_LEVELS)),
            required_alone=True,
        ),
        Field("url", "Where the source can be read (链接).", string()),
        Field("note", "What the source does or does not confirm (备注).", string()),
    ),
)

BUDGET = Table(
    "budget",
    "The budget-execution row (预算执行率): rate = executed / base, scored by `formula`.",
    (
        Field("name", "The row's name; 预算执行率 unless set.", TEXT, alone={"required": ["zh"]}),
        Field(
            "points",
            "The row's weight (分值).",
            number(exclusiveMinimum=0),
            required_alone=True,
        ),
        Field(
            "base",
            "The budget the rate divides by: full_year (全年预算数), initial (年初预算数) or initial_plus_adjustment (年初预算数 + 预算调整数).",
            string(enum=list(BUDGET_BASES), default="full_year"),
        ),
        Field(
            "formula",
            "Score formula over W (points), rate, base, executed and the params; clipped to [0, points].",
            FORMULA.ref(default="W * min(rate, 1)"),
        ),
        Field("params", "Parameters (参数) only this formula sees, over the ruleset's [params].", PARAMS),
        Field("rounding", "Rounding of this row; `rounding.row` unless set.", ROUNDING),
        CITES,
        Field(
            "block",
            "Key of the block (一级指标) the row sits inside, if any; its points then count towards that block's points.",
            string(),
        ),
        Field(
            "aliases",
            "Other names of the budget row, when a table prints it among the indicator rows (e.g. 预算资金执行率).",
            strings(),
        ),
    ),
)

GRADE = Table(
    "grade",
    "A grade band (等级), e.g. 优 / 良 / 中 / 差.",
    (
        Field("label", "The grade (等级名称), e.g. 优.", string(), required=True),
        Field("en", "English label.", string()),
        Field("aliases", "Other names (别名), e.g. 优秀 for 优.", strings()),
        Field(
            "min",
            "Lowest total in the band (下限, inclusive).",
            number(minimum=0),
            required=True,
        ),
        Field(
            "max",
            "Upper end (上限, exclusive); the next band's `min`, or `total` for the top band (inclusive), unless set.",
            number(minimum=0),
        ),
    ),
)

GRADING = inline(
    "grading",
    Field(
        "optional",
        "Allow a ruleset with no grade bands (不评等级).",
        boolean(default=False),
    ),
)


DERIVED = Table(
    "derived",
    "A value computed once per evaluation (派生指标): a `formula` over base data, params and earlier derived values, or a `count` of rows.",
    (
        Field(
            "formula",
            "Formula over [base] names, params and earlier derived values. Give this or `count`.",
            FORMULA,
        ),
        Field(
            "count",
            "Count the rows of this category (二级指标), e.g. 数量指标. Give this or `formula`.",
            string(),
        ),
        Field("when", "With `count`: only rows for which this condition over W, T, A holds.", FORMULA),
        Field("zh", "Chinese label (中文名称).", string(), required_alone=True),
        Field("en", "English label.", string()),
        Field("unit", "Unit (计量单位), e.g. %.", string()),
    ),
    extra={"allOf": [{"not": {"required": ["formula", "count"]}}]},
    alone={"anyOf": [{"required": ["formula"]}, {"required": ["count"]}]},
)

REVIEW = Table(
    "review",
    "Review settings (复核设置) a region decides.",
    (
        Field(
            "rate_tolerance",
            "Gap allowed between a printed 执行率 and 执行数 / 预算数, as a fraction.",
            number(minimum=0, default=_json(_REVIEW.rate_tolerance)),
        ),
        Field(
            "score_tolerance",
            "Gap allowed between a reported and a recomputed sum of scores.",
            number(minimum=0, default=_json(_REVIEW.score_tolerance)),
        ),
        Field(
            "explain_below_weight",
            "A row scored below its weight needs a deviation note (偏差原因).",
            boolean(default=_REVIEW.explain_below_weight),
        ),
        Field(
            "explain_over_ratio",
            "Actual ≥ this × target needs a note (广西: 1.3).",
            number(exclusiveMinimum=0),
        ),
        Field(
            "explain_budget_below",
            "An execution rate (预算执行率) under this needs a note (四川: 0.9).",
            number(exclusiveMinimum=0),
        ),
        Field(
            "explain_over_when_zero",
            "广西: with a target of 0, an actual at or above this needs a deviation note (偏差原因分析), e.g. 30 [SYS actualValueCheck].",
            number(exclusiveMinimum=0),
        ),
    ),
)

ROUNDINGS = inline(
    "rounding",
    Field("row", "Rounding of each row's score (单项得分); 2 places half_up unless set.", ROUNDING),
    Field("total", "Rounding of the total (总分) before grading; 2 places half_up unless set.", ROUNDING),
)

NOT_APPLICABLE = inline(
    "not_applicable",
    Field(
        "policy",
        "no_weight: the rows carry no weight (不计分值); rescale: total = Σ scores / Σ applicable weights × total (折算).",
        string(enum=list(NOT_APPLICABLE_POLICIES), default="no_weight"),
    ),
)

ACTUALS = inline(
    "actuals",
    Field(
        "clamp_negative",
        "A negative actual counts as 0 (负数按 0 计).",
        boolean(default=True),
    ),
)

FRAMEWORK = inline(
    "framework",
    Field(
        "stated_points",
        "A table that prints its blocks' own points in their labels (产出指标(60分)), adding up with the budget row to the total, is scored on them, with an info finding: for a framework whose block points hold only in principle (原则上), as the national one.",
        boolean(default=False),
    ),
)

FILE = Table(
    "ruleset file",
    "A perfscore ruleset file (绩效自评计分规则集): one region's scoring framework for one form, in one edition. Checks structure, types, enums and patterns; sums, grade bands, references and formulas are checked by the loader (perfscore check / load_ruleset). See docs/ruleset-format.md.",
    (
        Field(
            "schema",
            "Version of the ruleset format; only 1 exists.",
            integer(const=1, default=1),
        ),
        Field("ruleset", "The ruleset's identity (规则集标识).", IDENTITY, required=True),
        Field(
            "sources",
            "Documents the ruleset follows (依据文件). A child's sources follow its parent's; one with a parent's id merges over it. At least one in a file without `extends`.",
            array(SOURCE),
            required_alone=True,
            alone={"minItems": 1},
        ),
        Field("params", "Named constants (参数) every formula may use.", PARAMS),
        Field("rounding", "Rounding (舍入) of each row and of the total.", ROUNDINGS),
        Field("not_applicable", "How 不适用 (not applicable) rows are treated.", NOT_APPLICABLE),
        Field("actuals", "How actuals (实际完成值) are read.", ACTUALS),
        Field("framework", "How binding the blocks' points are (一级指标分值).", FRAMEWORK),
        Field("budget", "The budget-execution row (预算执行率).", BUDGET),
        Field(
            "blocks",
            "The blocks (一级指标) in order. In a child ruleset they merge with the parent's by `key`.",
            array(BLOCK),
        ),
        Field("methods", "Scoring methods (计分方法) by name.", mapping(METHOD)),
        Field("selection", "Which method scores a row, by its target's comparator (比较符).", SELECTION),
        Field(
            "grades",
            "Grade bands (等级), from the highest down; they must meet and the lowest starts at 0. Required unless grading.optional = true.",
            array(GRADE),
        ),
        Field("grading", "Grading settings (评级).", GRADING),
        Field(
            "base",
            "Base data (基础数据) an evaluation may give, e.g. 编制数: identifiers other than W, T, A, each with a label.",
            mapping(
                described(TEXT, "The base value's label."),
                propertyNames={"pattern": NAME.pattern, "not": {"enum": list(ROW_NAMES)}},
            ),
            alone={"additionalProperties": {"required": ["zh"]}},
        ),
        Field(
            "derived",
            "Derived values (派生指标) computed once per evaluation: identifiers not used by W, T, A, base data or params.",
            mapping(DERIVED, propertyNames={"pattern": NAME.pattern, "not": {"enum": list(ROW_NAMES)}}),
        ),
        Field("review", "Review settings (复核设置).", REVIEW),
    ),
    shared=False,
    # a file without `extends` also states its grades, unless grading is optional
    alone={
        "allOf": [
            {
                "if": {
                    "required": ["grading"],
                    "properties": {
                        "grading": {"required": ["optional"], "properties": {"optional": {"const": True}}}
                    },
                },
                "else": {"required": ["grades"], "properties": {"grades": {"minItems": 1}}},
            }
        ]
    },
)

#: The shared definitions, in the order the schema lists them under ``$defs``.
DEFINITIONS: tuple[Union[Definition, Table], ...] = (
    FORMULA,
    IDENTIFIER,
    TEXT,
    PARAMS,
    ROUNDING,
    IDENTITY,
    SOURCE,
    BUDGET,
    BLOCK,
    CATEGORY,
    INDICATOR,
    METHOD,
    CASE,
    TIER,
    LEVEL,
    SELECTION,
    GRADE,
    DERIVED,
    REVIEW,
)
