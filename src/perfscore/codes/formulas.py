"""Codes: the formula language (formulas/), refused at compile time inside a ``FormulaError``.

A formula's problem carries a column in the formula's text; the loader relays it, located in the
ruleset file, with the English words.
"""

from __future__ import annotations

from .code import Code, problem

CODES: tuple[Code, ...] = (
    problem(
        "formula-syntax",
        "语法错误：{detail}",
        "invalid syntax: {detail}",
        {
            "empty": ("公式为空", "empty formula"),
            "glued": (
                "数字与关键字连在一起：请在二者之间加空格",
                "a number glued to a keyword: put a space between them",
            ),
            "not-text": ("公式须为文本，而不是 {type}", "a formula must be text, not {type}"),
            "invalid": ("无效的公式：{detail}", "invalid formula: {detail}"),
        },
    ),
    problem(
        "formula-character",
        "不允许字符 {char!r}（U+{number:04X}）",
        "character {char!r} (U+{number:04X}) is not allowed",
        {
            "backslash": (
                "不允许反斜杠（续行、转义）",
                "backslashes (line continuations, escapes) are not allowed",
            )
        },
    ),
    problem(
        "formula-too-long",
        "公式长 {length} 个字符；最多 {limit} 个",
        "formula is {length} characters long; at most {limit} allowed",
    ),
    problem(
        "formula-too-deep",
        "公式嵌套超过 {limit} 层",
        "formula nested deeper than {limit} levels",
        {
            "brackets": ("括号嵌套超过 {limit} 层", "brackets nested deeper than {limit} levels"),
            "parse": ("公式嵌套过深，无法解析", "formula is nested too deeply to parse"),
        },
    ),
    problem(
        "formula-construct",
        "公式中不允许 {what}",
        "{what} not allowed in a formula",
        {
            # Python constructs outside the language, by what a reader calls them
            "attribute": ("公式中不允许属性访问", "attribute access not allowed in a formula"),
            "subscript": ("公式中不允许下标", "indexing not allowed in a formula"),
            "slice": ("公式中不允许切片", "slices not allowed in a formula"),
            "f-string": ("公式中不允许 f 字符串", "f-strings not allowed in a formula"),
            "list": ("公式中不允许列表", "lists not allowed in a formula"),
            "tuple": ("公式中不允许元组", "tuples not allowed in a formula"),
            "dict": ("公式中不允许字典", "dicts not allowed in a formula"),
            "set": ("公式中不允许集合", "sets not allowed in a formula"),
            "comprehension": ("公式中不允许推导式", "comprehensions not allowed in a formula"),
            "generator": ("公式中不允许生成器表达式", "generator expressions not allowed in a formula"),
            "lambda": ("公式中不允许 lambda", "lambda not allowed in a formula"),
            "walrus": ("公式中不允许赋值表达式 ':='", "assignment expressions ':=' not allowed in a formula"),
            "starred": ("公式中不允许星号表达式", "starred expressions not allowed in a formula"),
            "await": ("公式中不允许 await", "await not allowed in a formula"),
            "yield": ("公式中不允许 yield", "yield not allowed in a formula"),
            # operators outside the language
            "floor-division": (
                "不允许整除运算符 '//'；请写 floor(a / b)",
                "floor division '//' is not allowed; use floor(a / b)",
            ),
            "modulo": ("不允许运算符 '%'", "the '%' operator is not allowed"),
            "matmul": ("不允许运算符 '@'", "the '@' operator is not allowed"),
            "shift": ("不允许移位运算", "bit shifts are not allowed"),
            "bit-or": ("不允许按位运算；请用 'or'", "bitwise operators are not allowed; use 'or'"),
            "bit-and": ("不允许按位运算；请用 'and'", "bitwise operators are not allowed; use 'and'"),
            "bit-xor": (
                "不允许按位运算；乘方请用 '**'",
                "bitwise operators are not allowed; use '**' for powers",
            ),
            "invert": ("不允许运算符 '~'", "the '~' operator is not allowed"),
            "is": ("不允许 'is'；请用 '=='", "'is' is not allowed; use '=='"),
            "is-not": ("不允许 'is not'；请用 '!='", "'is not' is not allowed; use '!='"),
            "in": ("不允许 'in'", "'in' is not allowed"),
            "not-in": ("不允许 'not in'", "'not in' is not allowed"),
            "unary": ("不允许该一元运算符", "unary operator not allowed"),
            "operator": ("不允许该运算符", "operator not allowed"),
        },
    ),
    problem(
        "formula-literal",
        "不允许 {type} 类型的字面量",
        "literal of type {type} is not allowed",
        {
            "constant": (
                "不允许 {value!r}；公式中只有数值（比较得出条件）",
                "{value!r} is not allowed; a formula has only numbers (comparisons give conditions)",
            ),
            "complex": ("不允许复数", "complex numbers are not allowed"),
            "string": ("公式中不允许字符串", "strings are not allowed in a formula"),
            "unlocated": ("无法定位字面量", "cannot locate literal"),
            "notation": (
                "只允许十进制写法（此处为 {text}）",
                "only decimal notation is allowed (got {text})",
            ),
            "digits": (
                "数值字面量有 {digits} 位数字；最多 {limit} 位",
                "numeric literal has {digits} digits; at most {limit} allowed",
            ),
            "not-a-number": ("不是数值：{text}", "not a number: {text}"),
            "refused": ("{reason}：{text}；应为 {expected}", "{reason}: {text}; expected {expected}"),
        },
    ),
    problem(
        "formula-compare",
        "条件（真或假）与数值作了比较",
        "a condition (true or false) was compared with a number",
        {
            "ambiguous": (
                "两边都可能是条件或数值：请写明是哪一种",
                "both sides may be conditions or numbers: say which",
            )
        },
    ),
    problem(
        "formula-power",
        "'**' 的指数须为 0 到 {limit} 的整数字面量",
        "the exponent of '**' must be an integer literal from 0 to {limit}",
    ),
    problem(
        "formula-name",
        "未知的名称 {name!r}",
        "unknown name {name!r}",
        {
            "suggest": (
                "未知的名称 {name!r}；是否指 {suggestions}？",
                "unknown name {name!r}; did you mean {suggestions}?",
            ),
            "function": (
                "未知的名称 {name!r}；{name}() 是函数，须调用",
                "unknown name {name!r}; {name}() is a function and must be called",
            ),
            "underscore": (
                "不允许以 '_' 开头的名称（{name}）",
                "names starting with '_' are not allowed ({name})",
            ),
            "non-ascii": ("不允许非 ASCII 名称 {name!r}", "non-ASCII name {name!r} is not allowed"),
            "letter": (
                "名称中不允许非 ASCII 字母 {char!r}（U+{number:04X}）",
                "non-ASCII letter {char!r} (U+{number:04X}) in a name is not allowed",
            ),
            "names": (
                "names 须恰好列出公式用到的名称：{names}",
                "names must list exactly the names the formula uses: {names}",
            ),
        },
    ),
    problem(
        "formula-function",
        "未知的函数 {name!r}（可用：{allowed}）",
        "unknown function {name!r} (allowed: {allowed})",
        {
            "suggest": (
                "未知的函数 {name!r}；是否指 {suggestions}？（可用：{allowed}）",
                "unknown function {name!r}; did you mean {suggestions}? (allowed: {allowed})",
            ),
            "input": ("{name!r} 是输入值，不是函数", "{name!r} is an input, not a function"),
        },
    ),
    problem(
        "formula-call",
        "{name}() 须有 {low} 个参数，实有 {count} 个",
        "{name}() takes {low} argument(s), got {count}",
        {
            "at-least": (
                "{name}() 至少须有 {low} 个参数，实有 {count} 个",
                "{name}() takes at least {low} argument(s), got {count}",
            ),
            "between": (
                "{name}() 须有 {low} 到 {high} 个参数，实有 {count} 个",
                "{name}() takes {low} to {high} argument(s), got {count}",
            ),
            "bare-name": (
                "只能按名称调用内置函数",
                "only the built-in functions can be called, by bare name",
            ),
            "keyword": ("{name}() 不允许关键字参数", "keyword arguments are not allowed in {name}()"),
            "starred": ("{name}() 不允许星号参数", "starred arguments are not allowed in {name}()"),
            "places": (
                "round() 的位数须为 0 到 {limit} 的整数字面量",
                "round() places must be an integer literal from 0 to {limit}",
            ),
        },
    ),
    problem(
        "formula-backend",
        "未知的公式后端 {backend!r}；可用 {backends}",
        "unknown backend {backend!r}; use one of {backends}",
    ),
)
