"""Each uploaded file is read, reviewed and exported in a child process, bounded in time and memory.

A hostile file (a zip bomb, a catastrophic cell) could hang or exhaust the process that reads
it, so the server never reads one itself: a :class:`Worker` (one child process, started with
``spawn``) takes the jobs of one request in turn, and is killed and replaced when a job outruns
its time. The child is a fresh interpreter (``python -m perfscore.web.child``), so nothing of
the server's own state, threads or main module is copied into it. Each file is written into a private temporary folder under a name that keeps no
folder of the request's, the child works inside it, and the folder is deleted afterwards. What
comes back is plain data (the review as JSON data, the scored workbook as bytes), so nothing of
the child's is shared with the server.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, Optional, Union

from .settings import Settings

__all__ = ["Worker", "child_main", "safe_name"]

_UNSAFE = re.compile(r"[\x00-\x1f\x7f]")


def safe_name(filename: str) -> str:
    """The last part of an uploaded file's name, with no folder, drive or control character: a
    request names no path on the server. ``..\\..\\x.toml`` is ``x.toml``; an empty or dotted
    name is ``upload``."""
    name = _UNSAFE.sub("", filename.replace("\\", "/").rsplit("/", 1)[-1]).strip()
    name = name.replace(":", "_")
    if not name or name.startswith("."):
        name = "upload" + (name if name.startswith(".") and name.count(".") == 1 else "")
    if len(name) > 120:
        stem, dot, suffix = name.rpartition(".")
        name = (stem[:100] + dot + suffix[:15]) if dot else name[:120]
    return name


def _limit_memory(mib: Optional[int]) -> None:
    if not mib:
        return
    try:
        import resource

        limit = mib * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ImportError, ValueError, OSError):  # not on this platform: the time bound remains
        pass


def _ruleset(options: dict[str, Any]) -> Union[str, Path, None]:
    """The ruleset the request named: the file of an edition (``ID@EDITION``, found by the
    server among those it offers), an id or alias, or None for the table's own."""
    if options.get("ruleset_file"):
        return Path(options["ruleset_file"])
    return options["ruleset"] or None


def _review_file(name: str, options: dict[str, Any]) -> dict[str, Any]:
    """In the child, inside the file's folder: every table of ``name``, reviewed and exported."""
    from .. import read_evaluations, review
    from ..errors import PerfscoreError
    from ..report.export import to_xlsx

    try:
        found = read_evaluations(
            name, region=options["region"], form=options.get("form", ""), year=options["year"]
        )
    except PerfscoreError as exc:
        return {"error": str(exc)}
    tables: list[dict[str, Any]] = []
    for n, evaluation in enumerate(found, 1):
        try:
            done = review(evaluation, _ruleset(options), paths=options["paths"])
        except PerfscoreError as exc:
            tables.append({"table": n, "error": str(exc)})
            continue
        workbook = f"scored-{n}.xlsx"
        try:
            to_xlsx(done, workbook, evaluation=evaluation)
            with open(workbook, "rb") as f:
                xlsx: Optional[bytes] = f.read()
        except PerfscoreError:
            xlsx = None
        tables.append({"table": n, "review": done.to_dict(), "xlsx": xlsx})
    return {"tables": tables}


def _score(evaluation: dict[str, Any], options: dict[str, Any]) -> dict[str, Any]:
    from .. import score

    return {"report": score(evaluation, _ruleset(options), paths=options["paths"]).to_dict()}


class _Pipe:
    """Two one-way pipes to the child: jobs out, results in (pickled; the child is our own code)."""

    def __init__(self, out_fd: int, in_fd: int) -> None:
        self._out = Connection(out_fd, readable=False)
        self._in = Connection(in_fd, writable=False)

    def send(self, job: Any) -> None:
        self._out.send(job)

    def poll(self, seconds: float) -> bool:
        return self._in.poll(seconds)

    def recv(self) -> Any:
        return self._in.recv()

    def close(self) -> None:
        self._out.close()
        self._in.close()


def _child(conn: Any, mib: Optional[int]) -> None:  # pragma: no cover - runs in the child
    """The child's loop: one job at a time until the pipe closes."""
    _limit_memory(mib)
    from ..errors import PerfscoreError

    while True:
        try:
            kind, folder, payload, options = conn.recv()
        except (EOFError, OSError):
            return
        try:
            if kind == "review":
                os.chdir(folder)
                try:
                    result = _review_file(payload, options)
                finally:
                    os.chdir("/")
            else:
                result = _score(payload, options)
        except PerfscoreError as exc:
            result = {"error": str(exc)}
        except MemoryError:
            result = {
                "error": "文件过大：所需内存超过服务器上限 / too large: the file needs more memory than the server allows"
            }
        except Exception as exc:  # a bug or a hostile file: its own error, never the server's
            result = {"error": f"无法读取 / cannot be read: {type(exc).__name__}: {exc}"[:2000]}
        conn.send(result)


class Worker:
    """One child process for the jobs of a request; replaced when a job outruns its time."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._process: Optional[Any] = None
        self._conn: Optional[_Pipe] = None

    def __enter__(self) -> Worker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _start(self) -> _Pipe:
        if self._conn is None:
            from_parent, to_child = os.pipe()  # (read, write)
            from_child, to_parent = os.pipe()
            env = dict(os.environ)
            package_root = str(Path(__file__).resolve().parents[2])
            env["PYTHONPATH"] = os.pathsep.join(p for p in (package_root, env.get("PYTHONPATH", "")) if p)
            mib = str(self.settings.memory_mib or 0)
            command = [sys.executable, "-m", "perfscore.web.child", str(from_parent), str(to_parent), mib]
            self._process = subprocess.Popen(
                command, pass_fds=(from_parent, to_parent), env=env, stdin=subprocess.DEVNULL, cwd="/"
            )
            os.close(from_parent)
            os.close(to_parent)
            self._conn = _Pipe(to_child, from_child)
        return self._conn

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
        if self._process is not None:
            try:
                self._process.wait(timeout=2)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        self._process = self._conn = None

    def _run(self, job: tuple[Any, ...]) -> dict[str, Any]:
        conn = self._start()
        started = time.monotonic()
        try:
            conn.send(job)
            if conn.poll(self.settings.seconds_per_file):
                result: dict[str, Any] = conn.recv()
                return result
        except (EOFError, OSError):
            self._kill()
            return {"error": "文件无法读取（内存不足？）/ the file stopped the reader (out of memory?)"}
        self._kill()
        spent = time.monotonic() - started
        return {
            "error": f"处理超时（每个文件上限 {spent:.0f} 秒）/ took longer than {spent:.0f} s, the limit per file"
        }

    def _kill(self) -> None:
        if self._process is not None:
            self._process.kill()
            self._process.wait()
        if self._conn is not None:
            self._conn.close()
        self._process = self._conn = None

    def review(self, filename: str, data: bytes, options: dict[str, Any]) -> dict[str, Any]:
        """Every table of an uploaded file, reviewed: ``{"tables": [...]}``, or ``{"error": ...}``
        for the file. The file lives in a private folder only while the job runs."""
        folder = tempfile.mkdtemp(prefix="perfscore-web-")
        try:
            name = safe_name(filename)
            with open(os.path.join(folder, name), "xb") as f:
                f.write(data)
            return self._run(("review", folder, name, options))
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    def score(self, evaluation: dict[str, Any], options: dict[str, Any]) -> dict[str, Any]:
        """An evaluation given as data, scored: ``{"report": ...}`` or ``{"error": ...}``."""
        return self._run(("score", "", evaluation, options))


def child_main(argv: list[str]) -> None:  # pragma: no cover - the child: python -m perfscore.web.child
    """The child's entry: ``IN OUT MIB`` (the pipes' descriptors, the memory bound)."""
    _child(_Pipe(int(argv[1]), int(argv[0])), int(argv[2]) or None)
