"""What a reviewer reads in Chinese carries no English words: every finding's Chinese message,
every value a finding gives in words (perfscore.codes.WORDS), the rounding a reason names, and
each finding of every golden snapshot as ``finding_text(..., "zh")`` prints it.

Allowed in Chinese: what is not English prose but a token the reader types or looks up: an
option (``--region``), a path or file name, a key path or identifier (``budget.reported_score``,
``funds_due``), an id (``cn-project``), an acronym (``GB/T``, ``CN``, ``TOML``), single letters
(W, T, A) and cell texts quoted as the table gives them."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

import pytest

import perfscore
from conftest import ROOT
from perfscore.codes import CODES, WORDS, Words, words
from perfscore.decimals import ROUNDING_MODES
from perfscore.report import Finding
from perfscore.report.text import finding_text
from perfscore.rules.model import Rounding

_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"|“[^”]*”|‘[^’]*’")
_TOKENS = re.compile(
    r"--[\w-]+"  # an option
    r"|\S*[/\\]\S*"  # a path
    r"|\b\w+\.(?:md|toml|json|xlsx|docx|pdf)\b"  # a file name
    r"|(?<!\w)\.[a-z]{2,5}\b"  # a suffix
    r"|\b[A-Za-z_]\w*(?:[._\[(]\S*)+"  # a key path, identifier or call
    r"|\b[a-z0-9]+(?:-[a-z0-9]+)+\b"  # an id such as cn-project
    r"|\b[A-Z]{2,}\b"  # an acronym
)
_ENGLISH = re.compile(r"[A-Za-z]{3,}")

#: Ruleset keys and Python names the Chinese messages of ruleset problems name as they are typed.
_KEYS = frozenset(
    [
        "abstract",
        "and",
        "await",
        "base",
        "case",
        "cases",
        "count",
        "default",
        "department",
        "divided",
        "evaluation",
        "executed",
        "expect",
        "extends",
        "false",
        "floor",
        "form",
        "formula",
        "high",
        "key",
        "lambda",
        "low",
        "method",
        "name",
        "names",
        "not",
        "params",
        "project",
        "rate",
        "region",
        "remove",
        "round",
        "ruleset",
        "schema",
        "score",
        "selection",
        "stated",
        "table",
        "true",
        "unstated",
        "weights",
        "when",
        "yield",
        "Python",
    ]
)


def english_in(text: str) -> list[str]:
    """The English words left in ``text`` once quoted cell texts and tokens are taken out."""
    return _ENGLISH.findall(_TOKENS.sub(" ", _QUOTED.sub(" ", text)))


class _Value:
    """A sample value for any template field: Chinese, whatever its format spec."""

    def __format__(self, spec: str) -> str:
        return "值"

    def __repr__(self) -> str:
        return "'值'"


class _Values(dict):  # type: ignore[type-arg]
    def __missing__(self, key: str) -> Any:
        return _Value()


def _templates(kind: str) -> list[tuple[str, str]]:
    return [
        (f"{entry.id}:{variant}" if variant else entry.id, zh)
        for entry in CODES.values()
        if entry.kind == kind
        for variant, (zh, _) in [("", (entry.zh, entry.en)), *entry.variants.items()]
    ]


@pytest.mark.parametrize(
    ("name", "zh"), _templates("finding"), ids=lambda x: x if ":" in x or "-" in x else ""
)
def test_a_findings_chinese_message_has_no_english(name: str, zh: str) -> None:
    assert english_in(zh.format_map(_Values())) == [], name


@pytest.mark.parametrize(
    ("name", "zh"), _templates("problem"), ids=lambda x: x if ":" in x or "-" in x else ""
)
def test_a_problems_chinese_message_names_only_keys(name: str, zh: str) -> None:
    assert set(english_in(zh.format_map(_Values()))) <= _KEYS, name


@pytest.mark.parametrize("id", sorted(WORDS))
def test_a_value_in_words_is_chinese_in_chinese(id: str) -> None:
    said = words(id, points="30", base="0", executed="12")
    assert english_in(said.zh) == [], id
    assert said.en and said.en != said.zh


def test_a_finding_keeps_a_value_in_words_in_both_languages() -> None:
    said = Finding.coded("empty-block", "b", expected=words("rows-worth", points="30"), found=words("none"),
                         name="产出指标", name_en="Output")  # fmt: skip
    assert (said.expected, said.found) == ("rows worth 30 points", "none")
    assert (said.expected_zh, said.found_zh) == ("合计 30 分的指标行", "无")
    assert (said.expected_in(True), said.expected_in(False)) == ("合计 30 分的指标行", "rows worth 30 points")
    assert "rows worth" not in finding_text(said, "zh") and "合计 30 分的指标行；实为 无" in finding_text(
        said, "zh"
    )
    assert "expected rows worth 30 points; found none" in finding_text(said, "en")
    data = said.to_dict() if hasattr(said, "to_dict") else perfscore.serialize.dump(said)
    assert data["expected_zh"] == "合计 30 分的指标行"
    assert perfscore.serialize.load(Finding, data) == said


def test_a_value_not_in_words_adds_nothing_to_json() -> None:
    plain = Finding.coded("weight-differs", "rows[0].weight", expected="10", found="8")
    assert plain.expected_zh is None and plain.expected_in(True) == "10"
    data = perfscore.serialize.dump(plain)
    assert "expected_zh" not in data and "found_zh" not in data
    assert perfscore.serialize.load(Finding, data) == plain


def test_words_show_both_languages_when_printed() -> None:
    assert str(Words("无", "none")) == "无 / none"


@pytest.mark.parametrize("mode", sorted(ROUNDING_MODES))
@pytest.mark.parametrize("places", [0, 1, 2])
def test_a_rounding_is_said_in_chinese(mode: str, places: int) -> None:
    said = Rounding(places, mode).zh
    assert english_in(said) == [] and ("取整" in said if places == 0 else f"保留 {places} 位小数" in said)


def test_the_budget_reason_says_its_rounding_in_each_language() -> None:
    evaluation = perfscore.read_evaluation(ROOT / "rulesets" / "CN" / "cases" / "project-all-met.toml")
    budget = perfscore.score(evaluation).budget
    assert budget is not None
    assert "四舍五入保留 2 位小数得" in budget.reason_zh and "dp" not in budget.reason_zh
    assert "rounded (2 dp half_up)" in budget.reason_en
    assert budget.points == Decimal(10)


def _golden_findings() -> list[tuple[str, dict[str, Any]]]:
    found = []
    for path in sorted((ROOT / "tests" / "golden").rglob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        for finding in [*data.get("findings", ()), *data.get("report", {}).get("findings", ())]:
            found.append((path.relative_to(ROOT / "tests" / "golden").as_posix(), finding))
    return found


def test_every_golden_finding_reads_in_chinese_without_english() -> None:
    """Every finding of every worked case and example, printed as ``review --lang zh`` prints it
    (message, 应为, 实为), past its code and location."""
    findings = _golden_findings()
    assert len(findings) > 100
    wrong = []
    for name, data in findings:
        finding = perfscore.serialize.load(Finding, data)
        line = finding_text(finding, "zh").split(": ", 1)[1]
        if english_in(line):
            wrong.append(f"{name}: {line}")
    assert wrong == []


# -- files a reviewer gives and the lines the CLI prints ------------------------------------------

#: Names of programs and formats a Chinese sentence says as they are.
_NAMES = frozenset({"Excel", "Word", "Office", "OpenDocument", "PowerPoint", "LibreOffice", "zip"})


def _chinese_part(message: str) -> str:
    zh, sep, en = message.partition(" / ")
    assert sep and en, message
    return zh


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("plain.xlsx", b"just some text\n"),
        ("plain.docx", b"just some text\n"),
        ("empty.xlsx", b""),
        ("slides.bin", b"%PDF-"),
        ("cut.docx", b"PK\x03\x04"),
        ("notes.foo", b"x = 1\n"),
    ],
)
def test_a_file_refused_is_told_in_chinese_first(tmp_path: Any, name: str, data: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(perfscore.EvaluationError) as caught:
        perfscore.read_evaluations(path) if not name.endswith(".foo") else perfscore.read_evaluation(path)
    for problem in caught.value.problems:
        assert set(english_in(_chinese_part(problem.message))) <= _NAMES, problem.message


def test_a_reason_given_only_in_english_stays_out_of_the_chinese() -> None:
    from perfscore.evaluations.problems import problem

    told = problem("file-unreadable", file="a.xlsx", reason="a library's own words")
    assert told.message == "无法读取文件 / a library's own words"
    said = problem("file-unreadable", file="a.xlsx", reason=Words("文件已损坏", "a damaged file"))
    assert said.message == "无法读取文件：文件已损坏 / a damaged file"


def test_every_kind_of_file_has_its_chinese_name() -> None:
    from perfscore.evaluations import office, sniff

    assert sorted(sniff.KINDS) == sorted(sniff.KINDS_ZH)
    assert sorted(office._HOW) == sorted(office._HOW_ZH)
    for kind, zh in {**sniff.KINDS_ZH, **office._HOW_ZH}.items():
        assert set(english_in(zh)) <= _NAMES, kind


def test_the_cli_says_what_it_wrote_in_chinese_first(
    tmp_path: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    from perfscore.cli import main

    out = tmp_path / "scored.md"
    example = ROOT / "examples" / "430602" / "project-2023-district-fund.toml"
    assert main(["export", str(example), "--to", "md", "-o", str(out)]) == 0
    assert capsys.readouterr().out == f"已写入 / wrote {out}\n"
    summary = tmp_path / "sum.xlsx"
    main(["review", str(example), "--summary", str(summary), "--no-progress", "--fail-on", "never"])
    err = capsys.readouterr().err
    assert f"已写入 {summary}（1 个表）/ wrote {summary} (1 table(s))" in err
