"""Codes: files (rules/toml, evaluations/read, files)."""

from __future__ import annotations

from .code import Code, problem

CODES: tuple[Code, ...] = (
    problem("file-unreadable", "无法读取文件：{reason}", "{reason}"),
    problem("file-too-large", "文件过大：{reason}", "{reason}"),
    problem("toml-syntax", "TOML 语法错误：{reason}", "invalid TOML: {reason}"),
    problem("json-syntax", "JSON 语法错误：{reason}", "invalid JSON: {reason}"),
    problem("too-deep", "数组或表嵌套过深", "arrays or tables nested too deeply"),
    problem(
        "unknown-key",
        "未知的键",
        "unknown key",
        {"comparator": ("未知的比较方式", "unknown comparator kind")},
    ),
    problem(
        "missing-key",
        "缺少必填的键",
        "required key is missing",
        {
            "empty": ("必填的键为空", "required key is empty"),
            "text": ("缺少必填的文字", "required text is missing"),
            "evaluation": ("缺少必填的表 [evaluation]", "required table [evaluation] is missing"),
            "case": (
                "案例文件需要含 name 与 ruleset 的 [case] 表",
                "a case file needs a [case] table with name and ruleset",
            ),
            "expect": ("案例文件需要 [expect] 表", "a case file needs an [expect] table"),
            "sources": ("规则集至少要引用一个来源", "a ruleset must cite at least one source"),
            "cases": ("公式类方法需要 formula 或 cases", "a formula method needs formula or cases"),
            "tiers": ("分档方法至少需要一档", "a tiers method needs at least one tier"),
            "levels": ("定性方法需要等级", "a qualitative method needs levels"),
            "grades": (
                "未设 grading.optional = true 时必须给出等级",
                "grade bands are required unless grading.optional = true",
            ),
        },
    ),
    problem(
        "wrong-type",
        "应为表",
        "must be a table",
        {
            "array": ("应为数组", "must be an array"),
            "method": ("应为方法名", "must be a method name"),
            "tables": ("应为由表组成的数组", "must be an array of tables"),
            "string": ("应为字符串", "must be a string"),
            "number": ("应为数字", "must be a number"),
            "boolean": ("应为 true 或 false", "must be true or false"),
            "formula": ("应为公式字符串", "must be a formula string"),
            "ruleset-id": ("应为规则集 id", "must be a ruleset id"),
            "text": ("应为文字", "must be text"),
            "flag": ("应为 true/false（或 是/否）", "must be true/false (or 是/否)"),
            "object": ("应为对象", "must be an object"),
            "row-points": ("应为 行 → 分数 的表", "must be a table of row → points"),
            "codes": ("应为代码列表（或 代码@位置）", "must be a list of codes (or code@location)"),
        },
    ),
    problem(
        "bad-number",
        "数字不可用：{reason}",
        "{reason}",
        {
            "positive": ("应大于 0", "must be > 0"),
            "non-negative": ("应大于或等于 0", "must be ≥ 0"),
            "text": ("数字太长，不能作为文字", "number too long to be text"),
        },
    ),
    problem(
        "not-a-number",
        "不是数字",
        "must be a number",
        {  # scoring: a quantitative method given a cell that is no number
            "quantitative": (
                "{role}不是数值，无法按定量方法计分",
                "the {column} is not a number for a quantitative method",
            )
        },
    ),
    problem(
        "bad-year",
        "应为年份",
        "must be a year",
        {"from": ("应为不早于 {year} 的年份", "must be a year ≥ {year}")},
    ),
    problem("bad-form", "未知的表格类型", "unknown form"),
)
