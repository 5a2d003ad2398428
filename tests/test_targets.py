"""Tests for perfscore.targets: parsing 年度指标值 / 实际完成值 cell text.

The seed strings are copied from the four seed reports (000 岳阳县工伤保险服务中心 2021, 002 会同县
2021, 003 岳阳楼区 2023, 004 怀化市 2022) so that these tests never read /work/shared.
"""

from __future__ import annotations

from decimal import Decimal
from typing import NamedTuple

import pytest
from hypothesis import given
from hypothesis import strategies as st

from perfscore.cells import (
    CellValue,
    Comparator,
    ValueKind,
    comparators,
    convert,
    parse_cell,
    units_compatible,
)

GE, GT, LE, LT, EQ = Comparator.GE, Comparator.GT, Comparator.LE, Comparator.LT, Comparator.EQ


class Want(NamedTuple):
    """The full meaning a cell must parse to. ``problem`` is a fragment of the expected
    problem text, "" for "any problem", or None for "no problem"."""

    kind: ValueKind
    comparator: Comparator | None = None
    number: str | None = None
    unit: str | None = None
    label: str | None = None
    reference: str | None = None
    problem: str | None = None


def num(
    number: str,
    unit: str | None = None,
    cmp: Comparator | None = None,
    label: str | None = None,
    problem: str | None = None,
) -> Want:
    return Want(ValueKind.NUMBER, cmp, number, unit, label, None, problem)


def budget(reference: str) -> Want:
    return Want(ValueKind.BUDGET_REF, LE, reference=reference)


QUAL = Want(ValueKind.QUALITATIVE)
NA = Want(ValueKind.NOT_APPLICABLE)
BLANK = Want(ValueKind.BLANK)


def garbled(why: str) -> Want:
    return Want(ValueKind.GARBLED, problem=why)


def check(text: str | None, want: Want) -> None:
    got = parse_cell(text)
    assert got.text == ("" if text is None else text)
    assert got.kind is want.kind
    assert got.comparator is want.comparator
    if want.number is None:
        assert got.number is None
    else:
        assert isinstance(got.number, Decimal)
        assert got.number == Decimal(want.number)
    assert got.unit == want.unit
    assert got.label == want.label
    assert got.reference == want.reference
    if want.problem is None:
        assert got.problem is None
    else:
        assert got.problem is not None
        assert want.problem in got.problem


# Every target (年度指标值 / 绩效目标值) and actual (实际完成值 / 完成情况) string in the seeds.
SEED_CELLS: list[tuple[str, str | None, Want]] = [
    # --- 003 岳阳楼区 2023: 附件3 整体支出自评表 and 附件4 项目支出自评表 (targets and actuals) ---
    ("003", "100%", num("100", "%")),
    ("003", "9次", num("9", "次")),
    ("003", "77起", num("77", "起")),
    ("003", "办结率100%", num("100", "%", label="办结率")),
    ("003", "当日办结，即时办结。", QUAL),
    ("003", "按月完成", QUAL),
    ("003", "网上申报后30个工作日完成", QUAL),
    ("003", "不超过预算投入", budget("预算投入")),
    ("003", "153.673.67万元", garbled("decimal point")),
    ("003", "不超过区级专项投入", budget("区级专项投入")),
    ("003", "16.54万元", num("16.54", "万元")),
    ("003", "不超过上级转移支付投入", budget("上级转移支付投入")),
    ("003", "53万元", num("53", "万元")),
    ("003", "98%", num("98", "%")),
    ("003", "≧95%", num("95", "%", GE)),
    ("003", "不适用", NA),
    ("003", "不适应", Want(ValueKind.NOT_APPLICABLE, problem="不适应")),
    ("003", "", BLANK),
    ("003", None, BLANK),
    ("003", "……", BLANK),
    # 003 budget blocks and 基础数据表: 执行率 / 控制率 cells, 厉行节约保障措施
    ("003", "99.75%", num("99.75", "%")),
    ("003", "75%", num("75", "%")),
    ("003", "能省则省", QUAL),
    # 003 年度总体目标 实际完成情况, 目标3 clause
    ("003", "工伤事故勘察77起", num("77", "起", label="工伤事故勘察")),
    # --- 000 岳阳县 2021: 绩效目标值 -> 完成情况 ---
    ("000", "40%", num("40", "%")),
    ("000", "60%", num("60", "%")),
    ("000", "≤0", num("0", None, LE)),
    ("000", "2054", num("2054")),
    ("000", "春节前下达全部资金95%以上，结余不超过上年结转", QUAL),
    ("000", "春节前下达全部资金100%", num("100", "%", label="春节前下达全部资金")),
    ("000", "112.79", num("112.79")),
    ("000", "95%", num("95", "%")),
    ("000", "效益明显", QUAL),
    ("000", "工伤保险保障率进一步提高", QUAL),
    ("000", "工伤保险保障给社会带来更好地效益", QUAL),
    # 000 定性目标 (预期目标 / 实际完成) as whole cells and as clauses
    ("000", "目标1：全年预算申请到位和下达数量在95%以上，三公经费变动率≤0。", QUAL),
    ("000", "全年预算申请到位和下达数量在95%以上", num("95", "%", GE, "全年预算申请到位和下达数量")),
    ("000", "三公经费变动率≤0", num("0", None, LE, "三公经费变动率")),
    ("000", "全年预算申请到位和下达数量均为100%", num("100", "%", None, "全年预算申请到位和下达数量")),
    ("000", "三公经费合计0万元", num("0", "万元", label="三公经费合计")),
    ("000", "变动率≤0", num("0", None, LE, "变动率")),
    ("000", "社会效益、经济效益、生态效益、可持续影响和社会公众满意度达到预期目标", QUAL),
    ("000", "工伤保险发放率", QUAL),
    ("000", "工伤保险发放率达到100%", num("100", "%", GE, "工伤保险发放率")),
    ("000", "“三公”经费控制率100%", num("100", "%", label="“三公”经费控制率")),
    # --- 002 会同县 2021 (narrative): budget, spend, balance, counts ---
    ("002", "6万元", num("6", "万元")),
    ("002", "5.66万元", num("5.66", "万元")),
    ("002", "0.34万元", num("0.34", "万元")),
    ("002", "12976人", num("12976", "人")),
    ("002", "242人", num("242", "人")),
    ("002", "20%", num("20", "%")),
    ("002", "8个", num("8", "个")),
    ("002", "让全县参保单位“伤有所医”，达到群众满意率，提高生活水平。", QUAL),
    # --- 004 怀化 2022 (narrative): per-project budgets -> spends, totals, targets ---
    ("004", "189万元", num("189", "万元")),
    ("004", "205.33万元", num("205.33", "万元")),
    ("004", "126万元", num("126", "万元")),
    ("004", "124.78万元", num("124.78", "万元")),
    ("004", "24万元", num("24", "万元")),
    ("004", "23.99万元", num("23.99", "万元")),
    ("004", "33万元", num("33", "万元")),
    ("004", "9.75万元", num("9.75", "万元")),
    ("004", "2万元", num("2", "万元")),
    ("004", "5万元", num("5", "万元")),
    ("004", "1.8万元", num("1.8", "万元")),
    ("004", "0.00万元", num("0", "万元")),
    ("004", "综合预算执行率100%", num("100", "%", label="综合预算执行率")),
    ("004", "20%左右", num("20", "%", problem="approximate")),
    ("004", "5年内降低重点行业工伤事故发生率20%左右", QUAL),
    ("004", "2022年12月底全部完成", QUAL),
    ("004", "226345人", num("226345", "人")),
    ("004", "158134人", num("158134", "人")),
    ("004", "68211人", num("68211", "人")),
    ("004", "116.12元", num("116.12", "元")),
    ("004", "151.33元", num("151.33", "元")),
    ("004", "69645.9元", num("69645.9", "元")),
    ("004", "44.14万元", num("44.14", "万元")),
    ("004", "1045.6万元", num("1045.6", "万元")),
    ("004", "各专项工作均按质量完成且达到预期效果", QUAL),
]


@pytest.mark.parametrize(("seed", "text", "want"), SEED_CELLS, ids=[f"{s}:{t!r}" for s, t, _ in SEED_CELLS])
def test_seed_cells(seed: str, text: str | None, want: Want) -> None:
    check(text, want)


EXTRA_CELLS: list[tuple[str, Want]] = [
    # symbol comparators, half- and full-width
    ("≥95%", num("95", "%", GE)),
    ("≧95%", num("95", "%", GE)),
    (">=95%", num("95", "%", GE)),
    ("＞＝95%", num("95", "%", GE)),
    (">5次", num("5", "次", GT)),
    ("＞5次", num("5", "次", GT)),
    ("≤90万元", num("90", "万元", LE)),
    ("≦90万元", num("90", "万元", LE)),
    ("<=90万元", num("90", "万元", LE)),
    ("<3起", num("3", "起", LT)),
    ("＜3起", num("3", "起", LT)),
    ("=0", num("0", None, EQ)),
    ("＝0起", num("0", "起", EQ)),
    ("﹦100%", num("100", "%", EQ)),
    # comparator words (民法典 1259: 以上/以下/以内 include the number; 超过/不满 exclude it)
    ("95%以上", num("95", "%", GE)),
    ("95%及以上", num("95", "%", GE)),
    ("不低于95%", num("95", "%", GE)),
    ("不少于10篇", num("10", "篇", GE)),
    ("达到98%", num("98", "%", GE)),
    ("大于等于90分", num("90", "分", GE)),
    ("不超过90万元", num("90", "万元", LE)),
    ("5%以内", num("5", "%", LE)),
    ("5%以下", num("5", "%", LE)),
    ("控制在5%以内", num("5", "%", LE)),
    ("控制在90万元", num("90", "万元", LE)),
    ("不高于3%", num("3", "%", LE)),
    ("小于等于3%", num("3", "%", LE)),
    ("30日内", num("30", "天", LE)),
    ("超过5次", num("5", "次", GT)),
    ("高于5%", num("5", "%", GT)),
    ("大于5%", num("5", "%", GT)),
    ("低于3%", num("3", "%", LT)),
    ("小于3%", num("3", "%", LT)),
    ("大于95%以上", num("95", "%", GT, problem="conflicting")),
    ("约30天", num("30", "天", problem="approximate")),
    # units
    ("≥100百分比", num("100", "%", GE)),
    ("100％", num("100", "%")),
    ("3个百分点", num("3", "百分点")),
    ("10份", num("10", "份")),
    ("12篇", num("12", "篇")),
    ("72890元", num("72890", "元")),
    ("72,890", num("72890")),
    ("72,890元", num("72890", "元")),
    ("1,234,567.5元", num("1234567.5", "元")),
    ("500元/人", num("500", "元/人")),
    ("500元／人", num("500", "元/人")),
    ("15天", num("15", "天")),
    ("3个月", num("3", "月")),
    ("12月", num("12", "月")),
    ("30个工作日", num("30", "个工作日")),
    ("5工作日", num("5", "个工作日")),
    ("20户", num("20", "户")),
    ("3家", num("3", "家")),
    ("4项", num("4", "项")),
    ("6件", num("6", "件")),
    ("2台", num("2", "台")),
    ("1套", num("1", "套")),
    ("3场", num("3", "场")),
    ("2期", num("2", "期")),
    ("1所", num("1", "所")),
    ("93分", num("93", "分")),
    ("3万人次", num("3", "万人次")),
    ("1.2亿元", num("1.2", "亿元")),
    # bare numbers from other regions (DOMAIN §4.4)
    ("90", num("90")),
    ("43.2", num("43.2")),
    ("37.24", num("37.24")),
    # labels
    ("满意度≥95%", num("95", "%", GE, "满意度")),
    ("参保率达到98%", num("98", "%", GE, "参保率")),
    ("群众满意度不低于90%", num("90", "%", GE, "群众满意度")),
    ("办结率：100%", num("100", "%", label="办结率")),
    ("满意度 ≥ 95 %", num("95", "%", GE, "满意度")),
    ("人均补助≥500元/人", num("500", "元/人", GE, "人均补助")),
    ("节约5%", num("5", "%", label="节约")),
    # negatives and signs
    ("-5%", num("-5", "%")),
    ("−5%", num("-5", "%")),
    ("≤-5%", num("-5", "%", LE)),
    ("+5%", num("5", "%")),
    # full-width digits, percent, point, whitespace
    ("９５％", num("95", "%")),
    ("≥９５．５％", num("95.5", "%", GE)),
    ("７２，８９０元", num("72890", "元")),
    ("  100%  ", num("100", "%")),
    ("\u3000９次\u3000", num("9", "次")),
    ("100%。", num("100", "%")),
    # budget references
    ("控制在预算以内", budget("预算")),
    ("在预算范围内", budget("预算")),
    ("不超过批复预算", budget("批复预算")),
    # qualitative
    ("效果明显", QUAL),
    ("达成预期指标", QUAL),
    ("2021年12月完成", QUAL),
    ("优良中低差", QUAL),
    ("不超过三次", QUAL),
    ("2024.5.9", QUAL),
    ("90%～100%", QUAL),
    ("5G", QUAL),
    ("无", Want(ValueKind.QUALITATIVE, problem="无")),
    # not applicable and blank
    ("不涉及", NA),
    ("无此项", NA),
    ("N/A", NA),
    ("/", NA),
    ("／", NA),
    ("不适用。", NA),
    ("   ", BLANK),
    ("…", BLANK),
    ("...", BLANK),
    ("—", BLANK),
    ("——", BLANK),
    ("-", BLANK),
    ("\n\t", BLANK),
    # garbled: never guess a number
    ("M.8万元", garbled("letter")),
    ("M8万元", garbled("letter")),
    ("1O0%", garbled("letter")),
    ("1..5%", garbled("repeated decimal point")),
    ("≥1.2.3%", garbled("more than one decimal point")),
    (".5%", garbled("separator")),
    ("1,2345元", garbled("thousands separator")),
]


@pytest.mark.parametrize(("text", "want"), EXTRA_CELLS, ids=[repr(t) for t, _ in EXTRA_CELLS])
def test_extra_cells(text: str, want: Want) -> None:
    check(text, want)


# A negation turns a comparator word round, and is never left in the label: "不得低于95%" once
# read as < 95 with label 不得.
NEGATED_CELLS: list[tuple[str, Want]] = [
    ("不得低于95%", num("95", "%", GE)),
    ("不得少于9次", num("9", "次", GE)),
    ("不应低于95%", num("95", "%", GE)),
    ("不能低于95%", num("95", "%", GE)),
    ("不可低于95%", num("95", "%", GE)),
    ("不宜低于95%", num("95", "%", GE)),
    ("不得小于95%", num("95", "%", GE)),
    ("不得高于5%", num("5", "%", LE)),
    ("不应高于5%", num("5", "%", LE)),
    ("不得多于3次", num("3", "次", LE)),
    ("不得大于5%", num("5", "%", LE)),
    ("不应超过5天", num("5", "天", LE)),
    ("未超过5%", num("5", "%", LE)),
    ("未超出5%", num("5", "%", LE)),
    ("没有超过5%", num("5", "%", LE)),
    ("没超过5%", num("5", "%", LE)),
    ("未高于5%", num("5", "%", LE)),
    ("未低于95%", num("95", "%", GE)),
    ("未达到90%", num("90", "%", LT)),
    ("未达90%", num("90", "%", LT)),
    ("没有达到90%", num("90", "%", LT)),
    ("未满3年", num("3", "年", LT)),
    ("不超5天", num("5", "天", LE)),
    ("满意度不得低于95%", num("95", "%", GE, "满意度")),
    ("事故率不得高于0.5‰", num("0.5", "‰", LE, "事故率")),
    ("完成率未达到90%", num("90", "%", LT, "完成率")),
    # prohibitions and "failed to" read alike
    ("勿超过5%", num("5", "%", LE)),
    ("切勿超过5%", num("5", "%", LE, "切")),
    ("严禁超过5%", num("5", "%", LE)),
    ("禁止低于95%", num("95", "%", GE)),
    ("不准超过5%", num("5", "%", LE)),
    ("不会低于95%", num("95", "%", GE)),
    ("未能达到90%", num("90", "%", LT)),
    ("满意度未能达到90%", num("90", "%", LT, "满意度")),
    # the plain words keep their meaning (民法典 1259)
    ("不低于95%", num("95", "%", GE)),
    ("不超过5天", num("5", "天", LE)),
    ("不满3起", num("3", "起", LT)),
    ("不到3起", num("3", "起", LT)),
    ("不足3起", num("3", "起", LT)),
    ("超过3次", num("3", "次", GT)),
    ("达到100%", num("100", "%", GE)),
    # the budget reference still wins where it applies
    ("不超预算投入", budget("预算投入")),
]


@pytest.mark.parametrize(("text", "want"), NEGATED_CELLS, ids=[repr(t) for t, _ in NEGATED_CELLS])
def test_negated_cells(text: str, want: Want) -> None:
    check(text, want)


# A negation the words do not cover is never read the other way round: the cell is GARBLED, and
# the problem names the negation ("勿超过5%" was read as > 5 with label 勿).
UNREAD_NEGATIONS: list[tuple[str, str]] = [
    ("非高于5%", "negation before a comparator: '非高于'"),
    ("不得≥95%", "negation before a comparator: '不得≥'"),
    ("满意度不得 ≥ 95%", "negation before a comparator: '不得 ≥'"),
    ("不≥95%", "negation before a comparator: '不≥'"),
    ("未＞5%", "negation before a comparator: '未>'"),
    ("没有≤5%", "negation before a comparator: '没有≤'"),
    ("不得不低于95%", "negation before a comparator: '不得不低于'"),
    ("不在95%以上", "negation before a comparator: '不在'"),
    ("不为100%", "negation before a comparator: '不为'"),
    ("不95%以上", "negation before a number: '不95%以上'"),
    ("非5%", "negation before a number: '非5%'"),
    ("满意度未95%。", "negation before a number: '未95%'"),
]


@pytest.mark.parametrize(("text", "problem"), UNREAD_NEGATIONS, ids=[repr(t) for t, _ in UNREAD_NEGATIONS])
def test_a_negation_not_covered_is_garbled(text: str, problem: str) -> None:
    check(text, garbled(problem))
    assert parse_cell(text).problem == problem


@pytest.mark.parametrize("negation", comparators.NEGATION_MARKERS)
def test_a_negation_never_leaves_the_plain_comparator(negation: str) -> None:
    """Before every symbol and every word, a negation either makes a word the tables know (read
    with that word's comparator) or makes the cell GARBLED: never the comparator without it."""
    plain = {**comparators.SYMBOLS, **{w: c for w, c in comparators.WORDS.items() if w not in _NEGATED_WORDS}}
    for said in plain:
        cell = parse_cell(f"满意度{negation}{said}95%")
        if negation + said in comparators.WORDS:
            assert cell.kind is ValueKind.NUMBER and cell.comparator is comparators.WORDS[negation + said], (
                said
            )
        else:
            assert cell.kind is ValueKind.GARBLED, negation + said
            assert cell.problem == f"negation before a comparator: {negation + said!r}"


_NEGATED_WORDS = {n + w for n in comparators.NEGATIONS for w in comparators.NEGATABLE}


# 约 / 大约 / 约为 after a label are approximate too ("满意度约95%" had label 满意度约), except where
# 约 ends a word of the label ("节约5%" saves 5%).
APPROX_AFTER_LABEL: list[tuple[str, Want]] = [
    ("满意度约95%", num("95", "%", None, "满意度", "approximate value (约)")),
    ("满意度大约95%", num("95", "%", None, "满意度", "approximate value (大约)")),
    ("满意度约为95%", num("95", "%", None, "满意度", "approximate value (约为)")),
    ("满意度：约95%", num("95", "%", None, "满意度", "approximate value (约)")),
    ("满意度 约 95%", num("95", "%", None, "满意度", "approximate value (约)")),
    ("满意度约≥95%", num("95", "%", GE, "满意度", "approximate value (约)")),
    ("满意度约达到95%", num("95", "%", GE, "满意度", "approximate value (约)")),
    ("持续约3个月", num("3", "月", None, "持续", "approximate value (约)")),
    ("节约约5%", num("5", "%", None, "节约", "approximate value (约)")),
    ("约95%", num("95", "%", None, None, "approximate value (约)")),
    ("节约5%", num("5", "%", label="节约")),
    ("节约为5%", num("5", "%", label="节约")),
    ("资金节约5万元", num("5", "万元", label="资金节约")),
    ("签约5家", num("5", "家", label="签约")),
    ("预约3次", num("3", "次", label="预约")),
    ("违约0起", num("0", "起", label="违约")),
    ("合同约定95%", num("95", "%", label="合同约定")),
]


@pytest.mark.parametrize(("text", "want"), APPROX_AFTER_LABEL, ids=[repr(t) for t, _ in APPROX_AFTER_LABEL])
def test_approximate_after_a_label(text: str, want: Want) -> None:
    check(text, want)
    assert parse_cell(text).problem == want.problem


# A ± tolerance is neither a floor nor a ceiling: "±5%" was read as label "±", implicitly ≥ 5.
TOLERANCE_CELLS = [
    "±5%",
    "∓5%",
    "误差±2%以内",
    "偏差率±3%",
    "满意度≥95%±2%",
    "+/-5%",
    "＋／－5%",
    "+-5%",
    "±1.2.3%",
]


@pytest.mark.parametrize("text", TOLERANCE_CELLS)
def test_a_tolerance_is_not_a_number(text: str) -> None:
    check(text, Want(ValueKind.QUALITATIVE, problem="± tolerance: neither a floor nor a ceiling"))


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("约≥95%以下", "conflicting comparators: ≥ 以下; approximate value (约)"),
        ("满意度约大于95%以上", "conflicting comparators: 大于 以上; approximate value (约)"),
        ("≥95%以下", "conflicting comparators: ≥ 以下"),
        ("约≥95%", "approximate value (约)"),
    ],
)
def test_every_note_is_kept(text: str, problem: str) -> None:
    # the approximate note once replaced the conflict note: "约≥95%以下" said only "approximate"
    assert parse_cell(text).problem == problem


def test_effective_comparator_defaults_to_ge() -> None:
    assert parse_cell("100%").comparator is None
    assert parse_cell("100%").effective_comparator is GE
    assert parse_cell("≤0").effective_comparator is LE
    assert parse_cell("超过5次").effective_comparator is GT
    assert parse_cell("不超过预算投入").effective_comparator is LE


def test_comparator_values_are_canonical_symbols() -> None:
    assert [c.value for c in Comparator] == ["≥", ">", "≤", "<", "="]


def test_cell_value_is_frozen_and_comparable() -> None:
    cell = parse_cell("≧95%")
    assert cell == CellValue("≧95%", ValueKind.NUMBER, GE, Decimal("95"), "%")
    with pytest.raises(AttributeError):
        cell.number = Decimal(1)  # type: ignore[misc]


def test_number_keeps_written_precision() -> None:
    assert str(parse_cell("0.00万元").number) == "0.00"
    assert str(parse_cell("112.79").number) == "112.79"


@pytest.mark.parametrize(
    ("a", "b", "ok"),
    [
        (None, "%", True),
        ("万元", None, True),
        (None, None, True),
        ("%", "%", True),
        ("元", "万元", True),
        ("万元", "元", True),
        ("亿元", "元", True),
        ("人", "万人", True),
        ("%", "元", False),
        ("次", "起", False),
        ("天", "个工作日", False),
        ("元/人", "元", False),
    ],
)
def test_units_compatible(a: str | None, b: str | None, ok: bool) -> None:
    assert units_compatible(a, b) is ok
    assert units_compatible(b, a) is ok


@pytest.mark.parametrize(
    ("value", "src", "dst", "expected"),
    [
        ("72890", "元", "万元", "7.289"),
        ("16.54", "万元", "元", "165400"),
        ("1.5", "万元", "元", "15000"),
        ("1.2", "亿元", "万元", "12000"),
        ("95", "%", "%", "95"),
        ("90", None, "万元", "90"),
        ("90", "万元", None, "90"),
    ],
)
def test_convert(value: str, src: str | None, dst: str | None, expected: str) -> None:
    result = convert(Decimal(value), src, dst)
    assert result == Decimal(expected)
    assert "E" not in str(result)


def test_convert_rejects_incompatible_units() -> None:
    with pytest.raises(ValueError, match="cannot convert"):
        convert(Decimal(1), "%", "元")
    with pytest.raises(ValueError, match="cannot convert"):
        convert(Decimal(1), "次", "天")


# --- properties ----------------------------------------------------------------------------

_CMP_SPELLINGS: dict[str, Comparator | None] = {
    "": None,
    "≥": GE,
    "≧": GE,
    ">=": GE,
    "＞＝": GE,
    ">": GT,
    "＞": GT,
    "≤": LE,
    "≦": LE,
    "<=": LE,
    "<": LT,
    "＜": LT,
    "=": EQ,
    "＝": EQ,
    "﹦": EQ,
}
_UNITS = [
    "",
    "%",
    "次",
    "起",
    "个",
    "人",
    "篇",
    "份",
    "元",
    "万元",
    "天",
    "月",
    "个工作日",
    "元/人",
    "户",
    "件",
]
_LABELS = ["", "办结率", "满意度", "参保率", "“三公”经费变动率"]
_NOISE = st.sampled_from(
    [
        *_CMP_SPELLINGS,
        *_UNITS,
        *_LABELS,
        "0",
        "5",
        "9",
        ".",
        ",",
        "，",
        "-",
        "以上",
        "以内",
        "不超过",
        "预算",
        "M",
        "…",
    ]
)


@given(st.text())
def test_parse_never_raises_on_any_text(text: str) -> None:
    cell = parse_cell(text)
    assert cell.text == text
    assert (cell.number is not None) == (cell.kind is ValueKind.NUMBER)
    if cell.kind is ValueKind.GARBLED:
        assert cell.problem


@given(st.lists(_NOISE, max_size=8).map("".join))
def test_parse_never_raises_on_number_like_text(text: str) -> None:
    cell = parse_cell(text)
    assert cell.text == text
    assert (cell.number is not None) == (cell.kind is ValueKind.NUMBER)
    assert (cell.reference is not None) == (cell.kind is ValueKind.BUDGET_REF)
    if cell.kind is ValueKind.GARBLED:
        assert cell.problem


@given(
    st.sampled_from(_LABELS),
    st.sampled_from(sorted(_CMP_SPELLINGS)),
    st.decimals(min_value=-(10**9), max_value=10**9, places=3, allow_nan=False, allow_infinity=False),
    st.sampled_from(_UNITS),
)
def test_round_trip(label: str, symbol: str, number: Decimal, unit: str) -> None:
    text = f"{label}{symbol}{number:f}{unit}"
    cell = parse_cell(text)
    assert cell.kind is ValueKind.NUMBER, text
    assert cell.comparator is _CMP_SPELLINGS[symbol]
    assert cell.number == number
    assert cell.unit == (unit or None)
    assert cell.label == (label or None)


@given(st.decimals(allow_nan=False, allow_infinity=False))
def test_convert_yuan_wan_round_trip(value: Decimal) -> None:
    wan = convert(value, "元", "万元")
    assert convert(wan, "万元", "元") == value
    assert convert(convert(value, "万元", "元"), "元", "万元") == value


@given(st.decimals(min_value=-(10**12), max_value=10**12, places=4, allow_nan=False, allow_infinity=False))
def test_convert_scales_by_ten_thousand(value: Decimal) -> None:
    assert convert(value, "元", "万元") * 10000 == value
    assert convert(value, "万元", "元") == value * 10000
