"""A report is a value: safe to read from any thread, unchanged by whatever the caller mutates.

Hostile class 9 of issue 11. A fresh report renders its rows' reasons the first time they are
read; many threads reading the same fresh report at once must all see the same text, with no
exception. And nothing the caller still holds after scoring (the dict or the objects the
evaluation was built from, the mappings a report hands out, the dict ``to_dict`` returns) can
change the report's reasons, ``to_dict()`` or ``to_json()``.

The thread tests run under :func:`bounds.run_bounded`, so a deadlock fails instead of hanging,
with the interpreter switching threads every microsecond to force interleavings.
"""

from __future__ import annotations

import copy
import functools
import json
import sys
import threading
import traceback
from collections.abc import Callable, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import perfscore
from bounds import run_bounded
from conftest import MINIMAL
from perfscore.evaluations import BudgetTable, Evaluation, IndicatorRow
from perfscore.report import Explanation, Report
from perfscore.rules import Ruleset

D = Decimal
THREADS = 16
ROUNDS = 60
MIB = 4096
"""The address-space bound for the thread tests: each thread maps a stack and (glibc) a 64 MiB
malloc arena up front, so 16 threads need more room than one hostile payload; the bound is
here to catch a deadlock (by time), not a blowup."""


def _ruleset() -> Ruleset:
    return perfscore.load_ruleset(MINIMAL)


def _evaluation_dict() -> dict[str, Any]:
    """A table under test-minimal whose rows use every kind of explanation: cases over T and A,
    a parameter (k), a row's own input (events), a level, a not-scorable row, the budget."""
    row = {"block": "投入", "category": "预算配置", "weight": 10}
    return {
        "evaluation": {"region": "CN", "form": "department", "year": 2021, "title": "线程"},
        "budget": {"full_year": 10, "executed": 9, "rate": "90%"},
        "base": {"staff": 12},
        "rows": [
            {**row, "name": "重点支出安排率", "target": "≥90%", "actual": "95%", "reported_score": 10},
            {**row, "name": "财政供养人员控制率", "target": "≤5%", "actual": "7%"},
            {**row, "name": "资金使用合规性", "target": "0", "actual": "2", "inputs": {"events": 2}},
            {"block": "产出", "category": "数量指标", "name": "培训", "target": "≥10次", "actual": "8次", "weight": 25},
            {"block": "产出", "category": "数量指标", "name": "覆盖", "target": "100%", "actual": "abc", "weight": 25},
        ],
    }  # fmt: skip


# -------------------------------------------------------------------------------- threads


def _everything(report: Report, first: int) -> str:
    """All a reader can pull out of a report as text, starting with a different part by
    ``first`` so that threads race on different first reads of the same deferred explanation."""
    explained = [*report.rows, *([report.budget] if report.budget is not None else [])]
    parts: list[Callable[[], str]] = [
        lambda: "\n".join(item.reason_zh for item in explained),
        lambda: "\n".join(item.reason_en for item in explained),
        lambda: "\n".join(repr(sorted(item.provenance.items())) for item in explained),
        lambda: "\n".join(repr(sorted(item.inputs.items())) for item in explained),
        lambda: "\n".join(repr(item.explanation) for item in explained),
        lambda: str(all(item.explanation == item.explanation for item in explained)),
        report.to_json,
        report.to_text,
    ]
    order = parts[first % len(parts) :] + parts[: first % len(parts)]
    got = {id(part): part() for part in order}
    return "\n---\n".join(got[id(part)] for part in parts)


def _at_once(threads: int, work: Callable[[int], object]) -> list[object]:
    """Run ``work(i)`` in ``threads`` threads released together by a barrier; return what each
    returned. Raises, with the first traceback, if any thread raised."""
    barrier = threading.Barrier(threads)
    seen: list[object] = [None] * threads
    errors: list[str] = []

    def run(i: int) -> None:
        try:
            barrier.wait()
            seen[i] = work(i)
        except BaseException:
            errors.append(traceback.format_exc())

    workers = [threading.Thread(target=run, args=(i,)) for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    if errors:
        raise AssertionError(f"{len(errors)} thread(s) raised:\n{errors[0]}")
    return seen


class _Switching:
    """Switch threads every microsecond inside the block, to force interleavings."""

    def __enter__(self) -> None:
        self.previous = sys.getswitchinterval()
        sys.setswitchinterval(1e-6)

    def __exit__(self, *exc: object) -> None:
        sys.setswitchinterval(self.previous)


def _read_in_threads(make: Callable[[], Report], rounds: int, threads: int) -> int:
    """Read ``rounds`` fresh reports from ``threads`` threads at once; raise unless every thread
    of every round saw the same text without an exception. Returns the rounds run."""
    with _Switching():
        for round_ in range(rounds):
            report = make()
            seen = _at_once(threads, functools.partial(_everything, report))
            if len(set(seen)) != 1:
                raise AssertionError(f"round {round_}: threads saw {len(set(seen))} different texts")
    return rounds


def _scored_from_dict() -> Report:
    return perfscore.score(_evaluation_dict(), _ruleset())


def _scored_generated() -> Report:
    rows = tuple(
        IndicatorRow(
            block="产出指标", category="数量指标", name=f"指标{i}", target=f"≥{80 + i}%",
            actual=f"{70 + 2 * i}%", weight=D(5), where=f"rows[{i}]",
        )
        for i in range(10)
    ) + tuple(
        IndicatorRow(
            block="效益指标", category="社会效益指标", name=f"效益{i}", target="按时完成",
            actual="按时完成" if i % 2 else "部分达成", weight=D(10), where=f"rows[{10 + i}]",
        )
        for i in range(3)
    )  # fmt: skip
    evaluation = Evaluation(
        region="CN", form="project", year=2023, rows=rows,
        budget=BudgetTable(full_year=D(100), executed=D("93.5"), points=D(10)), source="gen.toml",
    )  # fmt: skip
    return perfscore.score(evaluation)


@pytest.mark.parametrize("make", [_scored_from_dict, _scored_generated], ids=["inputs", "cn-project"])
def test_many_threads_reading_a_fresh_report_see_the_same_text(make: Callable[[], Report]) -> None:
    outcome = run_bounded(_read_in_threads, make, ROUNDS, THREADS, seconds=120, mib=MIB)
    assert outcome.kind == "ok", str(outcome)
    assert outcome.value == ROUNDS


def _render(n: int, text: str) -> Explanation:
    return Explanation({"n": str(n)}, f"{text} {n}", f"{text} {n}", {"n": "here"})


def _read_parts(lazy: Explanation, i: int) -> tuple[str, dict[str, str], str, dict[str, str]]:
    if i % 2:
        return lazy.reason_zh, dict(lazy.inputs), lazy.reason_en, dict(lazy.provenance)
    provenance, en = dict(lazy.provenance), lazy.reason_en  # the other parts first
    return lazy.reason_zh, dict(lazy.inputs), en, provenance


def _read_one_deferred_in_threads(rounds: int, threads: int) -> int:
    """The narrowest race: one deferred explanation, its first read from many threads at once."""
    with _Switching():
        for round_ in range(rounds):
            lazy = Explanation.deferred(_render, round_, "得分")
            seen = _at_once(threads, functools.partial(_read_parts, lazy))
            expected = (f"得分 {round_}", {"n": str(round_)}, f"得分 {round_}", {"n": "here"})
            if any(s != expected for s in seen):
                raise AssertionError(f"round {round_}: {[s for s in seen if s != expected][:1]}")
    return rounds


def test_many_threads_reading_one_fresh_deferred_explanation_agree() -> None:
    outcome = run_bounded(_read_one_deferred_in_threads, 300, THREADS, seconds=120, mib=MIB)
    assert outcome.kind == "ok", str(outcome)


def _review(i: int) -> str:
    ruleset = _ruleset()  # cached: every thread gets the same object
    review = perfscore.review(_evaluation_dict(), ruleset)
    return review.to_json() if i % 2 else (review.to_text() and review.to_json())


def _review_in_threads(rounds: int, threads: int) -> int:
    """Reviews and scoring from many threads at once, over the one cached, shared ruleset."""
    with _Switching():
        expected = perfscore.review(_evaluation_dict(), _ruleset()).to_json()
        for round_ in range(rounds):
            if any(seen != expected for seen in _at_once(threads, _review)):
                raise AssertionError(f"round {round_}: a thread's review differs")
    return rounds


def test_reviews_from_many_threads_over_one_shared_ruleset_agree() -> None:
    outcome = run_bounded(_review_in_threads, 10, THREADS, seconds=120, mib=MIB)
    assert outcome.kind == "ok", str(outcome)


# -------------------------------------------------------------------------------- mutation


def _snapshot(report: Report) -> tuple[str, str, object, str]:
    reasons = "\n".join(
        f"{r.reason_zh} | {r.reason_en} | {sorted(r.inputs.items())} | {sorted(r.provenance.items())}"
        for r in [*report.rows, *([report.budget] if report.budget is not None else [])]
    )
    return reasons, report.to_json(), report.to_dict(), report.to_text()


def _mutate(value: Any) -> None:
    """Change every mutable container reachable from ``value``, in place."""
    if isinstance(value, dict):
        for key in list(value):
            item = value[key]
            if isinstance(item, (dict, list)):
                _mutate(item)
            elif isinstance(item, str):
                value[key] = item + "变"
            elif isinstance(item, (int, float, Decimal)) and not isinstance(item, bool):
                value[key] = item * 3 + 1
        value["hostile"] = D(7)
    elif isinstance(value, list):
        for item in value:
            _mutate(item)
        value.append({"block": "投入", "name": "新"})
        value.reverse()


def test_mutating_the_scored_dict_changes_nothing_in_the_report() -> None:
    data = _evaluation_dict()
    pristine = _snapshot(perfscore.score(copy.deepcopy(data), _ruleset()))
    report = perfscore.score(data, _ruleset())
    _mutate(data)
    assert _snapshot(report) == pristine


def _objects() -> tuple[Evaluation, dict[str, Decimal], dict[str, Decimal]]:
    """An evaluation built from objects, with the mutable mappings the caller keeps."""
    inputs = {"events": D(2)}
    base = {"staff": D(12)}
    evaluation = Evaluation.from_dict(_evaluation_dict())
    rows = list(evaluation.rows)
    rows[2] = IndicatorRow(
        block="投入", category="预算配置", name="资金使用合规性", target="0", actual="2",
        weight=D(10), inputs=inputs, where="rows[2]",
    )  # fmt: skip
    evaluation = Evaluation(
        region="CN", form="department", year=2021, rows=tuple(rows), base=base,
        budget=evaluation.budget, source="objects",
    )  # fmt: skip
    return evaluation, inputs, base


@pytest.mark.parametrize("read_first", [False, True], ids=["unread", "read"])
def test_mutating_a_rows_inputs_after_scoring_changes_nothing(read_first: bool) -> None:
    pristine_evaluation, _, _ = _objects()
    pristine = _snapshot(perfscore.score(pristine_evaluation, _ruleset()))
    evaluation, inputs, base = _objects()
    report = perfscore.score(evaluation, _ruleset())
    if read_first:
        assert _snapshot(report) == pristine
    inputs["events"] = D(9)
    inputs["k"] = D(100)
    base["staff"] = D(1)
    evaluation.rows[2].inputs["W"] = D(0)  # type: ignore[index]  # the caller's own dict
    assert _snapshot(report) == pristine
    assert "events=2" in report.rows[2].reason_zh


def _any(value: object) -> Any:
    return value


def _reachable_mappings(report: Report) -> list[tuple[str, Any]]:
    found: list[tuple[str, Any]] = [
        ("report.derived", report.derived),
        ("report.provenance", report.provenance),
    ]
    for i, block in enumerate(report.blocks):
        found.append((f"blocks[{i}].provenance", block.provenance))
    explained = [*report.rows, *([report.budget] if report.budget is not None else [])]
    for i, item in enumerate(explained):
        found += [(f"[{i}].inputs", item.inputs), (f"[{i}].provenance", item.provenance)]
        found += [(f"[{i}].explanation.inputs", item.explanation.inputs)]
    return found


@pytest.mark.parametrize("read_first", [False, True], ids=["unread", "read"])
def test_the_mappings_a_report_hands_out_are_read_only(read_first: bool) -> None:
    report = perfscore.score(_evaluation_dict(), _ruleset())
    pristine = _snapshot(perfscore.score(_evaluation_dict(), _ruleset()))
    if read_first:
        _snapshot(report)
    mappings = _reachable_mappings(report)
    assert len(mappings) > 10
    for where, mapping in mappings:  # typed Any: what a caller may try, whatever the hints say
        assert isinstance(mapping, Mapping), where
        mapping = _any(mapping)
        with pytest.raises(TypeError):
            mapping["W"] = "0"
        with pytest.raises(TypeError):
            del mapping[next(iter(mapping), "W")]
        for method in ("clear", "update", "pop", "popitem", "setdefault"):
            assert not hasattr(mapping, method), (where, method)
    assert _snapshot(report) == pristine


def test_mutating_what_to_dict_returned_changes_nothing() -> None:
    report = perfscore.score(_evaluation_dict(), _ruleset())
    pristine = _snapshot(perfscore.score(_evaluation_dict(), _ruleset()))
    _mutate(report.to_dict())
    data = report.to_dict()
    again = Report.from_dict(data)
    _mutate(data)  # the dict a report was read back from
    assert _snapshot(report) == pristine
    assert _snapshot(again) == pristine
    for where, mapping in _reachable_mappings(again):
        with pytest.raises(TypeError):
            mapping["W"] = "0"
        assert isinstance(mapping, Mapping), where


def test_an_explanation_keeps_a_copy_of_the_mappings_it_was_given() -> None:
    inputs, provenance = {"W": "5"}, {"weight": "here"}
    explanation = Explanation(inputs, "得 5 分", "5 points", provenance)
    inputs["W"], provenance["weight"] = "0", "elsewhere"
    assert explanation == Explanation({"W": "5"}, "得 5 分", "5 points", {"weight": "here"})
    with pytest.raises(TypeError):
        explanation.inputs["W"] = "0"  # type: ignore[index]

    def render(given: dict[str, str]) -> Explanation:
        return Explanation(given, "r", "r", given)

    shown = {"A": "1"}
    lazy = Explanation.deferred(render, {"A": "1"})
    rendered = Explanation.deferred(render, shown)
    assert dict(rendered.inputs) == {"A": "1"}
    shown["A"] = "2"  # after the first read: the rendered explanation is its own copy
    assert rendered == lazy and json.dumps(dict(rendered.provenance)) == '{"A": "1"}'


def test_a_reviews_findings_and_report_do_not_change_with_the_scored_dict() -> None:
    data = _evaluation_dict()
    pristine = perfscore.review(copy.deepcopy(data), _ruleset())
    review = perfscore.review(data, _ruleset())
    _mutate(data)
    assert review.to_json() == pristine.to_json() and review.to_text() == pristine.to_text()
    assert isinstance(review.findings, tuple)


def _load_from_threads(folder: str, files: int, threads: int) -> tuple[int, list[str]]:
    """Load ``files`` distinct ruleset files from ``threads`` threads at once: how many distinct
    Ruleset objects one file gave, and every exception raised."""
    from perfscore.rules import clear_caches

    clear_caches()
    names = [Path(folder) / f"r{i}.toml" for i in range(files)]
    start = threading.Barrier(threads)
    seen: dict[int, list[Ruleset]] = {i: [] for i in range(files)}
    errors: list[str] = []

    def work() -> None:
        start.wait()
        try:
            for i, name in enumerate(names):
                seen[i].append(perfscore.load_ruleset(name))
        except Exception:
            errors.append(traceback.format_exc())

    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        pool = [threading.Thread(target=work) for _ in range(threads)]
        for thread in pool:
            thread.start()
        for thread in pool:
            thread.join()
    finally:
        sys.setswitchinterval(old)
    return max(len({id(r) for r in found}) for found in seen.values()), errors


def test_loading_from_many_threads_builds_each_ruleset_once(tmp_path: Path) -> None:
    """More files than the build cache holds (128), loaded from 8 threads: no thread sees the
    cache change size under it, and each file gives one Ruleset object to every thread."""
    text = MINIMAL.read_text(encoding="utf-8")
    for i in range(200):
        (tmp_path / f"r{i}.toml").write_text(
            text.replace('id = "test-minimal"', f'id = "test-minimal-{i}"', 1), encoding="utf-8"
        )
    outcome = run_bounded(_load_from_threads, str(tmp_path), 200, 8, seconds=120, mib=MIB)
    assert outcome.kind == "ok", str(outcome)
    distinct, errors = outcome.value
    assert errors == []
    assert distinct == 1
