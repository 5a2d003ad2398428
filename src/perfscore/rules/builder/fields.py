"""How a table of a ruleset file is declared: its fields, each with its name, the JSON Schema of
its value, whether it is required and what it means.

The builder takes each table's key set from its declaration (:attr:`Table.keys`), and
:mod:`.schema` writes the declarations out as ``schema/ruleset.schema.json``, so the keys an
editor offers are the keys the loader reads. A value's schema is plain JSON-Schema data in which
a :class:`Table` or :class:`Definition` stands for itself: a shared one (listed under ``$defs``)
becomes a ``$ref``, an inline table its own ``object`` schema.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Optional

import attrs

__all__ = [
    "Definition",
    "Field",
    "Json",
    "Table",
    "array",
    "boolean",
    "described",
    "inline",
    "integer",
    "mapping",
    "number",
    "string",
    "strings",
]

Json = Any
"""JSON-Schema data, in which a :class:`Table` or :class:`Definition` may stand for its schema."""


def _frozen_json(value: Mapping[str, Any]) -> Mapping[str, Any]:
    return dict(value)


@attrs.frozen(eq=False)
class Definition:
    """A named schema other than a closed table (a formula, an identifier, the params map),
    listed under ``$defs``."""

    name: str
    description: str
    value: Mapping[str, Json] = attrs.field(converter=_frozen_json)
    """Its JSON Schema, without the description."""

    def schema(self) -> dict[str, Json]:
        """Its JSON Schema, as listed under ``$defs``."""
        return described(dict(self.value), self.description)

    def ref(self, **keywords: Json) -> dict[str, Json]:
        """A reference to this definition, with ``keywords`` beside it (a ``default``…)."""
        return {"$ref": f"#/$defs/{self.name}", **keywords}


@attrs.frozen
class Field:
    """One key of a table."""

    name: str
    description: str
    """What the key means, in English with the form's Chinese term (editors show it)."""
    schema: Json
    """The JSON Schema of the value (a :class:`Table`, an :func:`array` of tables…)."""
    required: bool = False
    """Whether every file must give the key."""
    required_alone: bool = False
    """Whether a file without ``extends`` must give it (a child may inherit it)."""
    alone: Mapping[str, Json] = attrs.field(factory=dict, converter=_frozen_json)
    """What a file without ``extends`` must also say about the value (``minItems``…)."""

    def nested(self) -> tuple[str, Optional[Table]]:
        """The table the value holds, and where: ``""`` (the value is one), ``"items"`` (an
        array of them) or ``"additionalProperties"`` (a map of them)."""
        if isinstance(self.schema, Table):
            return "", self.schema
        if isinstance(self.schema, Mapping):
            for where in ("items", "additionalProperties"):
                if isinstance(self.schema.get(where), Table):
                    return where, self.schema[where]
        return "", None


@attrs.frozen(eq=False)
class Table:
    """A table whose keys are all declared: any other key is a mistake (``unknown-key``)."""

    name: str
    description: str
    fields: tuple[Field, ...]
    shared: bool = True
    """Listed once under ``$defs`` and referred to (else written where it is used, and described
    by the field that holds it)."""
    extra: Mapping[str, Json] = attrs.field(factory=dict, converter=_frozen_json)
    """Rules between its keys that JSON Schema can state (``allOf``…)."""
    alone: Mapping[str, Json] = attrs.field(factory=dict, converter=_frozen_json)
    """Rules between its keys in a file without ``extends``."""

    _keys: frozenset[str] = attrs.field(init=False, repr=False)

    def __attrs_post_init__(self) -> None:
        names = [f.name for f in self.fields]
        assert len(set(names)) == len(names), f"a key of {self.name} declared twice"
        object.__setattr__(self, "_keys", frozenset(names))

    @property
    def keys(self) -> frozenset[str]:
        """Every key the table may hold."""
        return self._keys

    def schema(self) -> dict[str, Json]:
        """The table's own JSON Schema (its fields' schemas, shared tables as ``$ref``)."""
        out: dict[str, Json] = {"type": "object"}
        if self.description:  # an inline table's is its field's
            out["description"] = self.description
        out["additionalProperties"] = False
        required = [f.name for f in self.fields if f.required]
        if required:
            out["required"] = required
        out["properties"] = {f.name: described(f.schema, f.description) for f in self.fields}
        out.update(_json(dict(self.extra)))
        return out

    def alone_schema(self) -> dict[str, Json]:
        """What a file without ``extends`` must also say in this table (empty if nothing)."""
        properties: dict[str, Json] = {}
        for f in self.fields:
            part = _json(dict(f.alone))
            where, table = f.nested()
            inner = table.alone_schema() if table is not None else {}
            if inner:
                part = _merge(part, {where: inner} if where else inner)
            if part:
                properties[f.name] = part
        out: dict[str, Json] = {}
        required = [f.name for f in self.fields if f.required_alone]
        if required:
            out["required"] = required
        if properties:
            out["properties"] = properties
        return _merge(out, _json(dict(self.alone)))


def inline(name: str, *fields: Field) -> Table:
    """A table written where it is used, once (``[ruleset].in_force``, ``[actuals]``…); the field
    that holds it describes it."""
    return Table(name, "", fields, shared=False)


def string(**keywords: Json) -> dict[str, Json]:
    """A string (``pattern``, ``enum``, ``default``…)."""
    return {"type": "string", **keywords}


def strings() -> dict[str, Json]:
    """An array of strings (aliases)."""
    return array(string())


def number(**keywords: Json) -> dict[str, Json]:
    """A number, integer or not (``minimum``, ``exclusiveMinimum``, ``default``…)."""
    return {"type": "number", **keywords}


def integer(**keywords: Json) -> dict[str, Json]:
    """An integer."""
    return {"type": "integer", **keywords}


def boolean(**keywords: Json) -> dict[str, Json]:
    """``true`` or ``false``."""
    return {"type": "boolean", **keywords}


def array(items: Json, **keywords: Json) -> dict[str, Json]:
    """An array of ``items``."""
    return {"type": "array", "items": items, **keywords}


def mapping(values: Json, **keywords: Json) -> dict[str, Json]:
    """A table of any keys (``keywords`` may restrict them), each holding ``values``."""
    return {"type": "object", **keywords, "additionalProperties": values}


def described(schema: Json, description: str) -> dict[str, Json]:
    """``schema`` with ``description`` after its first keyword (for a value that is not a key's:
    the items of an array, the values of a map)."""
    own = _json(schema)
    if isinstance(schema, (Table, Definition)) or not own:
        return {**own, "description": description}
    first, *rest = own.items()
    return {first[0]: first[1], "description": description, **dict(rest)}


def _json(value: Json) -> Json:
    """``value`` with each :class:`Table` and :class:`Definition` replaced by its schema."""
    if isinstance(value, (Table, Definition)):
        if isinstance(value, Table) and not value.shared:
            return value.schema()
        return {"$ref": f"#/$defs/{value.name}"}
    if isinstance(value, Mapping):
        return {key: _json(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json(v) for v in value]
    return value


def _merge(a: Mapping[str, Json], b: Mapping[str, Json]) -> dict[str, Json]:
    """``a`` and ``b`` together, tables merged key by key (``b`` wins elsewhere)."""
    out = dict(a)
    for key, value in b.items():
        if isinstance(out.get(key), Mapping) and isinstance(value, Mapping):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out
