"""Write (or check) schema/ruleset.schema.json, the JSON Schema editors use for ruleset files.

The schema is generated from the tables the ruleset builder reads
(``perfscore.rules.builder.tables``): each key's type, whether it is required, its description.
Change a key there, then run this script; ``tests/test_schema.py`` fails while the file is stale.

    python scripts/schema.py          # rewrite schema/ruleset.schema.json
    python scripts/schema.py --check  # exit 1 if the file is not what the tables give
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from perfscore.rules.builder import schema_text

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = ROOT / "schema" / "ruleset.schema.json"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check the file is current")
    args = parser.parse_args(argv)
    text = schema_text()
    current = SCHEMA.read_text(encoding="utf-8") if SCHEMA.exists() else ""
    if args.check:
        if current != text:
            print(f"{SCHEMA.relative_to(ROOT)} is stale: run python scripts/schema.py", file=sys.stderr)
            return 1
        return 0
    if current != text:
        SCHEMA.write_text(text, encoding="utf-8", newline="\n")
        print(f"wrote {SCHEMA.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
