"""The workbench's HTTP API and page routes (perfscore.web), through Starlette's TestClient:
every endpoint, the limits, the token rule, and hostile uploads (a zip bomb, a huge file, a
path in a file name), each of which gets its own error line while the server keeps serving."""

from __future__ import annotations

import io
import json
import sys
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("starlette", reason="the workbench needs the web extra: pip install -e '.[web]'")
pytest.importorskip("multipart", reason="the workbench needs python-multipart (the web extra)")

from starlette.testclient import TestClient

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

from conftest import ROOT
from perfscore.cli import main
from perfscore.cli.serve import is_loopback
from perfscore.web import Settings, create_app, safe_name

EXAMPLES = ROOT / "examples" / "430602"
TRANSFER = EXAMPLES / "project-2023-transfer.toml"
FUND = EXAMPLES / "project-2023-district-fund.toml"
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def _client(**settings: Any) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(**settings), workers=1)) as client:
        yield client


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    yield from _client()


def _file(path: Path, name: str = "") -> tuple[str, tuple[str, bytes]]:
    return ("files", (name or path.name, path.read_bytes()))


def _bomb() -> bytes:
    """An .xlsx whose sheet inflates to 200 MB of spaces: about 200 KB on the wire."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as stream:
            stream.write(f'<worksheet xmlns="{_MAIN}"><sheetData>'.encode())
            chunk = b" " * (1 << 20)
            for _ in range(200):
                stream.write(chunk)
            stream.write(b"</sheetData></worksheet>")
    return out.getvalue()


def _temp_folders() -> set[str]:
    return {p.name for p in Path(tempfile.gettempdir()).glob("perfscore-web-*")}


def test_rulesets(client: TestClient) -> None:
    answer = client.get("/api/rulesets")
    assert answer.status_code == 200
    ids = {r["id"] for r in answer.json()["rulesets"]}
    assert {"cn-project", "430602-project"} <= ids


def test_review_two_tables_and_a_broken_file(client: TestClient) -> None:
    before = _temp_folders()
    answer = client.post(
        "/api/review", files=[_file(TRANSFER), _file(FUND), ("files", ("broken.xlsx", b"not a zip"))]
    )
    assert answer.status_code == 200
    transfer, fund, broken = answer.json()["results"]
    assert transfer["file"] == TRANSFER.name and transfer["error"] == ""
    assert transfer["ruleset"] == "430602-project"
    assert transfer["totals"] == {"computed": "100", "reported": "95", "max": "100", "complete": True}
    assert transfer["grade"]["computed"] == "优"
    assert fund["totals"]["computed"] == "92" and fund["counts"]["error"] == 3
    assert {f["code"] for f in fund["findings"]} >= {"full-marks-unmet", "rate-mismatch"}
    assert broken["file"] == "broken.xlsx" and "zip" in broken["error"] and broken["findings"] == []
    assert _temp_folders() <= before  # every upload's folder is gone


def test_review_options(client: TestClient) -> None:
    answer = client.post(
        "/api/review", files=[_file(TRANSFER)], data={"ruleset": "cn-project", "year": "2023"}
    )
    assert answer.status_code == 200
    assert answer.json()["results"][0]["ruleset"] == "cn-project"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("ruleset", "/etc/passwd"),
        ("ruleset", "../rulesets/CN/base.toml"),
        ("ruleset", "nosuch"),
        ("region", "../x"),
        ("year", "abc"),
    ],
)
def test_review_refuses_a_bad_option(client: TestClient, field: str, value: str) -> None:
    answer = client.post("/api/review", files=[_file(TRANSFER)], data={field: value})
    assert answer.status_code == 400
    assert answer.json()["error"]


def test_review_without_files(client: TestClient) -> None:
    assert client.post("/api/review", data={"region": "430602"}).status_code == 400


def test_score(client: TestClient) -> None:
    evaluation = tomllib.loads(TRANSFER.read_text(encoding="utf-8"))
    answer = client.post("/api/score", json=evaluation)
    assert answer.status_code == 200
    report = answer.json()
    assert report["ruleset"] == "430602-project" and report["total"] == "100" and report["blocks"]


def test_score_refuses_what_is_not_an_evaluation(client: TestClient) -> None:
    assert client.post("/api/score", content=b"{not json").status_code == 400
    assert client.post("/api/score", json=[1, 2]).status_code == 400
    invalid = client.post("/api/score", json={"region": "430602", "rows": "nope"})
    assert invalid.status_code == 422 and invalid.json()["error"]
    named = client.post("/api/score", json={"ruleset": "/etc/passwd", "region": "430602", "year": 2023})
    assert named.status_code == 422 and "ruleset" in named.json()["error"]


def test_openapi(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert set(paths) == {"/api/rulesets", "/api/review", "/api/score"}


def test_page_batch_table_and_downloads(client: TestClient) -> None:
    import openpyxl

    assert "拖到这里" in client.get("/").text
    assert client.get("/static/app.js").status_code == 200
    batch = client.post("/batches", data={}).json()
    for upload in (_file(TRANSFER), _file(FUND), ("files", ("=HYPERLINK(1).toml", b"x = ["))):
        assert client.post(f"/batches/{batch['id']}/files", files=[upload]).status_code == 200
    page = client.get(batch["url"]).text
    assert page.count('<tr class="line') == 3 and "full-marks-unmet" in page
    table = client.get(f"{batch['url']}/tables/1").text
    assert 'data-row="row-6"' in table and 'id="row-6"' in table
    assert "总成本控制（自评得分）" in table  # the finding names its indicator, not rows[6]
    assert client.get(f"{batch['url']}/tables/1/scored.xlsx").content[:2] == b"PK"
    assert json.loads(client.get(f"{batch['url']}/tables/1/review.json").content)["results"][0]["report"]
    book = openpyxl.load_workbook(io.BytesIO(client.get(f"{batch['url']}/summary.xlsx").content))
    summary = book["汇总 Summary"]
    assert summary.max_row == 5  # headers, three tables, the totals
    assert summary["A4"].value == "=HYPERLINK(1).toml" and summary["A4"].data_type == "s"
    assert "full-marks-unmet" in book.sheetnames and "合计 Totals" in book.sheetnames
    assert client.get("/batches/nosuch").status_code == 404
    assert client.get(f"{batch['url']}/tables/99").status_code == 404


def test_a_zip_bomb_and_a_path_in_the_name() -> None:
    for client in _client():
        evil = f"../../../{Path(tempfile.gettempdir()).name}/perfscore-evil-{id(client)}.toml"
        answer = client.post(
            "/api/review",
            files=[
                ("files", ("bomb.xlsx", _bomb())),
                ("files", (evil, TRANSFER.read_bytes())),
                ("files", ("..\\..\\win.toml", b"x = [")),
            ],
        )
        bomb, named, win = answer.json()["results"]
        assert "bomb.xlsx" in bomb["error"] and "too-large" in bomb["error"]
        assert named["file"] == f"perfscore-evil-{id(client)}.toml" and named["totals"]["computed"] == "100"
        assert not (Path(tempfile.gettempdir()) / named["file"]).exists()
        assert win["file"] == "win.toml" and win["error"]
        assert client.get("/api/rulesets").status_code == 200  # still serving


def test_the_limits() -> None:
    for client in _client(max_files=2, max_file_bytes=20_000, max_request_bytes=200_000):
        three = [_file(TRANSFER), _file(FUND), _file(TRANSFER)]
        assert client.post("/api/review", files=three).status_code == 400
        huge = client.post("/api/review", files=[("files", ("huge.toml", b"#" * 50_000)), _file(FUND)])
        first, second = huge.json()["results"]
        assert "larger than" in first["error"] and second["error"] == ""
        too_much = client.post("/api/review", files=[("files", ("x.toml", b"#" * 300_000))])
        assert too_much.status_code == 413

        def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it comes
            for _ in range(30):
                yield b"#" * 10_000

        headers = {"content-type": "multipart/form-data; boundary=x"}
        assert client.post("/api/review", content=chunks(), headers=headers).status_code == 413
        assert client.get("/api/rulesets").status_code == 200


def test_the_time_per_file() -> None:
    for client in _client(seconds_per_file=0.05):
        slow = client.post("/api/review", files=[_file(TRANSFER)]).json()["results"][0]
        assert "took longer" in slow["error"]
    for client in _client(seconds_per_file=30):
        assert client.post("/api/review", files=[_file(TRANSFER)]).json()["results"][0]["error"] == ""


def test_the_token() -> None:
    for client in _client(token="s3cret"):
        assert client.get("/api/rulesets").status_code == 401
        assert client.get("/api/rulesets", headers={"X-Perfscore-Token": "wrong"}).status_code == 401
        assert client.get("/api/rulesets", headers={"X-Perfscore-Token": "s3cret"}).status_code == 200
        assert client.get("/api/rulesets", headers={"Authorization": "Bearer s3cret"}).status_code == 200
        page = client.get("/?token=s3cret")
        assert page.status_code == 200 and "perfscore_token" in page.headers["set-cookie"]
        assert client.get("/static/app.css").status_code == 200  # the cookie carries it on
        client.cookies.clear()
        assert client.get("/static/app.css").status_code == 401


def test_serve_needs_a_token_off_loopback(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PERFSCORE_TOKEN", raising=False)
    assert main(["serve", "--host", "0.0.0.0"]) == 2
    assert "token" in capsys.readouterr().err
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.2")


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\a.toml", "a.toml"),
        ("C:x.toml", "C_x.toml"),
        ("", "upload"),
        ("a\x00b.toml", "ab.toml"),
        ("..", "upload"),
    ],
)
def test_safe_name(name: str, safe: str) -> None:
    assert safe_name(name) == safe


def test_on_loopback_only_loopback_names() -> None:
    app = create_app(Settings(hosts=("127.0.0.1", "localhost", "[::1]")), workers=1)
    with TestClient(app, base_url="http://127.0.0.1:8765") as client:
        assert client.get("/api/rulesets").status_code == 200
        assert client.get("/api/rulesets", headers={"Host": "[::1]:8765"}).status_code == 200
        assert client.get("/api/rulesets", headers={"Host": "evil.example:8765"}).status_code == 400


def test_a_findings_expected_and_found_words_show_in_chinese(client: TestClient) -> None:
    table = (
        '[evaluation]\nregion = "430000"\nform = "project"\nyear = 2023\n[budget]\nfull_year = 100\nexecuted = 100\n'
        '[[rows]]\nblock = "效益指标"\ncategory = "社会效益指标"\nname = "群众满意度"\ntarget = "≥90%"\n'
        'actual = "95%"\nweight = 40\n'
    )
    batch = client.post("/batches", data={}).json()
    upload = ("files", ("weights.toml", table.encode()))
    assert client.post(f"/batches/{batch['id']}/files", files=[upload]).status_code == 200
    page = client.get(f"{batch['url']}/tables/0").text
    assert "应为 0 &lt; 权重 ≤ 30，实为 40" in page and "应为 合计 50 分的指标行" in page
    assert "rows worth" not in page and "weight ≤" not in page
