"""Write (or check) the JSON Schemas of perfscore's JSON: schema/evaluation.schema.json,
report.schema.json, review.schema.json and score.schema.json.

Each is generated from the code's own declarations, so it cannot drift from what perfscore
reads and writes:

- the report: the attrs classes of ``perfscore.report.model`` and their type hints (the same hints
  ``perfscore.serialize`` dumps and loads by), a row's flattened ``Explanation.FIELDS``, and each
  field's docstring as its description;
- a review entry: the typed dicts of ``perfscore.reviewing.entry``;
- an evaluation file: the field specs of ``perfscore.evaluations.read`` (which keys each table
  holds, how each is read, which are required), described by the model's field docstrings.

Hand-written here, where the code has no declaration: the JSON Schema of each kind of cell the
evaluation reader takes (``_GETTERS``), the pattern of a decimal string, the top-level documents
(``score --json``'s ``{"file", "tables"}``, ``{"results": [...]}``) and a worked case's ``[case]``
and ``[expect]`` (checked by ``perfscore test``, not described here).

    python scripts/json_schemas.py          # rewrite the files
    python scripts/json_schemas.py --check  # exit 1 naming each file that is stale
"""

from __future__ import annotations

import argparse
import ast
import inspect
import json
import sys
import textwrap
import typing
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable, Union

import attrs

from perfscore.evaluations import model as evaluation_model
from perfscore.evaluations import read as evaluation_read
from perfscore.report import model as report_model
from perfscore.reviewing import SKIP_REASONS
from perfscore.reviewing import entry as review_entry
from perfscore.rules import Spec

ROOT = Path(__file__).resolve().parent.parent
FOLDER = ROOT / "schema"
DRAFT = "https://json-schema.org/draft/2020-12/schema"

DECIMAL = {
    "type": "string",
    "pattern": r"^-?[0-9]+(\.[0-9]+)?(E[-+][0-9]+)?$",
    "description": "A decimal number, exact, as a string (never through a float)",
}


def docstrings(cls: type) -> dict[str, str]:
    """Each field's docstring (the string right under it in the class body), by field name."""
    try:
        source = textwrap.dedent(inspect.getsource(cls))
    except (OSError, TypeError):
        return {}
    body = ast.parse(source).body[0]
    assert isinstance(body, ast.ClassDef)
    out = {}
    for field, after in zip(body.body, body.body[1:]):
        if (
            isinstance(field, ast.AnnAssign)
            and isinstance(field.target, ast.Name)
            and isinstance(after, ast.Expr)
            and isinstance(after.value, ast.Constant)
            and isinstance(after.value.value, str)
        ):
            out[field.target.id] = " ".join(after.value.value.split())
    return out


def _describe(schema: dict[str, Any], text: str) -> dict[str, Any]:
    if not text:
        return schema
    if "$ref" in schema:  # keep the reference's own description visible beside it
        return {"allOf": [schema], "description": text}
    return {**schema, "description": text}


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    if isinstance(schema.get("type"), str) and "$ref" not in schema and "enum" not in schema:
        return {**schema, "type": [schema["type"], "null"]}
    return {"anyOf": [schema, {"type": "null"}]}


def _typeddict(hint: Any) -> bool:
    """A TypedDict class (``typing.is_typeddict`` is Python 3.10+)."""
    return isinstance(hint, type) and issubclass(hint, dict) and hasattr(hint, "__required_keys__")


class Shapes:
    """JSON Schemas of Python type hints; each class met becomes one entry of ``$defs``."""

    def __init__(self) -> None:
        self.defs: dict[str, Any] = {}

    def of(self, hint: Any) -> dict[str, Any]:
        origin, args = typing.get_origin(hint), typing.get_args(hint)
        if origin is typing.Annotated:  # a dict that is the JSON form of a class
            return self.of(args[1])
        if origin is Union:
            inner = [a for a in args if a is not type(None)]
            assert len(inner) == 1, hint
            return _nullable(self.of(inner[0]))
        if origin is typing.Literal:
            return {"enum": list(args)}
        if origin in (tuple, list):
            return {"type": "array", "items": self.of(args[0])}
        if origin in (Mapping, dict):
            return {"type": "object", "additionalProperties": self.of(args[1])}
        if hint is Decimal:
            return dict(DECIMAL)
        if hint in (str, int, bool):
            return {"type": {str: "string", int: "integer", bool: "boolean"}[hint]}
        if attrs.has(hint) or _typeddict(hint):
            return self.object(hint)
        raise TypeError(f"no JSON Schema for {hint!r}")  # pragma: no cover - a new kind of field

    def object(self, cls: type) -> dict[str, Any]:
        name = cls.__name__
        if name not in self.defs:
            self.defs[name] = {}  # taken, while its fields (perhaps itself) are described
            hints = typing.get_type_hints(cls, include_extras=True)
            notes = docstrings(cls)
            fields: dict[str, Any] = {}
            omitted: set[str] = set()  # left out of JSON while None: not required, never null
            if attrs.has(cls):
                for field in attrs.fields(cls):
                    if field.metadata.get("omit_none"):
                        omitted.add(field.name)
                        hints[field.name] = str
                    part = field.metadata.get("flatten")
                    if part is not None:  # a row's Explanation: its parts beside the row's fields
                        fields.update({n: (h, "") for n, h in part.FIELDS.items()})
                    else:
                        fields[field.name] = (hints[field.name], notes.get(field.name, ""))
            else:
                fields = {n: (h, notes.get(n, "")) for n, h in hints.items()}
            properties = {n: _describe(self.of(h), text) for n, (h, text) in fields.items()}
            self.defs[name] = {
                "type": "object",
                **({"description": " ".join(cls.__doc__.split())} if cls.__doc__ else {}),
                "properties": properties,
                "required": [n for n in properties if n not in omitted],
                "additionalProperties": False,
            }
        return {"$ref": f"#/$defs/{name}"}


def _document(title: str, description: str, top: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    return {
        "$schema": DRAFT,
        "$id": f"https://perfscore.invalid/schema/{title}.schema.json",
        "title": title,
        "description": description,
        **top,
        "$defs": dict(sorted(defs.items())),
    }


def report_schema() -> dict[str, Any]:
    shapes = Shapes()
    top = shapes.of(report_model.Report)
    return _document(
        "report",
        "A scored table: perfscore's Report.to_dict(), POST /api/score's answer, each of"
        " `score --json`'s tables (docs/report.md).",
        top,
        shapes.defs,
    )


def score_schema() -> dict[str, Any]:
    shapes = Shapes()
    report = shapes.of(report_model.Report)
    top = {
        "type": "object",
        "properties": {
            "file": {"type": "string", "description": "The file scored, as named"},
            "tables": {
                "type": "array",
                "items": report,
                "description": "One report per table of the file, in the file's order (a form may hold several)",
            },
        },
        "required": ["file", "tables"],
        "additionalProperties": False,
    }
    return _document("score", "What `perfscore score FILE --json` prints (docs/cli.md).", top, shapes.defs)


def review_schema() -> dict[str, Any]:
    shapes = Shapes()
    item = shapes.of(review_entry.Entry)
    entry = shapes.defs["Entry"]["properties"]
    entry["skipped"] = {**entry["skipped"], "enum": ["", *SKIP_REASONS]}
    top = {
        "type": "object",
        "properties": {
            "results": {
                "type": "array",
                "items": item,
                "description": "One entry per table reviewed, per file skipped and per file or table that"
                " could not be reviewed, in the order met",
            }
        },
        "required": ["results"],
        "additionalProperties": False,
    }
    return _document(
        "review",
        "What `perfscore review --json` prints and POST /api/review answers (docs/cli.md).",
        top,
        shapes.defs,
    )


# -- the evaluation file: from the reader's field specs ------------------------------------------

_TEXT = {"type": ["string", "number"], "description": "A cell's text (a number is kept as written)"}
_NUMBER = {"type": ["number", "string"], "description": "A number, or a cell's text holding one"}
_GETTERS: dict[Callable[..., Any], dict[str, Any]] = {
    evaluation_read.number: _NUMBER,
    evaluation_read.numbers: {"type": "object", "additionalProperties": _NUMBER},
    evaluation_read.texts: {"type": "object", "additionalProperties": _TEXT},
    evaluation_read.flag: {
        "anyOf": [{"type": "boolean"}, {"type": "string", "pattern": r"^\s*(是|否)?\s*$"}]
    },
    evaluation_read.year: {"type": "integer", "minimum": 1990, "maximum": 2100},
    evaluation_read.form: {"enum": list(evaluation_read.FORMS)},
}
"""How each kind of value the reader takes is written (the code declares these as functions)."""


def _getter(get: Callable[..., Any], defs: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    """The JSON Schema of one field of a spec, and whether the field is required."""
    if get in _GETTERS:
        return dict(_GETTERS[get]), get in (evaluation_read.form, evaluation_read.year)
    free = inspect.getclosurevars(get).nonlocals
    if get.__qualname__.startswith("text."):
        return dict(_TEXT), bool(free["required"])
    spec = free.get("self")
    if isinstance(spec, Spec):  # Spec.array(): an array of tables
        return {"type": "array", "items": _spec_ref(spec, defs)}, False
    raise TypeError(f"no JSON Schema for the getter {get!r}")  # pragma: no cover - a new kind


_SPECS = {
    "EVALUATION": evaluation_model.Evaluation,
    "BUDGET": evaluation_model.BudgetTable,
    "LINE": evaluation_model.BudgetLine,
    "ROW": evaluation_model.IndicatorRow,
    "UNREADABLE": evaluation_model.Unreadable,
}
"""Each spec of the reader, and the model class its fields fill (for their descriptions)."""


def _spec_ref(spec: Any, defs: dict[str, Any]) -> dict[str, Any]:
    name = next(n for n in _SPECS if getattr(evaluation_read, n) is spec)
    cls = _SPECS[name]
    if cls.__name__ not in defs:
        defs[cls.__name__] = {}
        notes = docstrings(cls)
        properties, required = {}, []
        for key in sorted(spec.keys):
            schema, needed = _getter(spec.fields[key], defs)
            properties[key] = _describe(schema, notes.get(key, ""))
            if needed:
                required.append(key)
        defs[cls.__name__] = {
            "type": "object",
            "description": " ".join((cls.__doc__ or "").split()),
            "properties": properties,
            "required": required,
            "additionalProperties": False,
        }
    return {"$ref": f"#/$defs/{cls.__name__}"}


def evaluation_schema() -> dict[str, Any]:
    defs: dict[str, Any] = {}
    worked = "A worked case's own table (rulesets/*/cases/): checked by `perfscore test`, not described here"
    properties = {
        "evaluation": _spec_ref(evaluation_read.EVALUATION, defs),
        "budget": _spec_ref(evaluation_read.BUDGET, defs),
        "rows": {"type": "array", "items": _spec_ref(evaluation_read.ROW, defs)},
        "base": _describe(_getter(evaluation_read.numbers, defs)[0], "Base data (附件2 基础数据表) by name"),
        "case": {"type": "object", "description": worked},
        "expect": {"type": "object", "description": worked},
    }
    assert set(properties) == set(evaluation_read.TOP_KEYS), "a top-level key is not described"
    top = {
        "type": "object",
        "properties": properties,
        "required": ["evaluation"],
        "additionalProperties": False,
    }
    return _document(
        "evaluation",
        "An evaluation file (TOML or JSON), Evaluation.to_dict(), and the body of POST /api/score"
        " (docs/evaluation-format.md). A number that is no number, a bad year, a weight out of range"
        " are the reader's to report, with their key paths.",
        top,
        defs,
    )


SCHEMAS: dict[str, Callable[[], dict[str, Any]]] = {
    "evaluation": evaluation_schema,
    "report": report_schema,
    "review": review_schema,
    "score": score_schema,
}


def schema_texts() -> dict[Path, str]:
    """Each schema file and the text it must hold."""
    return {
        FOLDER / f"{name}.schema.json": json.dumps(make(), indent=2, ensure_ascii=False) + "\n"
        for name, make in SCHEMAS.items()
    }


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check the files are current")
    args = parser.parse_args(argv)
    stale = 0
    for path, text in schema_texts().items():
        current = path.read_text(encoding="utf-8") if path.exists() else ""
        if current == text:
            continue
        if args.check:
            stale += 1
            print(f"{path.relative_to(ROOT)} is stale: run python scripts/json_schemas.py", file=sys.stderr)
        else:
            path.write_text(text, encoding="utf-8", newline="\n")
            print(f"wrote {path.relative_to(ROOT)}")
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
