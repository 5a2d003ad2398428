"""Old-format forms (.doc, .wps, .et, .odt, and an .xls calamine cannot read) converted through
LibreOffice, when it is installed.

``soffice`` (or ``libreoffice``) is found on ``PATH``. Each conversion runs headless in a private
temporary folder, with its own throw-away LibreOffice profile (so it neither waits for nor
disturbs a LibreOffice the user has open), in its own process group, killed with the whole group
after :data:`~.limits.MAX_CONVERT_SECONDS`; its output is read only up to
:data:`~.limits.MAX_FILE_BYTES` and the folder is deleted whatever happens. The converted file
is then read as any .docx or .xlsx is, through the package checks.

Without LibreOffice, the message says how to convert the file by hand.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path
from typing import NoReturn

from ..codes import Words
from ..files import FileRefused, read_bytes
from .limits import MAX_CONVERT_SECONDS, MAX_FILE_BYTES
from .problems import problem, too_large, unreadable
from .sniff import KINDS, KINDS_ZH

__all__ = ["convert", "office_program"]


def office_program() -> str:
    """The LibreOffice program on ``PATH`` ("" when there is none)."""
    return shutil.which("soffice") or shutil.which("libreoffice") or ""


def convert(data: bytes, name: str, what: str, source: str, target: str) -> bytes:
    """``data`` (``what``: "a Word 97–2003 document (.doc)…", saved with suffix ``source``)
    converted to ``target`` ("docx" or "xlsx") by LibreOffice: the converted file's bytes."""
    program = office_program()
    if not program:
        _needs_office(name, what, target)
    with tempfile.TemporaryDirectory(prefix="perfscore-convert-") as folder:
        root = Path(folder)
        original = root / f"form{source}"
        original.write_bytes(data)
        out = root / "out"
        command = [
            program,
            f"-env:UserInstallation={(root / 'profile').as_uri()}",
            "--headless",
            "--invisible",
            "--norestore",
            "--nologo",
            "--nodefault",
            "--nolockcheck",
            "--convert-to",
            target,
            "--outdir",
            str(out),
            str(original),
        ]
        _run(command, name, what)
        converted = out / f"form.{target}"
        try:
            return read_bytes(converted, MAX_FILE_BYTES)
        except FileRefused as exc:
            if exc.code == "file-too-large":
                too_large(
                    name,
                    "",
                    f"the file LibreOffice converted it to (.{target})",
                    str(exc),
                    f"at most {MAX_FILE_BYTES:,} bytes (MAX_FILE_BYTES)",
                )
            unreadable(name, f"{what}: LibreOffice could not convert it to .{target} (a damaged file?)")


def _run(command: list[str], name: str, what: str) -> None:
    """Run LibreOffice in its own process group; kill the group after the time limit."""
    environment = dict(os.environ, HOME=str(Path(command[-1]).parent), SAL_USE_VCLPLUGIN="svp")
    try:
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
            env=environment,
        )
    except OSError as exc:
        unreadable(name, f"{what}: LibreOffice could not be started ({exc.strerror or exc})")
    try:
        process.wait(timeout=MAX_CONVERT_SECONDS)
    except subprocess.TimeoutExpired:
        _kill(process)
        too_large(
            name,
            "",
            "time LibreOffice took to convert it",
            f"more than {MAX_CONVERT_SECONDS} s",
            f"at most {MAX_CONVERT_SECONDS} s (MAX_CONVERT_SECONDS)",
        )
    finally:
        if process.poll() is None:  # interrupted (KeyboardInterrupt): never leave it running
            _kill(process)


def _kill(process: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(OSError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def _needs_office(name: str, what: str, target: str) -> NoReturn:
    program = "Word or WPS 文字" if target == "docx" else "Excel or WPS 表格"
    program_zh = "Word 或 WPS 文字" if target == "docx" else "Excel 或 WPS 表格"
    what_zh = next((KINDS_ZH[k] for k, v in KINDS.items() if v == what), what)
    reason = Words(
        f"{what_zh}：需要先另存为 .{target}（在 {program_zh} 中“另存为”），或安装 LibreOffice 后自动转换",
        f"{what}: save it as .{target} in {program}, or install LibreOffice (soffice on PATH) to convert it",
    )
    from ..errors import EvaluationError

    refused = problem("unknown-format", file=name, found=what, expected=f".{target}", reason=reason)
    raise EvaluationError([refused], f"{name}: {reason}")
