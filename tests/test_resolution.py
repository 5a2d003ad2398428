"""Choosing the ruleset, honestly: the nearest edition for a year none covers, the region above
for a region without a ruleset of its own, the national rules for a code that exists nowhere,
each said by a finding at the head of the report; ``strict`` refuses instead."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import attrs
import pytest

import perfscore
from conftest import MINIMAL_TEXT, YUEYANGLOU
from perfscore.api import resolve
from perfscore.cli import main
from perfscore.errors import EditionNotFoundError, EvaluationError
from perfscore.evaluations import Evaluation, read_evaluations
from perfscore.report import Finding, Report
from perfscore.rules import clear_caches, load_ruleset
from perfscore.scoring import score as pure_score

TABLE = YUEYANGLOU / "project-2023-district-fund.toml"


def table(region: str = "430602", year: int = 2023) -> Evaluation:
    """The 岳阳楼区 区级专项资金 table, as if from ``region`` in ``year``."""
    (evaluation,) = read_evaluations(TABLE)
    return attrs.evolve(evaluation, region=region, year=year)


def write(tmp_path: Path, region: str, year: int) -> Path:
    text = TABLE.read_text(encoding="utf-8")
    text = text.replace('region = "430602"', f'region = "{region}"').replace("year = 2023", f"year = {year}")
    file = tmp_path / f"table-{region}-{year}.toml"
    file.write_text(text, encoding="utf-8")
    return file


def codes(report: Report) -> list[str]:
    return [f.code for f in report.findings]


def only(report: Report, code: str) -> Finding:
    (found,) = [f for f in report.findings if f.code == code]
    return found


# --------------------------------------------------------------------------- nearest edition


def test_a_year_before_every_edition_is_scored_under_the_first() -> None:
    report = perfscore.score(table("CN", 2019))
    assert (report.ruleset, report.edition, report.year) == ("cn-project", "2020", 2019)
    found = report.findings[0]  # said first
    assert (found.code, found.severity, found.location) == ("edition-nearest", "warning", "evaluation.year")
    assert "2019 年无在用版本，按最近的 cn-project 2020 版" in found.message_zh
    assert "no edition of cn-project is in force in 2019" in found.message_en
    assert report.total > 0 and report.grade


def test_a_year_after_every_edition_is_scored_under_the_last() -> None:
    report = perfscore.score(table("430602", 2024))
    assert (report.ruleset, report.edition) == ("430602-project", "2023")
    assert (
        "2024 年无在用版本，按最近的 430602-project 2023 版（2023–2023）"
        in only(report, "edition-nearest").message_zh
    )


def test_a_year_in_force_says_nothing() -> None:
    report = perfscore.score(table("430602", 2023))
    assert report.ruleset == "430602-project"
    assert not {"edition-nearest", "region-unknown", "region-unlisted"} & set(codes(report))


def test_a_ruleset_named_by_id_falls_back_to_its_nearest_edition_too() -> None:
    report = perfscore.score(table("430602", 2019), "430602-project")
    assert report.edition == "2023" and "edition-nearest" in codes(report)


def _two_editions(tmp_path: Path) -> Path:
    for edition, years in (("2016", "from = 2016, to = 2017"), ("2020", "from = 2020, to = 2022")):
        text = MINIMAL_TEXT.replace('edition = "2021"', f'edition = "{edition}"')
        text = text.replace("in_force = { from = 2021, to = 2022 }", f"in_force = {{ {years} }}")
        (tmp_path / f"minimal-{edition}.toml").write_text(text, encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(
    ("year", "edition"), [(2015, "2016"), (2018, "2016"), (2019, "2020"), (2030, "2020")]
)
def test_the_nearest_edition_either_side_of_a_gap(tmp_path: Path, year: int, edition: str) -> None:
    dirs = [_two_editions(tmp_path)]
    (chosen,) = resolve(table("CN", year), "test-minimal", paths=dirs).findings
    assert chosen.code == "edition-nearest" and f"test-minimal {edition} 版" in chosen.message_zh
    assert resolve(table("CN", year), "test-minimal", paths=dirs).ruleset.edition == edition


def test_two_editions_as_near_take_the_newer(tmp_path: Path) -> None:
    dirs = [_two_editions(tmp_path)]
    text = MINIMAL_TEXT.replace(
        "in_force = { from = 2021, to = 2022 }", "in_force = { from = 2017, to = 2017 }"
    )
    (tmp_path / "minimal-2016.toml").write_text(
        text.replace('edition = "2021"', 'edition = "2016"'), encoding="utf-8"
    )
    # 2016 edition now 2017–2017, 2020 edition from 2020: 2018 is 1 from the first, 2 from the second
    assert resolve(table("CN", 2018), "test-minimal", paths=dirs).ruleset.edition == "2016"
    (tmp_path / "minimal-2016.toml").write_text(
        text.replace('edition = "2021"', 'edition = "2016"').replace("to = 2017", "to = 2018"),
        encoding="utf-8",
    )
    clear_caches()
    assert resolve(table("CN", 2019), "test-minimal", paths=dirs).ruleset.edition == "2020"


def test_a_table_without_a_year_takes_the_newest_edition_and_says_so() -> None:
    undated = table("510000", 0)
    for resolution in (
        resolve(attrs.evolve(undated, form="department")),
        resolve(undated, "510000-department"),
    ):
        assert resolution.ruleset.edition == "2020"
        (found,) = resolution.findings
        assert (
            found.code == "edition-nearest"
            and "表中未写年度，按最新的 510000-department 2020 版" in found.message_zh
        )
    with pytest.raises(EditionNotFoundError):
        resolve(attrs.evolve(undated, form="department"), strict=True)


def test_a_ruleset_passed_in_that_is_not_in_force_is_said() -> None:
    ruleset = load_ruleset("cn-project")
    report = perfscore.score(table("CN", 2019), ruleset)
    found = only(report, "edition-nearest")
    assert "所给规则集 cn-project 2020 版施行于 2020–，不含 2019 年" in found.message_zh
    with pytest.raises(EditionNotFoundError):
        perfscore.score(table("CN", 2019), ruleset, strict=True)


def test_a_ruleset_file_not_in_force_is_said(tmp_path: Path) -> None:
    from conftest import NATIONAL

    report = perfscore.score(table("CN", 2019), NATIONAL)
    assert "edition-nearest" in codes(report)
    with pytest.raises(EditionNotFoundError):
        perfscore.score(table("CN", 2019), NATIONAL, strict=True)


# --------------------------------------------------------------------------- regions


def test_a_county_without_a_ruleset_takes_its_province() -> None:
    report = perfscore.score(
        table("430603", 2023)
    )  # 云溪区: no ruleset of its own; 岳阳市 has none for projects
    assert report.ruleset == "430000-project"
    assert "430000-project" in only(report, "ruleset-of-another-region").message_zh
    assert "region-unknown" not in codes(report)


def test_a_region_without_any_ruleset_takes_the_national_one() -> None:
    report = perfscore.score(table("230102", 2021))  # 哈尔滨市道里区: no 黑龙江 ruleset
    assert report.ruleset == "cn-project"
    assert only(report, "ruleset-of-another-region").severity == "info"
    assert not [f for f in report.findings if f.location == "evaluation.region" and f.severity != "info"]


def test_the_parent_walk_and_the_nearest_edition_together() -> None:
    report = perfscore.score(table("430603", 2019))
    assert (report.ruleset, report.edition) == ("430000-project", "2020")
    assert {"edition-nearest", "ruleset-of-another-region"} <= set(codes(report))


@pytest.mark.parametrize(
    ("region", "used"), [("999999", "cn-project"), ("hunan", "cn-project"), ("430699", "430000-project")]
)
def test_a_code_that_exists_nowhere_is_an_error_and_still_scored(region: str, used: str) -> None:
    report = perfscore.score(table(region, 2021))
    found = only(report, "region-unknown")
    assert (found.severity, found.location, found.found) == ("error", "evaluation.region", region)
    assert report.ruleset == used
    assert "ruleset-of-another-region" in codes(report)


def test_a_code_that_may_be_newer_than_the_table_is_a_warning() -> None:
    report = perfscore.score(table("430699", 2024))
    found = only(report, "region-unlisted")
    assert found.severity == "warning" and "截至 2023-06" in found.message_zh and "湖南省" in found.message_zh
    assert "region-unknown" not in codes(report)


def test_a_withdrawn_code_is_info() -> None:
    report = perfscore.score(table("430622", 2023))  # 临湘县, 临湘市 (430682) since 1990s
    found = only(report, "region-withdrawn")
    assert found.severity == "info" and "临湘县" in found.message_zh and "1991-12" in found.message_zh


# --------------------------------------------------------------------------- strict


def test_strict_refuses_the_nearest_edition() -> None:
    with pytest.raises(EditionNotFoundError, match="no edition in force in 2019"):
        perfscore.score(table("CN", 2019), strict=True)
    with pytest.raises(EditionNotFoundError):
        perfscore.review(table("430602", 2024), strict=True)
    with pytest.raises(EditionNotFoundError):
        perfscore.ruleset_for(table("CN", 2019), strict=True)
    with pytest.raises(EditionNotFoundError):
        resolve(table("CN", 2019), "cn-project", strict=True)


def test_strict_refuses_a_code_that_exists_nowhere() -> None:
    with pytest.raises(EvaluationError) as caught:
        perfscore.score(table("999999", 2023), strict=True)
    (problem,) = caught.value.problems
    assert (problem.code, problem.path, problem.found) == ("region-unknown", "evaluation.region", "'999999'")


def test_strict_takes_the_region_walk_and_warns_of_a_newer_code() -> None:
    assert perfscore.score(table("430603", 2023), strict=True).ruleset == "430000-project"
    report = perfscore.score(table("430699", 2024), strict=True)
    assert "region-unlisted" in codes(report)


def test_strict_in_score_file_and_review_files(tmp_path: Path) -> None:
    old = write(tmp_path, "CN", 2019)
    assert perfscore.score_file(old).edition == "2020"
    with pytest.raises(EditionNotFoundError):
        perfscore.score_file(old, strict=True)
    (relaxed,) = perfscore.review_files(old)
    assert relaxed.review is not None and relaxed.review.warnings >= 1
    (refused,) = perfscore.review_files(old, strict=True)
    assert refused.review is None and "no edition in force in 2019" in refused.error


def test_ruleset_for_without_strict_gives_the_nearest() -> None:
    assert perfscore.ruleset_for(table("CN", 2019)).edition == "2020"


# --------------------------------------------------------------------------- where the findings go


def test_scoring_stays_pure_and_the_findings_are_attached() -> None:
    resolution = resolve(table("CN", 2019))
    bare = pure_score(resolution.evaluation, resolution.ruleset)
    assert "edition-nearest" not in codes(bare)
    assert resolution.attach(bare) == perfscore.score(table("CN", 2019))
    assert resolution.attach(bare).findings[: len(resolution.findings)] == resolution.findings


def test_review_lists_the_resolution_findings() -> None:
    reviewed = perfscore.review(table("999999", 2019))
    assert {"region-unknown", "edition-nearest"} <= {f.code for f in reviewed.findings}
    assert reviewed.findings[0].severity == "error"
    data: dict[str, Any] = reviewed.to_dict()
    assert "region-unknown" in {f["code"] for f in data["report"]["findings"]}


def test_a_dict_evaluation_resolves_too() -> None:
    resolution = resolve(table("CN", 2019).to_dict())
    assert resolution.ruleset.id == "cn-project" and resolution.findings[0].code == "edition-nearest"


# --------------------------------------------------------------------------- the command line


def test_cli_scores_a_2019_table_under_cn(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old = write(tmp_path, "430602", 2019)
    assert main(["score", str(old), "--region", "CN"]) == 0
    out = capsys.readouterr().out
    assert "edition-nearest" in out and "2019 年无在用版本，按最近的 cn-project 2020 版" in out


def test_cli_strict_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old = write(tmp_path, "430602", 2019)
    assert main(["score", str(old), "--region", "CN", "--strict"]) == 5
    assert "no edition in force in 2019" in capsys.readouterr().err
    nowhere = write(tmp_path, "999999", 2023)
    assert main(["score", str(nowhere), "--strict"]) == 4
    assert "region-unknown" in capsys.readouterr().err
    assert main(["score", str(nowhere)]) == 0
    assert "region-unknown" in capsys.readouterr().out
    assert main(["review", str(old), "--region", "CN", "--strict", "--no-progress"]) == 1
    assert "cannot review" in capsys.readouterr().out
    assert main(["review", str(old), "--region", "CN", "--no-progress", "--fail-on", "never"]) == 0
    out = capsys.readouterr().out
    assert "[warning] edition-nearest" in out and "cannot review" not in out


def test_cli_json_carries_the_finding(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old = write(tmp_path, "CN", 2019)
    assert main(["score", str(old), "--json"]) == 0
    import json

    (data,) = json.loads(capsys.readouterr().out)["tables"]
    assert data["findings"][0]["code"] == "edition-nearest"
    assert re.search(r"2019", data["findings"][0]["message_en"])


# -- a table that gives no region code: inferred from what it names, never guessed ---------------


def test_the_region_is_inferred_from_the_unit_a_form_names() -> None:
    evaluation = attrs.evolve(table(), region="", unit="岳阳楼区工伤保险服务中心", department="", title="")
    report = perfscore.score(evaluation)
    inferred = only(report, "region-inferred")
    assert (inferred.severity, inferred.found) == ("info", "430602")
    assert "实施单位" in inferred.message_zh and "岳阳楼区" in inferred.message_zh
    assert report.ruleset == "430602-project"


def test_the_unit_is_asked_before_the_title() -> None:
    evaluation = attrs.evolve(
        table(), region="", unit="会同县人力资源和社会保障局", title="岳阳楼区 项目支出绩效自评表"
    )
    assert only(perfscore.score(evaluation), "region-inferred").found == "431225"


@pytest.mark.parametrize("unit", ["某单位", "朝阳区财政局"])  # no place; a place in two provinces
def test_a_table_naming_no_region_that_decides_is_refused_with_what_to_pass(unit: str) -> None:
    evaluation = attrs.evolve(table(), region="", unit=unit, department="", project="", title="")
    with pytest.raises(EvaluationError) as raised:
        perfscore.score(evaluation)
    (problem,) = raised.value.problems
    assert (problem.code, problem.path) == ("region-missing", "evaluation.region")
    assert "--region" in problem.message
    assert problem.message.startswith("表中未写行政区划代码")  # Chinese first: a reviewer reads it
    if unit.startswith("朝阳区"):
        assert "110105" in problem.message and "220104" in problem.message  # the candidates, not a guess


def test_a_region_given_is_never_replaced_by_an_inferred_one() -> None:
    evaluation = attrs.evolve(table(), unit="会同县人力资源和社会保障局")
    report = perfscore.score(evaluation)
    assert "region-inferred" not in codes(report)
    assert report.ruleset == "430602-project"


def test_a_region_given_over_the_one_a_file_states_is_said(tmp_path: Path) -> None:
    from perfscore.evaluations import read_evaluations

    path = write(tmp_path, "430602", 2023)
    (given,) = read_evaluations(path, region="420000", year=2023)  # the same year: nothing to say
    report = perfscore.score(given)
    said = [
        (f.code, f.severity, f.location, f.found) for f in report.findings if f.code == "given-over-stated"
    ]
    assert said == [("given-over-stated", "warning", "evaluation.region", "420000")]
    assert report.region == "420000"
    assert any(f.message_zh.startswith("表中写明地区 430602，按指定的 420000 计分") for f in report.findings)
    (own,) = read_evaluations(path)
    assert not [f for f in perfscore.score(own).findings if f.code == "given-over-stated"]


def test_a_year_or_form_given_over_a_forms_title_is_said() -> None:
    from conftest import DATA
    from perfscore.evaluations import read_evaluations

    form = DATA / "layouts" / "flat-list.xlsx"  # titled 2022年度部门整体支出绩效自评表
    (given,) = read_evaluations(form, region="500000", year=2019, form="project")
    said = {
        f.location: f.message_zh for f in perfscore.score(given).findings if f.code == "given-over-stated"
    }
    assert said["evaluation.year"].startswith("表中写明年度 2022，按指定的 2019 计分")
    assert said["evaluation.form"].startswith(
        "表中写明表格类型 部门整体支出（department），按指定的 项目支出（project） 计分"
    )
    (same,) = read_evaluations(form, region="500000", year=2022, form="department")
    assert not [f for f in perfscore.score(same).findings if f.code == "given-over-stated"]
