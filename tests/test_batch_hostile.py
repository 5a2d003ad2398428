"""`perfscore batch` and `score_batch` on broken long tables: every evaluation and every row comes
back once, scored or with its own error; one bad record never takes the others down."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest

import perfscore
from perfscore.cli import main

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

ROW = "产出指标,数量指标,培训人次,≥100人次,120人次,50"
EVALUATIONS = """id,region,form,year,budget_full_year,budget_executed
good,430000,project,2023,100,95
bad-year,430000,project,二〇二三,100,95
twin,430000,project,2023,100,95
twin,430000,project,2023,100,100
nan,430000,project,2023,NaN,95
,430000,project,2023,100,95
"""
ROWS = f"""evaluation_id,block,category,name,target,actual,weight
good,{ROW}
bad-year,{ROW}
twin,{ROW}
twin,{ROW}
nan,{ROW}
,{ROW}
"""


def _write(folder: Path, kind: str) -> Path:
    """The two tables above as CSV as written, or converted (every cell text) to Parquet or JSON Lines."""
    folder.mkdir()
    for name, text in (("evaluations", EVALUATIONS), ("rows", ROWS)):
        lines = text.splitlines()
        header = lines[0].split(",")
        records = [dict(zip(header, line.split(","))) for line in lines[1:]]
        if kind == "csv":
            (folder / f"{name}.csv").write_text(text, "utf-8")
        elif kind == "jsonl":
            body = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
            (folder / f"{name}.jsonl").write_text(body, "utf-8")
        else:
            pq.write_table(pa.Table.from_pylist(records), folder / f"{name}.parquet")
    return folder


def _read(path: Path) -> list[dict[str, Any]]:
    if path.suffix == ".parquet":
        records: list[dict[str, Any]] = pq.read_table(path).to_pylist()
        return records
    if path.suffix == ".jsonl":
        return [json.loads(line) for line in path.read_text("utf-8").splitlines()]
    with path.open(encoding="utf-8", newline="") as f:  # every cell as written; an empty one null
        return [{k: v or None for k, v in record.items()} for record in csv.DictReader(f)]


def _code(error: Any) -> str:
    return str(error).split(":")[0] if error else ""


@pytest.mark.parametrize("kind", ["csv", "jsonl", "parquet"])
def test_every_evaluation_and_row_comes_back_once_with_its_own_error(tmp_path: Path, kind: str) -> None:
    source, out = _write(tmp_path / "in", kind), tmp_path / "out"
    assert main(["batch", str(source), "-o", str(out), "--quiet"]) == 0
    heads = _read(out / f"evaluations.{kind}")
    rows = _read(out / f"rows.{kind}")
    assert len(heads) == 6 and len(rows) == 6  # nothing lost, nothing twice
    by_id = [(h["id"] or "", h) for h in heads]
    assert [key for key, _ in by_id] == ["good", "bad-year", "twin", "twin", "nan", ""]  # input order
    assert not by_id[0][1]["error"]  # the good one is scored
    assert by_id[0][1]["total"] == "59.50"
    assert "bad-year" in by_id[1][1]["error"] and "二〇二三" in by_id[1][1]["error"]
    assert [_code(h["error"]) for _, h in by_id[2:4]] == ["duplicate-id", "duplicate-id"]
    assert "'NaN'" in by_id[4][1]["error"]  # a NaN cell is text as written, refused: never a blank
    assert _code(by_id[5][1]["error"]) == "missing-id"
    twin_rows = [r for r in rows if r["evaluation_id"] == "twin"]
    assert len(twin_rows) == 2 and {_code(r["error"]) for r in twin_rows} == {"duplicate-id"}
    assert [r["status"] for r in rows if r["evaluation_id"] == "good"] == ["scored"]


def test_score_batch_does_not_give_a_shared_ids_rows_to_the_first_evaluation() -> None:
    heads = pa.table(
        {"id": ["a", "a", "b"], "region": ["430000"] * 3, "form": ["project"] * 3, "year": [2023] * 3}
    )
    row = {"block": "产出指标", "category": "数量指标", "name": "培训人次", "target": "≥100人次",
           "actual": "120人次", "weight": "50"}  # fmt: skip
    rows = pa.Table.from_pylist([{"evaluation_id": "a", **row}, {"evaluation_id": "b", **row}])
    result = perfscore.score_batch(heads, rows)
    assert [_code(e) for e in result.evaluations.column("error").to_pylist()] == [
        "duplicate-id",
        "duplicate-id",
        "",
    ]
    assert result.evaluations.column("total").to_pylist()[:2] == [None, None]
    assert [(r["evaluation_id"], r["status"]) for r in result.rows.to_pylist()] == [
        ("a", "error"),
        ("b", "scored"),
    ]


def test_a_year_written_as_text_scores_as_the_year() -> None:
    row = {"evaluation_id": 1, "block": "产出指标", "category": "数量指标", "name": "培训人次",
           "target": "≥100人次", "actual": "120人次", "weight": "50"}  # fmt: skip
    texts = perfscore.score_batch(
        pa.table({"id": [1], "region": ["430000"], "form": ["project"], "year": ["2023"]}),
        pa.Table.from_pylist([row]),
    )
    numbers = perfscore.score_batch(
        pa.table({"id": [1], "region": ["430000"], "form": ["project"], "year": [2023]}),
        pa.Table.from_pylist([row]),
    )
    assert texts.evaluations.to_pylist() == numbers.evaluations.to_pylist()
    assert texts.evaluations.column("total").to_pylist() == ["50.00"]


HEAD = "evaluation_id,block,category,name,target,actual,weight\n"
ONE = "id,region,form,year\n1,430000,project,2023\n"


@pytest.mark.parametrize(
    ("evaluations", "rows", "said"),
    [
        (
            ONE,
            "block,name\n产出指标,x\n".encode(),
            "rows.csv: no evaluation_id column (the columns: block, name",
        ),
        (b"", HEAD.encode(), "evaluations.csv: empty: expected a header line"),
        (ONE, (HEAD + f"1,{ROW}\n").encode("gbk"), "rows.csv: line 2 is not UTF-8 text (GBK?)"),
        (ONE, b"PAR1 not parquet", "rows.parquet: not a Parquet file"),
    ],
)
def test_an_input_that_cannot_be_read_is_refused_by_name_before_anything_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], evaluations: Any, rows: bytes, said: str
) -> None:
    source, out = tmp_path / "in", tmp_path / "out"
    source.mkdir()
    if rows.startswith(b"PAR1"):
        pq.write_table(pa.table({"id": [1], "region": ["430000"], "form": ["project"], "year": [2023]}),
                       source / "evaluations.parquet")  # fmt: skip
        (source / "rows.parquet").write_bytes(rows)
    else:
        (source / "evaluations.csv").write_bytes(
            evaluations if isinstance(evaluations, bytes) else evaluations.encode()
        )
        (source / "rows.csv").write_bytes(rows)
    assert main(["batch", str(source), "-o", str(out), "--quiet"]) == 4
    assert said in capsys.readouterr().err
    assert not out.exists()


def test_a_csv_line_of_the_wrong_width_comes_back_as_an_error_record_with_its_line(tmp_path: Path) -> None:
    source, out = tmp_path / "in", tmp_path / "out"
    source.mkdir()
    (source / "evaluations.csv").write_text(ONE + "2,430000,project,2023,surplus\n", "utf-8")
    (source / "rows.csv").write_text(HEAD + f"1,{ROW}\n1,{ROW},EXTRA\n2,{ROW}\n", "utf-8")
    assert main(["batch", str(source), "-o", str(out), "--quiet"]) == 0
    heads, rows = _read(out / "evaluations.csv"), _read(out / "rows.csv")
    assert [(h["id"], h["total"]) for h in heads] == [("1", "50.00"), (None, None)]
    assert heads[1]["error"].startswith("bad-line: evaluations.csv line 3: 5 cells where the header names 4")
    assert [r["status"] for r in rows] == ["scored", "error", "error"]
    assert rows[1]["error"].startswith("no-evaluation")  # evaluation 2's line was the broken one
    assert rows[2]["error"].startswith("bad-line: rows.csv line 3: 8 cells where the header names 7")


def test_a_json_lines_line_that_is_no_record_comes_back_as_an_error_record(tmp_path: Path) -> None:
    source, out = tmp_path / "in", tmp_path / "out"
    source.mkdir()
    good = json.dumps({"id": 1, "region": "430000", "form": "project", "year": 2023})
    lines = [good, "not json", "[1, 2]", "", '{"id": 2, "unit": "\xff"}', "x" * (1 << 21)]
    body = b"\n".join(line.encode("latin-1" if "\xff" in line else "utf-8") for line in lines) + b"\n"
    (source / "evaluations.jsonl").write_bytes(body)
    row = dict(zip(HEAD.strip().split(","), f"1,{ROW}".split(",")))
    (source / "rows.jsonl").write_text(
        json.dumps({**row, "evaluation_id": 1}, ensure_ascii=False) + "\n", "utf-8"
    )
    assert main(["batch", str(source), "-o", str(out), "--quiet"]) == 0
    heads = _read(out / "evaluations.jsonl")
    assert heads[0]["total"] == "50.00"
    assert [h["error"].split(": ", 2)[1] for h in heads[1:]] == [
        "evaluations.jsonl line 2",
        "evaluations.jsonl line 3",
        "evaluations.jsonl line 5",
        "evaluations.jsonl line 6",
    ]
    assert "not UTF-8" in heads[3]["error"] and "longer than 1,048,576 bytes" in heads[4]["error"]


def _one_row(**changes: Any) -> Any:
    row = {"evaluation_id": 1, "block": "产出指标", "category": "数量指标", "name": "培训人次",
           "target": "≥100人次", "actual": "120人次", "weight": "50"}  # fmt: skip
    return pa.Table.from_pylist([{**row, **changes}])


def _heads(ids: list[Any]) -> Any:
    n = len(ids)
    return pa.table({"id": ids, "region": ["430000"] * n, "form": ["project"] * n, "year": [2023] * n})


def test_an_api_call_with_keys_it_cannot_use_says_which_column() -> None:
    from perfscore.errors import BatchInputError

    with pytest.raises(BatchInputError, match=r"rows: no evaluation_id column \(the columns: x"):
        perfscore.score_batch(_heads([1]), pa.table({"x": [1]}))
    with pytest.raises(BatchInputError, match=r"evaluations.id: a column of struct<a: int64>; an id is text"):
        perfscore.score_batch(_heads([{"a": 1}]), _one_row(evaluation_id={"a": 1}))


def test_a_nan_id_names_no_evaluation() -> None:
    result = perfscore.score_batch(_heads([float("nan"), 2.0]), _one_row(evaluation_id=2.0))
    assert [_code(e) for e in result.evaluations.column("error").to_pylist()] == ["missing-id", ""]
    assert result.evaluations.column("total").to_pylist() == [None, "50.00"]
