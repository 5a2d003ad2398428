"""The batch path (perfscore.score_batch, perfscore batch): identical to scoring each evaluation
with perfscore.score, on generated tables of every shipped ruleset; nothing dropped; rulesets
and reports pickle, so a process pool and Dask can run it."""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
from concurrent.futures import ProcessPoolExecutor
from decimal import Decimal
from multiprocessing import get_context
from pathlib import Path
from typing import Any, Optional

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import perfscore
from conftest import ROOT, SLOW
from perfscore import Evaluation, Report, Ruleset
from perfscore.batch.build import FORMS, POINT_KEYS, Numbers, build
from perfscore.batch.columns import evaluation_data, row_data
from perfscore.batch.run import score_by_engine
from perfscore.cli import main
from strategies import broken_evaluations, broken_rows, evaluations

pa = pytest.importorskip("pyarrow")

INFOS = [info for info in perfscore.available_rulesets() if info.id]
SHIPPED: list[Ruleset] = [perfscore.load_ruleset(info.id, year=info.year_from) for info in INFOS]
#: Those whose blocks all take their rows from the evaluation (strategies.evaluations can fill them).
FREE = [r for r in SHIPPED if not any(block.fixed for block in r.blocks)]


@st.composite
def any_evaluation(draw: st.DrawFn) -> Evaluation:
    """An evaluation of any shipped ruleset: valid, or with broken rows and budget."""
    ruleset = draw(st.sampled_from(SHIPPED))
    if any(block.fixed for block in ruleset.blocks):
        rows = draw(st.lists(broken_rows(ruleset), max_size=8))
        return Evaluation(
            region=ruleset.region, form=ruleset.form, year=ruleset.year_from, ruleset=ruleset.id,
            rows=tuple(attrs.evolve(r, where=f"rows[{i}]") for i, r in enumerate(rows)),
        )  # fmt: skip
    if draw(st.booleans()):
        return draw(evaluations(ruleset))
    return draw(broken_evaluations(ruleset))


def _text(value: Any) -> Optional[str]:
    return None if value is None or value == "" else str(value)


def tables(batch: list[Evaluation]) -> tuple[Any, Any]:
    """The evaluations as the two long-format tables, every cell as text (as read from a CSV)."""
    meta: list[dict[str, Any]] = []
    rows: list[dict[str, Any]] = []
    for key, ev in enumerate(batch):
        budget = ev.budget
        meta.append(
            {
                "id": key, "region": ev.region, "form": ev.form, "year": ev.year, "ruleset": _text(ev.ruleset),
                "title": _text(ev.title), "reported_total": _text(ev.reported_total),
                **{
                    f"budget_{name}": _text(getattr(budget, name)) if budget else None
                    for name in ("initial", "full_year", "executed", "adjustment", "points", "rate")
                },
            }
        )  # fmt: skip
        for row in ev.rows:
            cells = {n: _text(getattr(row, n)) for n in ("block", "category", "name", "target", "actual")}
            cells["block"] = row.block  # required, even when empty
            numbers = {n: _text(getattr(row, n)) for n in ("weight", "reported_score")}
            words = {n: _text(getattr(row, n)) for n in ("level", "method", "sign", "unit", "note")}
            rows.append({"evaluation_id": key, **cells, **numbers, **words})
    names = ["evaluation_id", "block", "category", "name", "target", "actual", "weight", "reported_score"]
    names += ["level", "method", "sign", "unit", "note"]
    row_table = pa.table({n: pa.array([r[n] for r in rows], type=pa.string()) for n in names[1:]})
    row_table = row_table.add_column(
        0, "evaluation_id", pa.array([r["evaluation_id"] for r in rows], pa.int64())
    )
    return pa.Table.from_pylist(meta), row_table


def expected(key: int, report: Report) -> tuple[dict[str, Any], dict[str, tuple[Any, ...]]]:
    """What the batch must say of one evaluation, read straight off perfscore.score's report."""
    severities = [f.severity for f in report.findings]
    head = {
        "id": key, "ruleset": report.ruleset, "total": Decimal(str(report.total)), "grade": report.grade,
        "complete": report.complete, "errors": severities.count("error"), "warnings": severities.count("warning"),
    }  # fmt: skip
    rows = {r.where: (r.points, r.status, r.method) for r in report.rows}
    return head, rows


def check_identical(batch: list[Evaluation], **options: Any) -> None:
    evaluations_table, rows_table = tables(batch)
    result = perfscore.score_batch(evaluations_table, rows_table, **options)
    engine = score_by_engine(evaluations_table, rows_table, **options)
    assert engine.columnar == 0
    same_tables(result, engine)
    got = result.evaluations.to_pylist()
    assert [g["id"] for g in got] == list(range(len(batch)))
    by_evaluation: dict[int, list[dict[str, Any]]] = {}
    for record in result.rows.to_pylist():
        by_evaluation.setdefault(record["evaluation_id"], []).append(record)
    for key, ev in enumerate(batch):
        try:
            report = perfscore.score(ev, options.get("ruleset"))
        except perfscore.EvaluationError:
            assert got[key]["error"] and got[key]["total"] is None
            continue
        head, rows = expected(key, report)
        record = {**got[key], "total": Decimal(got[key]["total"])}
        assert {k: record[k] for k in head} == head
        assert record["error"] is None
        got_rows = by_evaluation.get(key, [])
        scored = [r for r in got_rows if r["status"] != "budget"]
        assert len(scored) == len(rows)
        for r in scored:
            points = None if r["points"] is None else Decimal(r["points"])
            assert rows[r["where"]] == (points, r["status"], r["method"])
            if points is not None:  # the same text too: 20.00 is not 20
                assert r["points"] == str(rows[r["where"]][0])
        assert len(got_rows) >= len(ev.rows)  # every input row has its record


def same_tables(result: Any, engine: Any) -> None:
    """The columnar path's tables are the engine's, cell for cell (texts, counts, error texts,
    order, types); and it says how many evaluations it scored on columns."""
    assert result.evaluations.equals(engine.evaluations), (result.evaluations, engine.evaluations)
    assert result.rows.equals(engine.rows), (result.rows.to_pylist(), engine.rows.to_pylist())
    assert 0 <= result.columnar <= result.evaluations.num_rows


@SLOW
@given(st.lists(any_evaluation(), min_size=1, max_size=5))
def test_identical_to_scoring_each_evaluation(batch: list[Evaluation]) -> None:
    check_identical(batch)


@given(any_evaluation())
def test_the_direct_build_equals_the_reader(evaluation: Evaluation) -> None:
    """Where the batch builds an evaluation from clean values, it is the one from_dict reads;
    where it cannot, from_dict reads it (and says what is wrong)."""
    evaluations_table, rows_table = tables([evaluation])
    (_, data), *_ = evaluation_data(evaluations_table)
    data["rows"] = [row for _, row in row_data(rows_table)]
    built = build(data, Numbers())
    try:
        read = Evaluation.from_dict(data)
    except perfscore.EvaluationError:
        assert built is None
        return
    assert built is None or built == read


def test_the_readers_sets_are_the_builders() -> None:
    from perfscore.evaluations import read

    assert set(read.FORMS) == FORMS and read._POINT_KEYS == POINT_KEYS


@SLOW
@given(st.sampled_from(FREE).flatmap(lambda r: st.tuples(st.just(r), st.lists(evaluations(r), max_size=3))))
def test_identical_under_a_given_ruleset(case: tuple[Ruleset, list[Evaluation]]) -> None:
    ruleset, batch = case
    check_identical(batch, ruleset=ruleset)


def test_every_shipped_ruleset_is_covered() -> None:
    assert len(SHIPPED) == len(INFOS) >= 20


def _small() -> tuple[Any, Any]:
    evaluations_table = pa.table(
        {
            "id": ["a", "b", "c"],
            "region": ["CN", "CN", "CN"],
            "form": ["project", "project", "project"],
            "year": [2023, 2023, 2023],
            "budget_full_year": ["100", None, None],
            "budget_executed": ["90", None, None],
        }
    )
    rows_table = pa.table(
        {
            "evaluation_id": ["a", "a", "b", "zz"],
            "block": ["产出指标", "未知", "产出指标", "产出指标"],
            "category": ["数量指标", None, None, None],
            "name": ["培训次数", "y", "z", "w"],
            "target": ["≥10次", "a", "≥1", "1"],
            "actual": ["12次", "b", "1", "1"],
            "weight": ["20", "5", "abc", "1"],
        }
    )
    return evaluations_table, rows_table


def test_nothing_is_dropped() -> None:
    result = perfscore.score_batch(*_small())
    heads = {r["id"]: r for r in result.evaluations.to_pylist()}
    assert heads["a"]["total"] == "29.00" and heads["a"]["error"] is None
    assert "rows[0].weight" in heads["b"]["error"] and heads["b"]["total"] is None
    assert heads["c"]["total"] is not None  # no rows: scored, incomplete, never skipped
    rows = {(r["evaluation_id"], r["row"]): r for r in result.rows.to_pylist()}
    assert rows[("a", 0)]["points"] == "20.00"
    assert rows[("a", 1)]["status"] == "not_scorable" and "unknown-block" in rows[("a", 1)]["error"]
    assert rows[("b", 0)]["status"] == "error" and "not-a-number" in rows[("b", 0)]["error"]
    assert rows[("zz", 0)]["status"] == "error" and "no-evaluation" in rows[("zz", 0)]["error"]


def test_pandas_frames_are_accepted() -> None:
    pytest.importorskip("pandas")
    evaluations_table, rows_table = _small()
    from_pandas = perfscore.score_batch(evaluations_table.to_pandas(), rows_table.to_pandas())
    assert from_pandas.evaluations.to_pylist() == perfscore.score_batch(*_small()).evaluations.to_pylist()


def test_rulesets_and_reports_pickle() -> None:
    for ruleset in SHIPPED:
        copy = pickle.loads(pickle.dumps(ruleset))
        ev = {
            "evaluation": {"region": ruleset.region, "form": ruleset.form, "year": ruleset.year_from},
            "rows": [],
        }
        assert perfscore.score(ev, copy) == perfscore.score(ev, ruleset)
    report = perfscore.score_file(ROOT / "rulesets" / "CN" / "cases" / next(_cases()))
    assert pickle.loads(pickle.dumps(report)) == report


def _cases() -> Any:
    return (p.name for p in sorted((ROOT / "rulesets" / "CN" / "cases").glob("*.toml")))


def test_a_process_pool_maps_score() -> None:
    """Evaluations and a ruleset go to worker processes (spawned: nothing inherited) and their
    reports come back, each equal to the one scored here."""
    paths = sorted((ROOT / "rulesets" / "CN" / "cases").glob("*.toml"))[:4]
    evaluations = [perfscore.read_evaluations(path)[0] for path in paths]
    ruleset = perfscore.load_ruleset("cn-project")
    with ProcessPoolExecutor(max_workers=2, mp_context=get_context("spawn")) as pool:
        reports = list(pool.map(perfscore.score, evaluations, [ruleset] * len(evaluations)))
    assert reports == [perfscore.score(evaluation, ruleset) for evaluation in evaluations]


def test_under_dask_local_scheduler() -> None:
    """The example script: the batch function as a Dask map_partitions step (or, without Dask,
    a multiprocessing pool over record batches), checked against one call over everything."""
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "batch_distributed.py")],
        capture_output=True, text=True, timeout=300, check=False,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "identical" in done.stdout


@pytest.mark.parametrize("suffix", ["parquet", "csv", "jsonl"])
def test_cli_streams_each_format(tmp_path: Path, suffix: str, capsys: pytest.CaptureFixture[str]) -> None:
    evaluations_table, rows_table = _small()
    source = tmp_path / "in"
    source.mkdir()
    _write(evaluations_table, source / f"evaluations.{suffix}")
    _write(rows_table, source / f"rows.{suffix}")
    out = tmp_path / "out"
    assert main(["batch", str(source), "-o", str(out), "--batch-rows", "2"]) == 0
    got = _read(out / f"evaluations.{suffix}")
    assert [r["id"] for r in got] == ["a", "b", "c"]
    assert _read(out / f"evaluations.{suffix}")[0]["total"] in ("29.00", 29.0)
    rows = _read(out / f"rows.{suffix}")
    assert len(rows) == 4 and {r["status"] for r in rows} >= {"scored", "error"}


def _write(table: Any, path: Path) -> None:
    if path.suffix == ".parquet":
        import pyarrow.parquet as pq

        pq.write_table(table, path)
    elif path.suffix == ".csv":
        import pyarrow.csv as pcsv

        pcsv.write_csv(table, path)
    else:
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in table.to_pylist()), "utf-8")


def _read(path: Path) -> list[dict[str, Any]]:
    if path.suffix == ".parquet":
        import pyarrow.parquet as pq

        return list(pq.read_table(path).to_pylist())
    if path.suffix == ".csv":
        import csv

        with path.open(encoding="utf-8") as f:
            return list(csv.DictReader(f))
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


def test_equal_numbers_written_differently_stay_apart() -> None:
    """1, 1.0 and Decimal 1.00 compare equal; as cells they are not the same (20.00 is shown
    as written), so the batch's caches must not hand one the other's row or number."""
    evaluations_table = pa.table(
        {"id": [1, 2], "region": ["CN"] * 2, "form": ["project"] * 2, "year": [2023] * 2}
    )
    rows_table = pa.table(
        {
            "evaluation_id": [1, 2],
            "block": ["产出指标"] * 2,
            "category": ["数量指标"] * 2,
            "name": ["培训次数"] * 2,
            "target": ["≥10次"] * 2,
            "actual": ["8次"] * 2,
            "weight": pa.array([Decimal("20"), Decimal("20.00")], pa.decimal128(10, 2)),
        }
    )
    shared = Numbers()  # one cache across the evaluations, as score_batch uses it
    weights = []
    for key, data in evaluation_data(evaluations_table):
        data["rows"] = [row for k, row in row_data(rows_table) if k == key]
        built = build(data, shared)
        assert built == Evaluation.from_dict(data) and built is not None
        weights.append(str(built.rows[0].weight))
    assert weights == ["20.00", "20.00"]  # a decimal(10, 2) column holds 20 as 20.00
    assert [str(shared(w, "weight")) for w in (Decimal("20"), Decimal("20.00"), 20)] == ["20", "20.00", "20"]
    row = {
        "block": "产出指标",
        "category": "数量指标",
        "name": "培训次数",
        "target": "≥10次",
        "actual": "8次",
    }
    for weight in (Decimal("20.00"), Decimal("20"), 20, True):
        data = {
            "evaluation": {"region": "CN", "form": "project", "year": 2023},
            "rows": [{**row, "weight": weight}],
        }
        built = build(data, shared)
        if weight is True:  # not a number: the reader's to refuse
            assert built is None
        else:
            assert built == Evaluation.from_dict(data) and str(built.rows[0].weight) == str(weight)


def test_cli_keeps_stray_rows_with_their_error(tmp_path: Path) -> None:
    """Rows out of the evaluations' order, or naming no evaluation, come back with the reason."""
    source, out = tmp_path / "in", tmp_path / "out"
    source.mkdir()
    heads = [{"id": i, "region": "CN", "form": "project", "year": 2023} for i in (1, 2)]
    row = {
        "block": "产出指标",
        "category": "数量指标",
        "name": "培训次数",
        "target": "≥10次",
        "actual": "12次",
        "weight": "20",
    }
    rows = [{"evaluation_id": 2, **row}, {"evaluation_id": 7, **row}, {"evaluation_id": 1, **row}]
    for name, records in (("evaluations", heads), ("rows", rows)):
        text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
        (source / f"{name}.jsonl").write_text(text, "utf-8")
    assert main(["batch", str(source), "-o", str(out), "--quiet"]) == 0
    got = _read(out / "rows.jsonl")
    assert len(got) == 3
    errors = sorted(r["error"].split(":")[0] for r in got if r["status"] == "error")
    assert errors == ["no-evaluation", "rows-out-of-order"]
    assert [r["id"] for r in _read(out / "evaluations.jsonl")] == [1, 2]


def test_the_batch_command_without_pyarrow_says_which_extra_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import perfscore.batch.stream
    from perfscore.cli import main

    def missing() -> Any:
        raise ImportError("the batch path needs pyarrow: pip install 'perfscore[batch]' (no pyarrow)")

    monkeypatch.setattr(perfscore.batch.stream, "pyarrow", missing)
    (tmp_path / "evaluations.csv").write_text("id,region,form,year\n1,CN,project,2022\n", encoding="utf-8")
    (tmp_path / "rows.csv").write_text(
        "evaluation_id,block,category,name,target,actual,weight\n1,产出指标,数量指标,x,100%,100%,10\n",
        encoding="utf-8",
    )
    assert main(["batch", str(tmp_path), "-o", str(tmp_path / "out")]) == 2
    assert "perfscore[batch]" in capsys.readouterr().err
