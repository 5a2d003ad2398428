"""Write (or check) the golden report snapshots: every shipped worked case and example, scored
and reviewed, as JSON under tests/golden/.

A snapshot holds the whole report (every row's points, status, method, reasons in both
languages, inputs and provenance; blocks, budget, total, grade) and every review finding, so a
change in any score, reason or finding shows as a diff. ``tests/test_golden.py`` compares;
after an intended change, run ``python scripts/golden.py`` and read the diff before committing.

    python scripts/golden.py          # rewrite tests/golden/
    python scripts/golden.py --check  # exit 1 and name each snapshot that differs
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import perfscore
from perfscore.cases import CaseResult, find_cases

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden"


def snapshot(evaluation: perfscore.Evaluation, ruleset: perfscore.Ruleset) -> dict[str, Any]:
    """The report and the review of one evaluation, as plain JSON data."""
    reviewed = perfscore.review(evaluation, ruleset)
    return {
        "ruleset": f"{ruleset.id}@{ruleset.edition}" if ruleset.edition else ruleset.id,
        "report": reviewed.report.to_dict(),
        "findings": reviewed.to_dict()["findings"],
    }


def snapshots() -> dict[str, dict[str, Any]]:
    """Every snapshot by its file name under tests/golden/."""
    out: dict[str, dict[str, Any]] = {}
    for case in find_cases():
        if isinstance(case, CaseResult):  # a case file that cannot be read: no snapshot hides it
            raise SystemExit(f"{case.case.file}: " + "; ".join(case.differences))
        evaluation = case.evaluation
        ruleset = perfscore.load_ruleset(case.ruleset, year=evaluation.year or None)
        name = "cases/" + Path(case.file).parent.parent.name + "/" + Path(case.file).stem + ".json"
        out[name] = snapshot(evaluation, ruleset)
    for file in sorted((ROOT / "examples").rglob("*.toml")):
        evaluation = perfscore.read_evaluation(file)
        name = "examples/" + file.relative_to(ROOT / "examples").with_suffix(".json").as_posix()
        out[name] = snapshot(evaluation, perfscore.ruleset_for(evaluation))
    return out


def dump(data: dict[str, Any]) -> str:
    """Stable JSON text, with this checkout's own path left out of provenance."""
    text = json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    return text.replace(ROOT.as_posix() + "/", "")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare instead of writing")
    args = parser.parse_args(argv)
    wanted = {name: dump(data) for name, data in snapshots().items()}
    if args.check:
        have = {p.relative_to(GOLDEN).as_posix() for p in GOLDEN.rglob("*.json")}
        bad = sorted(
            name
            for name in wanted.keys() | have
            if name not in wanted
            or not (GOLDEN / name).is_file()
            or (GOLDEN / name).read_text(encoding="utf-8") != wanted[name]
        )
        for name in bad:
            print(f"differs: tests/golden/{name}")
        return 1 if bad else 0
    for old in GOLDEN.rglob("*.json"):
        old.unlink()
    for name, text in wanted.items():
        path = GOLDEN / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    print(f"wrote {len(wanted)} snapshots under {GOLDEN.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
