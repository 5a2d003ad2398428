"""The columnar path of score_batch: taken for the evaluations it covers, and, taken or not,
the same tables as the engine's cell for cell (test_batch_columnar.py proves the engine's
tables are perfscore.score's, on generated tables of every shipped ruleset)."""

from __future__ import annotations

from typing import Any, Optional

import pytest
from hypothesis import given
from hypothesis import strategies as st

import perfscore
from perfscore.batch import columnar
from perfscore.batch.outcomes import plain_cell
from perfscore.batch.run import score_by_engine
from perfscore.cells import parse_cell
from test_batch_columnar import same_tables

pa = pytest.importorskip("pyarrow")

_GOOD = (
    ("产出指标", "数量指标", "培训次数", "≥10次", "12次", "20"),
    ("产出指标", "质量指标", "合格率", "≥95%", "93.5%", "15"),
    ("产出指标", "成本指标", "成本", "≤1.27万元", "12100元", "15"),
    ("效益指标", "社会效益指标", "受益人数", "≥500人", "450人", "30"),
    ("满意度指标", "服务对象满意度指标", "群众满意度", "≥90%", "88%", "10"),
)


def _tables(
    evaluations: dict[Any, tuple[Optional[str], list[tuple[str, ...]]]], ids: bool = True
) -> tuple[Any, Any]:
    """{id: (budget points or None, rows)} as the two tables, every cell text."""
    heads: dict[str, list[Any]] = {k: [] for k in ("id", "region", "form", "year", "budget_full_year")}
    heads.update({"budget_executed": [], "budget_points": []})
    rows: dict[str, list[Any]] = {
        k: [] for k in ("evaluation_id", "block", "category", "name", "target", "actual", "weight")
    }
    for key, (points, found) in evaluations.items():
        for name, value in zip(heads, (key, "CN", "project", 2023, "100", "95", points)):
            heads[name].append(value)
        for row in found:
            for name, value in zip(rows, (key, *row)):
                rows[name].append(value)
    if not ids:
        del heads["id"]
    cells = {k: pa.array(v, None if k == "evaluation_id" else pa.string()) for k, v in rows.items()}
    return pa.table(heads), pa.table(cells)


CASES: dict[Any, tuple[Optional[str], list[tuple[str, ...]]]] = {
    "full": (None, list(_GOOD)),
    "not-applicable with a weight": (None, [*_GOOD[:4], ("满意度指标", "服务对象满意度指标", "满意度", "不适用", "不适用", "10")]),
    "capped": (None, [*_GOOD, ("满意度指标", "服务对象满意度指标", "投诉率", "≤5%", "1%", "10")]),
    "no rows": (None, []),
    "levels": (None, [*_GOOD[:4], ("满意度指标", "服务对象满意度指标", "群众满意度", "按月完成", "部分达成", "10")]),
    "budget points differ": ("20", list(_GOOD)),
}  # fmt: skip
UNCOVERED: dict[Any, tuple[Optional[str], list[tuple[str, ...]]]] = {
    "unknown block": (None, [*_GOOD[:4], ("未知", "x", "y", "≥1", "1", "10")]),
    "garbled": (None, [*_GOOD[:4], ("满意度指标", "服务对象满意度指标", "满意度", "≥9o%", "88%", "10")]),
    "bad weight": (None, [*_GOOD[:4], ("满意度指标", "服务对象满意度指标", "满意度", "≥90%", "88%", "abc")]),
}  # fmt: skip


def test_the_columnar_path_is_taken_for_what_it_covers() -> None:
    evaluations, rows = _tables({**CASES, **UNCOVERED})
    result = perfscore.score_batch(evaluations, rows, ruleset="cn-project")
    same_tables(result, score_by_engine(evaluations, rows, ruleset="cn-project"))
    assert result.columnar == len(CASES)
    heads = {r["id"]: r for r in result.evaluations.to_pylist()}
    assert heads["no rows"]["complete"] is False and heads["no rows"]["errors"] >= 3
    assert heads["capped"]["warnings"] >= 1 and heads["not-applicable with a weight"]["warnings"] >= 1
    assert heads["full"]["grade"] and heads["bad weight"]["error"]


def test_a_ruleset_it_does_not_model_goes_to_the_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    evaluations, rows = _tables(CASES)
    taken = perfscore.score_batch(evaluations, rows)
    monkeypatch.setattr(columnar, "simple", lambda ruleset: False)
    left = perfscore.score_batch(evaluations, rows)
    assert taken.columnar == len(CASES) and left.columnar == 0
    same_tables(left, taken)


@pytest.mark.parametrize("ids", ["text", "none", "orphans", "duplicates", "ints"])
def test_keys_of_every_kind(ids: str) -> None:
    """Ids as text or integers, no id column, rows naming no evaluation, duplicate ids: the same
    tables as the engine's, and the records in the engine's order."""
    cases = {**CASES, **UNCOVERED}
    if ids == "ints":
        cases = dict(enumerate(cases.values()))
    evaluations, rows = _tables(cases, ids=ids != "none")
    if ids == "none":
        rows = rows.set_column(0, "evaluation_id", pa.array([0] * rows.num_rows, pa.int64()))
    if ids == "orphans":
        rows = pa.concat_tables([rows.slice(0, 3).set_column(0, "evaluation_id", pa.array(["?"] * 3)), rows])
    if ids == "duplicates":
        evaluations = pa.concat_tables([evaluations, evaluations.slice(0, 1)])
    result = perfscore.score_batch(evaluations, rows)
    same_tables(result, score_by_engine(evaluations, rows))
    # without ids every row names evaluation 0 (holding uncovered rows); the others have no rows
    expected = {"duplicates": 0, "none": len(cases) - 1}.get(ids, len(CASES))
    assert result.columnar == expected


_AFTER = (
    "",
    "%",
    "次",
    "人",
    "万元",
    "元",
    "个",
    "天",
    "个工作日",
    " 次",
    "次。",
    "%以上",
    "％",
    "万",
    "起",
    "项",
    "元/人",
    "亿元",
)


@given(
    st.one_of(
        st.builds(
            lambda whole, part, after: f"{whole}{part}{after}",
            st.integers(0, 10**15).map(str),
            st.one_of(st.just(""), st.integers(0, 10**10).map(lambda n: f".{n}")),
            st.sampled_from(_AFTER),
        ),
        st.text(alphabet="0123456789.,%次人万元约≥-+ ", max_size=12),
    )
)
def test_a_plain_number_cell_is_what_the_parser_makes_of_it(text: str) -> None:
    """The columnar path builds plain number cells ("93.50%", "12次") without the parser's
    patterns; each is what parse_cell gives, and any other cell is left to parse_cell."""
    built = plain_cell(text)
    assert built is None or built == parse_cell(text)


@pytest.mark.parametrize("kind", ["int32", "large_string", "dictionary"])
def test_ids_of_any_arrow_type_come_back_as_the_engine_types_them(kind: str) -> None:
    evaluations, rows = _tables(dict(enumerate(CASES.values())))
    ids = evaluations.column("id")
    if kind == "int32":
        ids, owners = ids.cast(pa.int32()), rows.column("evaluation_id").cast(pa.int32())
    else:
        ids, owners = ids.cast(pa.string()), rows.column("evaluation_id").cast(pa.string())
        if kind == "large_string":
            ids, owners = ids.cast(pa.large_string()), owners.cast(pa.large_string())
        else:
            ids, owners = ids.dictionary_encode(), owners.dictionary_encode()
    evaluations = evaluations.set_column(0, "id", ids)
    rows = rows.set_column(0, "evaluation_id", owners)
    result = perfscore.score_batch(evaluations, rows)
    same_tables(result, score_by_engine(evaluations, rows))
    assert result.columnar == len(CASES)


@pytest.mark.parametrize("suffix", ["parquet", "csv", "jsonl"])
def test_the_command_scores_as_the_engine(tmp_path: Any, suffix: str) -> None:
    """perfscore batch scores each flush with score_batch: the records are the engine's."""
    from perfscore.cli import main
    from test_batch_columnar import _read, _write

    evaluations, rows = _tables(dict(enumerate({**CASES, **UNCOVERED}.values())))
    source = tmp_path / "in"
    source.mkdir()
    _write(evaluations, source / f"evaluations.{suffix}")
    _write(rows, source / f"rows.{suffix}")
    assert main(["batch", str(source), "-o", str(tmp_path / "out"), "--batch-rows", "7", "--quiet"]) == 0
    engine = score_by_engine(evaluations, rows)
    got_heads, got_rows = (
        _read(tmp_path / "out" / f"evaluations.{suffix}"),
        _read(tmp_path / "out" / f"rows.{suffix}"),
    )
    if suffix == "csv":  # every cell read back as text
        assert [r["total"] or None for r in got_heads] == [r["total"] for r in engine.evaluations.to_pylist()]
        assert [r["points"] or None for r in got_rows] == [r["points"] for r in engine.rows.to_pylist()]
        return
    assert got_heads == engine.evaluations.to_pylist()
    assert got_rows == engine.rows.to_pylist()


@pytest.mark.parametrize("window", ["2", "1000"])
def test_the_command_on_columns_finds_strays_as_the_record_walk_does(tmp_path: Any, window: str) -> None:
    """Parquet is scored window by window on columns; JSON Lines record by record. Rows naming no
    evaluation, or one already passed, come back with the same errors either way."""
    from perfscore.cli import main
    from test_batch_columnar import _read, _write

    evaluations, rows = _tables(dict(enumerate({**CASES, **UNCOVERED}.values())))
    keys = rows.column("evaluation_id").to_pylist()
    moved = [99, *keys[:7], 3, 0, *keys[7:], 42, 1]  # unknown, passed, unknown at the end
    rows = pa.concat_tables([rows.slice(0, 1)] * 4 + [rows]).set_column(
        0, "evaluation_id", pa.array(moved[: rows.num_rows + 4])
    )
    found = {}
    for suffix in ("parquet", "jsonl"):
        source, out = tmp_path / f"in-{suffix}", tmp_path / f"out-{suffix}"
        source.mkdir()
        _write(evaluations, source / f"evaluations.{suffix}")
        _write(rows, source / f"rows.{suffix}")
        assert main(["batch", str(source), "-o", str(out), "--batch-rows", window, "--quiet"]) == 0
        found[suffix] = (_read(out / f"evaluations.{suffix}"), _read(out / f"rows.{suffix}"))
    assert found["parquet"][0] == found["jsonl"][0]
    columns, records = found["parquet"][1], found["jsonl"][1]
    if window == "1000":  # one window: the same order
        assert columns == records
    key = lambda r: (str(r["evaluation_id"]), str(r["row"]), str(r["error"]))  # noqa: E731
    assert sorted(columns, key=key) == sorted(records, key=key)
    assert {r["error"].split(":")[0] for r in columns if r["status"] == "error" and r["error"]} >= {
        "no-evaluation",
        "rows-out-of-order",
    }
