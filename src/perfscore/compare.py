"""How two frameworks differ: blocks, weights, methods, bands, rounding, params (``perfscore diff``)."""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from .rules import Block, Method, Ruleset

__all__ = ["diff_rulesets"]


def _method_text(method: Method) -> list[str]:
    lines = [f"{'if ' + c.when.source + ': ' if c.when else ''}{c.score.source}" for c in method.cases]
    lines += [
        f"{lv.label.zh} [{lv.low}, {lv.high}{']' if lv.high_inclusive else ')'} auto {lv.score}"
        for lv in method.levels
    ]
    return lines


def _block_text(block: Block) -> str:
    return f"{block.name.zh} {block.points}"


def _pairs(label: str, a: Iterable[tuple[str, str]], b: Iterable[tuple[str, str]]) -> list[str]:
    left, right = dict(a), dict(b)
    out = []
    for key in [*left, *(k for k in right if k not in left)]:
        if key not in right:
            out.append(f"- {label} {key}: {left[key]}")
        elif key not in left:
            out.append(f"+ {label} {key}: {right[key]}")
        elif left[key] != right[key]:
            out.append(f"~ {label} {key}: {left[key]} → {right[key]}")
    return out


def _budget(ruleset: Ruleset) -> list[tuple[str, str]]:
    rule = ruleset.budget
    if rule is None:
        return []
    return [
        ("points", str(rule.points)),
        ("formula", rule.formula.source),
        ("base", rule.base),
        ("rounding", str(rule.rounding)),
        ("block", rule.block or "(beside the blocks)"),
    ]


def _params(ruleset: Ruleset) -> list[tuple[str, str]]:
    """Every named constant: the ruleset's ``[params]``, then the budget rule's and each
    method's own (those that are not the ruleset's)."""
    shared = ruleset.params
    out = [(k, str(v)) for k, v in shared.items()]
    own = [("budget", ruleset.budget.params)] if ruleset.budget is not None else []
    own += [(m, method.params) for m, method in ruleset.methods.items()]
    out += [(f"{m}.{k}", str(v)) for m, params in own for k, v in params.items() if shared.get(k) != v]
    return out


def diff_rulesets(a: Ruleset, b: Ruleset) -> list[str]:
    """Lines describing what ``b`` changes from ``a``: ``-`` only in a, ``+`` only in b, ``~`` changed."""
    out: list[str] = []
    out += _pairs("total", [("", str(a.total))], [("", str(b.total))])
    out += _pairs(
        "block", ((x.key, _block_text(x)) for x in a.blocks), ((x.key, _block_text(x)) for x in b.blocks)
    )
    out += _pairs(
        "indicator",
        (
            (f"{x.key}.{i.key}", f"{i.name.zh} {i.weight} [{i.method}]")
            for x in a.blocks
            for i in x.indicators
        ),
        (
            (f"{x.key}.{i.key}", f"{i.name.zh} {i.weight} [{i.method}]")
            for x in b.blocks
            for i in x.indicators
        ),
    )
    out += _pairs("budget", _budget(a), _budget(b))
    out += _pairs("selection", a.selection.items(), b.selection.items())
    out += _pairs(
        "block selection",
        ((f"{x.key}.{k}", v) for x in a.blocks for k, v in x.selection.items()),
        ((f"{x.key}.{k}", v) for x in b.blocks for k, v in x.selection.items()),
    )
    out += _pairs(
        "method",
        ((k, " | ".join(_method_text(m))) for k, m in a.methods.items()),
        ((k, " | ".join(_method_text(m))) for k, m in b.methods.items()),
    )
    out += _pairs(
        "grade",
        (
            (g.label, f"[{g.low}, {g.high}{']' if g.high_inclusive else ')'} {'/'.join(g.aliases)}")
            for g in a.grades
        ),
        (
            (g.label, f"[{g.low}, {g.high}{']' if g.high_inclusive else ')'} {'/'.join(g.aliases)}")
            for g in b.grades
        ),
    )
    out += _pairs(
        "rounding",
        [("row", str(a.row_rounding)), ("total", str(a.total_rounding))],
        [("row", str(b.row_rounding)), ("total", str(b.total_rounding))],
    )
    out += _pairs("不适用", [("", a.not_applicable)], [("", b.not_applicable)])
    out += _pairs("params", _params(a), _params(b))
    out += _pairs(
        "review",
        ((f.name, str(getattr(a.review, f.name))) for f in attrs.fields(type(a.review))),
        ((f.name, str(getattr(b.review, f.name))) for f in attrs.fields(type(b.review))),
    )
    return out
