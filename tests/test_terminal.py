"""The command's output where it goes: a GBK console or file, a pipe closed early, a terminal
(colour) or not, CJK and ambiguous-width characters, Chinese and/or English."""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import EXAMPLES, ROOT, YUEYANGLOU
from perfscore.cli import main
from perfscore.cli.terminal import ERRORS, colour, emit, paint, prepare, wide
from perfscore.report import fit, width, wrap

EXAMPLE = YUEYANGLOU / "project-2023-district-fund.toml"
"""Long indicator names, reasons with ↳, review findings."""


def _run(*args: str, encoding: str = "utf-8", **kwargs: object) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "PYTHONIOENCODING": encoding, "PYTHONPATH": str(ROOT / "src")}
    env.pop("NO_COLOR", None)
    return subprocess.run(  # type: ignore[call-overload, no-any-return]
        [sys.executable, "-m", "perfscore", *args], env=env, capture_output=True, check=False, **kwargs
    )


@pytest.mark.parametrize("command", [["score", str(EXAMPLE)], ["review", str(EXAMPLES), "--no-progress"]])
def test_a_gbk_redirect_gets_every_line_with_equivalents(command: list[str]) -> None:
    """``perfscore score x > out.txt`` under GBK once died on ``↳``: now every line is written,
    what GBK cannot carry as an equivalent it can, never a ``?``."""
    done = _run(*command, encoding="gbk")
    assert done.returncode in (0, 1), done.stderr.decode("gbk", "replace")
    assert b"Traceback" not in done.stderr
    text = done.stdout.decode("gbk")  # it all decodes
    # The same as the UTF-8 output, but for what GBK cannot carry: its equivalent.
    utf8 = _run(*command).stdout.decode("utf-8")
    assert text == utf8.encode("gbk", errors=ERRORS).decode("gbk")
    if command[0] == "score":
        assert "↳" in utf8 and "↳" not in text
        assert "总分 total: 92 / 100" in text
        assert "      -> 正向指标" in text  # ↳ → ->
        assert "复核发现 review findings" in text


def test_the_equivalents_keep_the_meaning() -> None:
    out = io.TextIOWrapper(io.BytesIO(), encoding="gbk")
    prepare(out)
    assert out.errors == ERRORS
    out.write("↳ ⟨U+202E⟩ ␛[31m ␀ ★ ≥ 总分 \u2603")
    out.flush()
    raw = out.buffer.getvalue()
    assert raw.decode("gbk") == "-> <U+202E> ^[[31m ^@ ★ ≥ 总分 <U+2603>"
    # A stream that already chose how to fail is left alone.
    chosen = io.TextIOWrapper(io.BytesIO(), encoding="gbk", errors="replace")
    prepare(chosen)
    assert chosen.errors == "replace"


@pytest.mark.skipif(sys.platform == "win32", reason="F_SETPIPE_SZ and SIGPIPE are POSIX")
def test_a_pipe_closed_early_ends_quietly() -> None:
    """``perfscore review DIR | head -1``: no BrokenPipe traceback, exit 1."""
    import fcntl

    read, write = os.pipe()
    with contextlib.suppress(OSError):  # F_SETPIPE_SZ: less than the output, so the writer blocks
        fcntl.fcntl(read, 1031, 4096)
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "perfscore", "review", str(EXAMPLES), "--no-progress", "--fail-on", "never"],
        stdout=write,
        stderr=subprocess.PIPE,
        env=env,
    )
    os.close(write)
    with os.fdopen(read, "rb") as pipe:
        assert pipe.readline()  # head -1
    _, err = proc.communicate(timeout=120)
    assert b"Traceback" not in err and b"BrokenPipe" not in err, err.decode()
    assert proc.returncode == 1  # with the whole output read it would be 0 (--fail-on never)


def test_no_colour_when_piped_or_no_color(monkeypatch: pytest.MonkeyPatch) -> None:
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    tty = Tty()
    assert colour(tty) and not colour(io.StringIO())
    emit("[error] x\nPASS y\n", tty)
    assert "\x1b[31m[error]\x1b[0m" in tty.getvalue() and "\x1b[32mPASS\x1b[0m" in tty.getvalue()
    monkeypatch.setenv("NO_COLOR", "1")
    assert not colour(tty)
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.setenv("TERM", "dumb")
    assert not colour(tty)
    assert paint("plain") == "plain"


def test_piped_output_is_plain() -> None:
    done = _run("score", str(EXAMPLE))
    assert done.returncode == 0 and b"\x1b[" not in done.stdout


def test_widths_count_cjk_and_ambiguous_characters() -> None:
    assert width("abc") == 3 and width("总分") == 4 and width("e\u0301") == 1
    assert width("—≥★") == 3 and width("—≥★", wide=True) == 6
    assert width(fit("总分≥90", 10)) == 10 and width(fit("总分≥90", 10, wide=True), wide=True) == 10
    cut = fit("楼区用人单位参加工伤保险登记", 9)
    assert cut.endswith("… ") or (cut.endswith("…") and width(cut) == 9)


def test_long_names_are_wrapped_not_cut() -> None:
    name = "楼区用人单位参加工伤保险登记及网上经办开通，网上操作系统业务指导."
    lines = wrap(name, 42)
    assert "".join(line.rstrip() for line in lines) == name
    assert all(width(line) == 42 for line in lines)
    assert wrap("a few short English words to wrap", 10) == [
        "a few     ",
        "short     ",
        "English   ",
        "words to  ",
        "wrap      ",
    ]


def test_the_score_table_keeps_every_name_whole_and_aligned(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["score", str(EXAMPLE)]) == 0
    out = capsys.readouterr().out
    assert "楼区用人单位参加工伤保险登记及网上经办开通" in out and "，网上操作系统业务指导." in out
    assert "…" not in out.split("总分")[0]  # nothing cut in the breakdown
    rows = [line for line in out.splitlines() if line.startswith("    ") and line.rstrip().endswith(" 8")]
    assert len(rows) >= 3
    for line in rows:  # the weight column ends at the same display column on every row
        head = next(
            line[:i] for i in range(len(line) + 1) if width(line[:i]) == 4 + 42 + 1 + 14 + 1 + 14 + 1 + 6
        )
        assert head.rstrip()[-1].isdigit() and line[len(head)] == " ", line


def test_wide_is_for_a_cjk_console_only() -> None:
    class Console(io.StringIO):
        encoding = "gbk"

        def isatty(self) -> bool:
            return True

    assert wide(Console()) and not wide(io.StringIO())


@pytest.mark.parametrize(
    ("lang", "present", "absent"),
    [
        ("zh", ["总分: 92 / 100", "复核发现 (", "应为"], ["total:", "Positive (≥)"]),
        ("en", ["total: 92 / 100", "review findings (", "Positive (≥)", "expected"], ["总分", "正向指标："]),
        ("both", ["总分 total: 92 / 100", "Positive (≥)", "正向指标："], []),
    ],
)
def test_lang_for_score(
    lang: str, present: list[str], absent: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["score", str(EXAMPLE), "--lang", lang]) == 0
    out = capsys.readouterr().out
    assert all(p in out for p in present), out
    assert not [a for a in absent if a in out]


def test_lang_for_review(capsys: pytest.CaptureFixture[str]) -> None:
    main(["review", str(EXAMPLE), "--lang", "zh"])
    zh = capsys.readouterr().out
    assert "个错误" in zh and "full marks reported" not in zh
    assert zh.splitlines()[-1].startswith("1 个文件：1 个已复核") and "文件" in zh.splitlines()[-3]
    main(["review", str(EXAMPLE), "--lang", "en"])
    en = capsys.readouterr().out
    assert "error(s)" in en and "full marks reported on a target that was not met" in en
    main(["review", str(EXAMPLE)])
    both = capsys.readouterr().out
    assert "error(s)" in both and " / full marks reported" in both


def test_score_prints_the_review_findings_under_the_breakdown(capsys: pytest.CaptureFixture[str]) -> None:
    """``score`` once showed only scoring's findings; review's (full-marks-unmet,
    self-deduction...) were only in ``review``."""
    assert main(["score", str(EXAMPLE)]) == 0
    out = capsys.readouterr().out
    breakdown, findings = out.split("复核发现 review findings", 1)
    assert "总分 total" in breakdown
    assert "[error] full-marks-unmet" in findings and "[warning] self-deduction" in findings


def test_output_files_are_utf8_when_asked(tmp_path: Path) -> None:
    done = _run("score", str(EXAMPLE), encoding="utf-8")
    assert "      ↳ 正向指标" in done.stdout.decode("utf-8")


def test_a_hostile_name_is_wrapped_in_bounded_lines_and_time() -> None:
    lines = wrap("长" * 100_000, 42)
    assert len(lines) == 20 and lines[-1].rstrip().endswith("…") and width(lines[-1]) == 42
    assert wrap("ab " * 1000, 10)[-1] == "ab ab ab… "
