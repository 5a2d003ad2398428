"""Bad input never lets a foreign exception out, and never loses a row."""

from __future__ import annotations

import itertools
import subprocess
import sys
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import perfscore
from conftest import MINIMAL_TEXT, ROOT
from perfscore.errors import RulesetError

LINES = MINIMAL_TEXT.splitlines()

_FILES = itertools.count()
_VALUES = [
    '""',
    "0",
    "-1",
    "1e999",
    "true",
    "[]",
    "{}",
    '"W"',
    "\"__import__('os')\"",
    "[1, {a = 2}]",
    '"优秀"',
    "9" * 40,
]


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    drops=st.sets(st.integers(0, len(LINES) - 1), max_size=4),
    edits=st.lists(st.tuples(st.integers(0, len(LINES) - 1), st.sampled_from(_VALUES)), max_size=3),
)
def test_a_mangled_ruleset_loads_or_raises_ruleset_error(
    tmp_path: Path, drops: set[int], edits: list[tuple[int, str]]
) -> None:
    lines = list(LINES)
    for index, value in edits:
        if "=" in lines[index] and not lines[index].lstrip().startswith(("[", "{", "#")):
            key = lines[index].split("=", 1)[0]
            lines[index] = f"{key}= {value}"
    lines = [line for i, line in enumerate(lines) if i not in drops]
    file = tmp_path / f"mangled-{next(_FILES)}.toml"  # a new file per example: no cache in play
    file.write_text("\n".join(lines), encoding="utf-8")
    problems: tuple[perfscore.Problem, ...] = ()
    try:
        ruleset = perfscore.load_ruleset(file)
    except RulesetError as exc:  # the only exception allowed out
        problems = exc.problems
        assert problems
    else:
        assert ruleset.id
    assert all(p.code and p.file for p in problems)


@pytest.mark.parametrize(
    "content", [b"\xff\xfe\x00", b"", b"[ruleset]\nid = 5\n", b"x = 1\n[[blocks]]\nkey = 1\n"]
)
def test_garbage_files_are_ruleset_errors(tmp_path: Path, content: bytes) -> None:
    file = tmp_path / "garbage.toml"
    file.write_bytes(content)
    with pytest.raises(RulesetError):
        perfscore.load_ruleset(file)


def test_rescale_policy_scores_applicable_rows_out_of_100(tmp_path: Path) -> None:
    (tmp_path / "rescale.toml").write_text(
        MINIMAL_TEXT.replace('id = "test-minimal"', 'id = "test-rescale"').replace(
            "[params]", '[not_applicable]\npolicy = "rescale"\n\n[params]'
        ),
        encoding="utf-8",
    )
    ruleset = perfscore.load_ruleset("test-rescale", paths=[tmp_path])
    evaluation = {
        "evaluation": {"region": "CN", "form": "department", "year": 2021},
        "budget": {"full_year": 100, "executed": 100},
        "rows": [
            {"block": "投入", "name": "重点支出安排率", "target": "≥90%", "actual": "95%"},
            {"block": "投入", "name": "财政供养人员控制率", "target": "≤100%", "actual": "100%"},
            {
                "block": "投入",
                "name": "资金使用合规性",
                "target": "0",
                "actual": "0",
                "inputs": {"events": 0},
            },
            {
                "block": "产出",
                "category": "数量指标",
                "name": "a",
                "target": "10次",
                "actual": "5次",
                "weight": 25,
            },
            {
                "block": "产出",
                "category": "数量指标",
                "name": "b",
                "target": "不适用",
                "actual": "",
                "weight": 25,
            },
        ],
    }
    report = perfscore.score(evaluation, ruleset)
    # Applicable: 30 + 25 + 20 = 75 points of weight; scored 30 + 12.5 + 20 = 62.5 → 62.5 / 75 × 100.
    assert report.total == Decimal("83.33")
    assert not [f for f in report.findings if f.code in ("weights-sum", "weight-on-not-applicable")]


@given(
    cells=st.lists(
        st.tuples(
            st.sampled_from(["产出指标", "效益指标", "满意度指标", "投入", ""]),
            st.text(max_size=12),
            st.text(max_size=12),
            st.one_of(st.none(), st.decimals(-100, 200, places=2, allow_nan=False)),
        ),
        max_size=12,
    )
)
def test_every_row_comes_back_scored_or_with_its_reason(
    cells: list[tuple[str, str, str, Decimal | None]],
) -> None:
    rows = [
        perfscore.IndicatorRow(
            block=b, category="数量指标", name=f"r{i}", target=t, actual=a, weight=w, where=f"rows[{i}]"
        )
        for i, (b, t, a, w) in enumerate(cells)
    ]
    evaluation = perfscore.Evaluation(region="CN", form="project", year=2022, rows=tuple(rows))
    report = perfscore.score(evaluation, "cn-project")
    assert sorted(r.where for r in report.rows) == sorted(r.where for r in rows)
    for row in report.rows:
        if row.status == "not_scorable":
            assert row.reason_zh and row.points is None
            assert not report.complete
        elif row.status == "scored":
            assert row.points is not None and row.reason_zh


def test_the_wheel_carries_the_rulesets(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0 and "hatchling" in result.stderr:
        pytest.skip("hatchling is not installed in this environment")
    assert result.returncode == 0, result.stderr
    (wheel,) = tmp_path.glob("perfscore-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "perfscore/rulesets/CN/project.toml" in names
    assert "perfscore/rulesets/430602/department-2023.toml" in names
    assert "perfscore/py.typed" in names
