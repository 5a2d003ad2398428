"""One table as the page shows it: 一级 → 二级 → 三级 rows with their findings beside them.

A finding's location starts with the row's own (``rows[6].reported_score``, ``表1 R8C3.weight``,
``自评表!A6.note``): it is shown beside that row and named by the row's indicator, never by an
index. Findings about the budget row go beside it; the rest (total, grade, a block, the year)
are listed above the breakdown.
"""

from __future__ import annotations

from typing import Any, Optional

__all__ = ["FIELD_ZH", "table_view"]

#: What the part after a row's location names, in Chinese.
FIELD_ZH = {
    "reported_score": "自评得分",
    "weight": "分值",
    "note": "偏差原因分析",
    "block": "一级指标",
    "category": "二级指标",
    "name": "三级指标",
    "target": "年度指标值",
    "actual": "实际完成值",
    "points": "分值",
    "rate": "执行率",
    "full_year": "全年预算数",
    "initial": "年初预算数",
    "executed": "全年执行数",
}


def _owner(location: str, wheres: list[str]) -> Optional[str]:
    """The row whose location ``location`` starts with (the longest one), if any."""
    best = None
    for where in wheres:
        owns = location == where or location.startswith(where + ".")
        if owns and (best is None or len(where) > len(best)):
            best = where
    return best


def _field(location: str, where: str) -> str:
    rest = location[len(where) + 1 :]
    return FIELD_ZH.get(rest, rest)


def table_view(review: dict[str, Any]) -> dict[str, Any]:
    """The breakdown of a review (as data) with each finding placed and named."""
    report = review["report"]
    rows = [row for block in report["blocks"] for cat in block["categories"] for row in cat["rows"]]
    ids = {row["where"]: f"row-{n}" for n, row in enumerate(rows)}
    wheres = list(ids)
    by_row: dict[str, list[dict[str, Any]]] = {}
    budget: list[dict[str, Any]] = []
    general: list[dict[str, Any]] = []
    items: list[dict[str, Any]] = []
    for n, f in enumerate(review["findings"]):
        location = f["location"]
        where = _owner(location, wheres)
        item = dict(f, id=f"finding-{n}", row=None, label="")
        items.append(item)
        if where is not None:
            row = next(r for r in rows if r["where"] == where)
            item["row"] = ids[where]
            field = _field(location, where)
            item["label"] = f"{row['category'] or '—'} › {row['name'] or '—'}" + (
                f"（{field}）" if field else ""
            )
            by_row.setdefault(where, []).append(item)
        elif location == "budget" or location.startswith("budget."):
            item["row"] = "row-budget"
            field = _field(location, "budget") if location != "budget" else ""
            item["label"] = "预算执行率" + (f"（{field}）" if field else "")
            budget.append(item)
        else:
            item["label"] = _general_label(location, report)
            general.append(item)
    blocks = []
    for block in report["blocks"]:
        cats = []
        for cat in block["categories"]:
            cats.append(
                {
                    "name": cat["name"] or "—",
                    "points": cat["points"],
                    "reported": cat["reported"],
                    "rows": [
                        dict(row, id=ids[row["where"]], findings=by_row.get(row["where"], []))
                        for row in cat["rows"]
                    ],
                }
            )
        blocks.append(dict(block, categories=cats, span=sum(len(c["rows"]) for c in cats)))
    return {
        "report": report,
        "blocks": blocks,
        "budget": report["budget"],
        "budget_findings": budget,
        "general": general,
        "findings": items,
    }


def _general_label(location: str, report: dict[str, Any]) -> str:
    names: dict[str, str] = {b["key"]: b["name_zh"] for b in report["blocks"]}
    head, _, rest = location.partition(".")
    if head in names:
        return names[head] + (f"（{FIELD_ZH.get(rest, rest)}）" if rest else "")
    known = {
        "total": "总分",
        "evaluation.year": "年度",
        "evaluation.region": "行政区划",
        "evaluation.reported_total": "自评总分",
        "evaluation.reported_grade": "自评等级",
        "evaluation.ruleset": "规则集",
        "grade": "等级",
        "rows.weight": "各行分值合计",
    }
    return known.get(location, location)
