"""Print (or, with --write, rewrite) the province map in docs/regions.md from the registry.

One row per province-level region: its rulesets by form (a city's or county's named beside it)
and the ids of the unconfirmed (evidence R) sources they rest on. tests/test_docs.py checks that
the map in the doc is what this script prints, so it cannot drift from the shipped rulesets.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path

import perfscore
from perfscore import regions

DOC = Path(__file__).resolve().parent.parent / "docs" / "regions.md"
BEGIN = "<!-- map: scripts/regions_map.py -->"
END = "<!-- end of map -->"
HEADER = (
    "| province | project 项目支出 | department 部门整体支出 | special_fund 专项资金 | unconfirmed sources |\n"
    "|---|---|---|---|---|"
)


def _cell(infos: list[perfscore.RulesetInfo], form: str) -> str:
    shown = []
    for info in infos:
        if info.form == form:
            where = "" if info.region.endswith("0000") else f" ({regions.name(info.region)})"
            shown.append(f"`{info.id}`{where}")
    return ", ".join(dict.fromkeys(shown)) or "—"


def province_map() -> str:
    """The map as a Markdown table."""
    by_province: dict[str, list[perfscore.RulesetInfo]] = defaultdict(list)
    for info in perfscore.available_rulesets():
        if not info.error and info.region != "CN":
            by_province[info.region[:2] + "0000"].append(info)
    rows = [HEADER]
    provinces = {r.code: r for r in regions.all_regions() if r.code.endswith("0000")}
    for code in sorted(provinces):
        if code[:2] in ("71", "81", "82"):  # 台湾, 香港, 澳门: no 绩效自评 under these rules
            continue
        infos = by_province.get(code, [])
        unconfirmed: set[str] = set()
        for info in infos:
            ruleset = perfscore.load_ruleset(info.file)
            unconfirmed |= {s.id for s in ruleset.sources if s.evidence == "R"}
        forms = " | ".join(_cell(infos, form) for form in ("project", "department", "special_fund"))
        rest = "; ".join(sorted(unconfirmed)) if infos else "(national rulesets only)"
        rows.append(f"| {code} {provinces[code].name} | {forms} | {rest} |")
    return "\n".join(rows)


def main(argv: list[str]) -> int:
    text = province_map()
    if "--write" in argv:
        doc = DOC.read_text(encoding="utf-8")
        head, _, rest = doc.partition(BEGIN)
        _, _, tail = rest.partition(END)
        DOC.write_text(f"{head}{BEGIN}\n{text}\n{END}{tail}", encoding="utf-8")
    else:
        print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
