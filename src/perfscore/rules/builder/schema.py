"""The JSON Schema of a ruleset file, written from the tables the builder reads
(:mod:`.tables`): ``scripts/schema.py`` writes it to ``schema/ruleset.schema.json``, and the tests
check that file is what this module gives, so an editor offers exactly the keys the loader reads.
"""

from __future__ import annotations

from typing import Any

from .tables import DEFINITIONS, FILE

__all__ = ["ruleset_schema", "schema_text"]

DIALECT = "https://json-schema.org/draft/2020-12/schema"
TITLE = "perfscore ruleset"

#: A file that does not extend a parent must state what a child may inherit.
_STANDALONE = {"properties": {"ruleset": {"not": {"required": ["extends"]}}}}


def ruleset_schema() -> dict[str, Any]:
    """The schema, as JSON data."""
    top = FILE.schema()
    definitions = {definition.name: definition.schema() for definition in DEFINITIONS}
    return {
        "$schema": DIALECT,
        "title": TITLE,
        **top,
        "allOf": [{"if": _STANDALONE, "then": FILE.alone_schema()}],
        "$defs": definitions,
    }


def schema_text() -> str:
    """The schema as ``schema/ruleset.schema.json`` holds it."""
    import json  # only for the schema file

    return json.dumps(ruleset_schema(), indent=2, ensure_ascii=False) + "\n"
