"""The workbench's options and messages: each edition of a ruleset its own choice (``ID@EDITION``,
on the page and through the API, as the CLI takes it), the 表格类型 field passed through as the
CLI's --form is, every error a reviewer reads Chinese first, and ``serve`` without its extra."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("starlette", reason="the workbench needs the web extra: pip install -e '.[web]'")
pytest.importorskip("multipart", reason="the workbench needs python-multipart (the web extra)")
pytest.importorskip("openpyxl", reason="the 表格类型 test writes an Excel form (the office extra)")

import openpyxl
from starlette.testclient import TestClient

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

from conftest import ROOT
from perfscore.cli import main
from perfscore.rules import FORMS
from perfscore.web import Settings, create_app

#: A 2018 四川 department table: its year picks edition 2017 of 510000-department.
SICHUAN_2018 = ROOT / "rulesets" / "510000" / "cases" / "department-2018.toml"
TRANSFER = ROOT / "examples" / "430602" / "project-2023-transfer.toml"
CHINESE_FIRST = re.compile(r"^[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app(Settings(), workers=1)) as client:
        yield client


def _sichuan_2018() -> dict[str, Any]:
    case = tomllib.loads(SICHUAN_2018.read_text(encoding="utf-8"))
    return {k: v for k, v in case.items() if k not in ("case", "expect")}


def _select(page: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}">(.*?)</select>', page, re.S)
    assert select, f"no <select name={name!r}> on the page"
    return re.findall(r'<option value="([^"]*)"', select.group(1))


# --------------------------------------------------------------------------- editions


def test_each_edition_is_its_own_choice_on_the_page(client: TestClient) -> None:
    values = _select(client.get("/").text, "ruleset")
    assert len(values) == len(set(values))  # no two options the same
    assert {"510000-department@2017", "510000-department@2020"} <= set(values)
    assert {"530000-project@2020", "530000-project@2021"} <= set(values)
    # an id with several editions may still be left to the table's year
    assert values.index("510000-department") < values.index("510000-department@2017")
    assert "430602-project@2023" in values and "430602-project" not in values  # one edition: itself
    for value in values[1:]:  # every choice is one the API takes
        assert client.post("/api/score", params={"ruleset": value}, json=[]).status_code == 400


@pytest.mark.parametrize(
    ("ruleset", "edition"),
    [
        ("", "2017"),
        ("510000-department", "2017"),
        ("510000-department@2017", "2017"),
        ("510000-department@2020", "2020"),
    ],
)
def test_score_takes_an_edition(client: TestClient, ruleset: str, edition: str) -> None:
    answer = client.post("/api/score", params={"ruleset": ruleset} if ruleset else {}, json=_sichuan_2018())
    assert answer.status_code == 200, answer.text
    report = answer.json()
    assert (report["ruleset"], report["edition"]) == ("510000-department", edition)


def test_review_takes_an_edition(client: TestClient) -> None:
    text = tomllib.loads(SICHUAN_2018.read_text(encoding="utf-8"))
    assert text["evaluation"]["year"] == 2018
    upload = [("files", ("四川-2018.toml", SICHUAN_2018.read_bytes()))]
    by_year = client.post("/api/review", files=upload).json()["results"][0]
    chosen = client.post("/api/review", files=upload, data={"ruleset": "510000-department@2020"})
    line = chosen.json()["results"][0]
    assert (by_year["edition"], line["edition"]) == ("2017", "2020")
    assert line["ruleset"] == "510000-department" and line["error"] == ""


def test_an_edition_that_does_not_exist_names_those_that_do(client: TestClient) -> None:
    answer = client.post("/api/score", params={"ruleset": "510000-department@2019"}, json=_sichuan_2018())
    assert answer.status_code == 400
    error = answer.json()["error"]
    assert error.startswith("无此规则集 / no such ruleset")
    assert "510000-department@2017, 510000-department@2020" in error


@pytest.mark.parametrize("name", ["nosuch@2020", "510000-department@", "@2017", "../x.toml@2017"])
def test_an_edition_of_nothing_is_refused(client: TestClient, name: str) -> None:
    answer = client.post(
        "/api/review", files=[("files", (TRANSFER.name, TRANSFER.read_bytes()))], data={"ruleset": name}
    )
    assert answer.status_code == 400 and answer.json()["error"].startswith("无此规则集")


# --------------------------------------------------------------------------- 表格类型


def _form_without_its_kind(path: Path) -> Path:
    """A 重庆 flat-list table whose title names no form (部门整体 or 项目): the form must be given."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["重庆市某某局2021年度绩效自评"])
    sheet.append(["部门名称：重庆市某某局"])
    sheet.append(["指标名称", "计量单位", "指标性质", "年初指标值", "调整指标值", "全年完成值", "得分系数",
                  "指标权重", "指标得分", "是否核心指标"])  # fmt: skip
    sheet.append(["政府采购执行率", "%", "≥", "95", "", "100", "100%", 30, 30, "是"])
    sheet.append(["预算完成率", "%", "≥", "100", "98", "95", "96.9%", 30, 29.1, "否"])
    sheet.append(["重点工作办结率", "%", "≥", "100", "", "90", "90%", 30, 27, "是"])
    sheet.append(["执行率", None, None, None, None, "95%", None, 10, 9.5])
    sheet.append(["合计", None, None, None, None, None, None, 100, 95.6])
    book.save(path)
    return path


def test_the_page_offers_every_form_the_engine_knows(client: TestClient) -> None:
    page = client.get("/").text
    assert _select(page, "form") == ["", *FORMS]
    assert "表格类型" in page
    for value, zh in FORMS.items():
        assert f'<option value="{value}">{zh} ({value})</option>' in page


def test_the_form_field_fills_in_what_the_title_does_not_say(client: TestClient, tmp_path: Path) -> None:
    form = _form_without_its_kind(tmp_path / "重庆.xlsx")
    upload = [("files", (form.name, form.read_bytes()))]
    asked = client.post("/api/review", files=upload).json()["results"][0]
    assert "form-missing" in asked["error"]
    given = client.post("/api/review", files=upload, data={"form": "department"}).json()["results"][0]
    assert given["error"] == "", given["error"]
    assert given["ruleset"] == "500000-department" and given["totals"]["computed"] == "95.6"


def test_the_page_passes_the_form_on(client: TestClient, tmp_path: Path) -> None:
    created = client.post("/batches", data={"form": "department"}).json()
    form = _form_without_its_kind(tmp_path / "重庆.xlsx")
    lines = client.post(f"{created['url']}/files", files=[("files", (form.name, form.read_bytes()))]).json()
    assert lines["lines"][0]["ruleset"] == "500000-department"


def test_a_form_the_engine_does_not_know_is_refused(client: TestClient) -> None:
    answer = client.post("/batches", data={"form": "province"})
    assert answer.status_code == 400
    error = answer.json()["error"]
    assert error.startswith("表格类型应为") and all(value in error for value in FORMS)


# --------------------------------------------------------------------------- Chinese first


def test_every_error_a_reviewer_reads_is_chinese_first(client: TestClient) -> None:
    upload = [("files", (TRANSFER.name, TRANSFER.read_bytes()))]
    answers = [
        client.get("/nosuch"),
        client.get("/batches/nosuch"),
        client.post("/api/review", data={"region": "430602"}),
        client.post("/api/review", files=upload, data={"region": "../x"}),
        client.post("/api/review", files=upload, data={"year": "abc"}),
        client.post("/api/review", files=upload, data={"ruleset": "nosuch"}),
        client.post("/api/score", content=b"{not json"),
        client.post("/api/score", json=[1, 2]),
        client.post("/batches", data={"region": "x"}),
    ]
    for answer in answers:
        assert answer.status_code >= 400
        assert CHINESE_FIRST.match(answer.json()["error"]), answer.json()
    lines = client.post(
        "/api/review", files=[("files", ("a.txt", b"x")), ("files", ("b.xlsx", b"not a zip"))]
    )
    unread = lines.json()["results"][0]
    assert CHINESE_FIRST.match(unread["error"]), unread


def test_the_guard_answers_chinese_first() -> None:
    app = create_app(Settings(token="s3cret", max_request_bytes=1000, hosts=("127.0.0.1",)), workers=1)
    with TestClient(app, base_url="http://127.0.0.1:8765") as client:
        refused = client.get("/api/rulesets")
        assert refused.status_code == 401
        assert refused.json() == {"error": "需要访问令牌 / a token is required (X-Perfscore-Token)"}
        host = client.get("/api/rulesets", headers={"Host": "evil.example", "X-Perfscore-Token": "s3cret"})
        assert host.status_code == 400 and host.json()["error"].startswith("主机名不符")
        large = client.post("/api/score", content=b"x" * 2000, headers={"X-Perfscore-Token": "s3cret"})
        assert large.status_code == 413 and large.json()["error"].startswith("上传过大")


# --------------------------------------------------------------------------- serve without its extra


def test_serve_without_the_web_extra_says_which_and_exits_2(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "uvicorn", None)  # import uvicorn raises ImportError
    assert main(["serve"]) == 2  # as batch does without pyarrow: a usage error
    err = capsys.readouterr().err
    assert "pip install 'perfscore[web]'" in err and err.startswith("perfscore serve 需要 web 扩展")
