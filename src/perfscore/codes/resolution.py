"""Codes: choosing the ruleset and checking the region code (scoring/resolve.py, regions/)."""

from __future__ import annotations

from .code import Code, finding, problem

CODES: tuple[Code, ...] = (
    finding(
        "region-inferred",
        "info",
        "表中未写行政区划代码：由{label}“{text}”中的“{names}”推断为 {region} {name}；如有误，请用 --region 指定",
        "the table gives no region code: {region} {name} inferred from '{names}' in the {label_en} '{text}'; "
        "pass --region if that is wrong",
    ),
    finding(
        "given-over-stated",
        "warning",
        "表中写明{what} {stated}，按指定的 {given} 计分（如需按表中所写，请去掉 --{option} 或页面上的该项）",
        "the table states {what_en} {stated_en}; scored as {given_en}, as given (drop --{option}, or the page's"
        " field, to score it as the table states)",
    ),
    problem(
        "region-missing",
        "表中未写行政区划代码，也无法从实施单位、主管部门、项目名称或标题推断{candidates}：请用 --region 代码 指定（Python：region=）",
        "the table gives no region code and none can be inferred from its unit, department, project or "
        "title{candidates_en}: pass --region CODE (in Python: read_evaluations(..., region=))",
    ),
    problem(
        "form-missing",
        "表中未写表格类型，标题也未说明（项目支出、部门整体支出或专项资金）：请用 --form project|department|special_fund 指定（Python：form=）",
        "the table does not say which form it is, and its title names none (项目支出, 部门整体支出 or 专项资金):"
        " pass --form project|department|special_fund (in Python: read_evaluations(..., form=))",
    ),
    finding(
        "edition-nearest",
        "warning",
        "{year} 年无在用版本，按最近的 {ruleset} {edition} 版（{years}）计分",
        "no edition of {ruleset} is in force in {year}; scored under the nearest, edition {edition} ({years})",
        {
            "no-year": (
                "表中未写年度，按最新的 {ruleset} {edition} 版（{years}）计分",
                "the table states no year; scored under the newest edition of {ruleset}, {edition} ({years})",
            ),
            "given": (
                "所给规则集 {ruleset} {edition} 版施行于 {years}，不含 {year} 年；仍按其计分",
                "the ruleset given, {ruleset} edition {edition}, is in force {years}, not in {year}; scored under it",
            ),
        },
    ),
    finding(
        "region-unknown",
        "error",
        "行政区划代码 {region} 在 GB/T 2260 代码表（随附，截至 {date}）的任何版本中都不存在",
        "region code {region} exists in no revision of the GB/T 2260 code table (shipped, up to {date})",
        {
            "malformed": (
                "行政区划代码 {region} 不是六位 GB/T 2260 代码，也不是 CN",
                "region code {region} is neither a six-digit GB/T 2260 code nor CN",
            ),
        },
    ),
    finding(
        "region-unlisted",
        "warning",
        "行政区划代码 {region} 不在随附的 GB/T 2260 代码表（截至 {date}）中，其省级 {province}（{province_name}）存在："
        "可能是 {date} 之后新设的代码，请核对",
        "region code {region} is not in the shipped GB/T 2260 table (up to {date}), though its province {province}"
        " ({province_name}) is: it may be newer than the table; check it",
    ),
    finding(
        "region-withdrawn",
        "info",
        "行政区划代码 {region}（{name}）最后见于 {last} 版代码表，{year} 年已不在用",
        "region code {region} ({name}) was last listed in the {last} revision; it was no longer in use in {year}",
    ),
)
