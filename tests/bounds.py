"""Run one hostile payload in a forked child with a wall-clock and a memory bound.

A catastrophic regular expression cannot be interrupted from inside the process (``re`` does
not check for signals), and a zip bomb that succeeds takes the test runner's memory with it. So
each payload runs in ``os.fork()``'s child, under ``RLIMIT_AS`` (its address space may grow by
at most ``mib`` MiB beyond what the parent already maps) and killed after ``seconds``. The
child sends back what happened: the value returned, or the exception raised.

The hostile corpus (``tests/test_hostile_*.py``) asserts on the :class:`Outcome`: ``ok`` or a
:class:`perfscore.PerfscoreError`, never a hang (``timeout``), a ``MemoryError`` or any other
exception escaping.
"""

from __future__ import annotations

import os
import pickle
import resource
import select
import signal
import sys
import time
import traceback
from collections.abc import Callable
from typing import Any, Optional

import attrs

#: Generous: the failures these bounds catch take minutes and gigabytes, not a busy second.
SECONDS = 10.0
MIB = 1024


@attrs.frozen
class Outcome:
    """What a payload did in its child process."""

    kind: str
    """``ok``, ``raised``, ``timeout`` or ``died`` (killed by a signal, or exited oddly)."""
    value: Any = None
    """The payload's return value when ``ok`` (if it pickles; else its ``repr``)."""
    error_type: str = ""
    """The exception's class name when ``raised``."""
    perfscore_error: bool = False
    """True when the exception raised is a :class:`perfscore.PerfscoreError`."""
    message: str = ""
    elapsed: float = 0.0

    @property
    def clean(self) -> bool:
        """The payload returned, or refused with perfscore's own error."""
        return self.kind == "ok" or (self.kind == "raised" and self.perfscore_error)

    def __str__(self) -> str:
        if self.kind == "ok":
            return f"ok in {self.elapsed:.2f}s"
        if self.kind == "raised":
            return f"raised {self.error_type} in {self.elapsed:.2f}s: {self.message[:2000]}"
        return f"{self.kind} after {self.elapsed:.2f}s {self.message}"


def _vm_bytes() -> int:
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:  # pragma: no cover - not Linux
        return 0


def run_bounded(
    fn: Callable[..., Any], *args: Any, seconds: float = SECONDS, mib: int = MIB, **kwargs: Any
) -> Outcome:
    """Call ``fn(*args, **kwargs)`` in a forked child under the bounds; return its outcome."""
    read_fd, write_fd = os.pipe()
    limit = _vm_bytes() + mib * 1024 * 1024
    start = time.monotonic()
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        os.close(read_fd)
        code = 0
        try:
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
            try:
                value = fn(*args, **kwargs)
                try:
                    pickle.dumps(value)
                except Exception:
                    value = repr(value)
                result: tuple[Any, ...] = ("ok", value)
            except BaseException as exc:
                from perfscore import PerfscoreError

                message = f"{exc}\n{traceback.format_exc()}"
                result = ("raised", type(exc).__name__, isinstance(exc, PerfscoreError), message)
            data = pickle.dumps(result)
            with os.fdopen(write_fd, "wb") as out:
                out.write(data)
        except BaseException:
            code = 3
        finally:
            os._exit(code)
    os.close(write_fd)
    chunks: list[bytes] = []
    deadline = start + seconds
    with os.fdopen(read_fd, "rb") as pipe:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                return Outcome("timeout", elapsed=time.monotonic() - start, message=f"(bound {seconds}s)")
            ready, _, _ = select.select([pipe], [], [], min(left, 0.5))
            if ready:
                chunk = os.read(pipe.fileno(), 1 << 20)
                if not chunk:
                    break
                chunks.append(chunk)
    _, status = os.waitpid(pid, 0)
    elapsed = time.monotonic() - start
    if not chunks:
        return Outcome("died", elapsed=elapsed, message=f"(wait status {status})")
    result = pickle.loads(b"".join(chunks))
    if result[0] == "ok":
        return Outcome("ok", value=result[1], elapsed=elapsed)
    return Outcome(
        "raised", error_type=result[1], perfscore_error=result[2], message=result[3], elapsed=elapsed
    )


def assert_clean(outcome: Outcome, what: str = "") -> None:
    """Fail unless the payload returned or raised a PerfscoreError, within its bounds."""
    assert outcome.clean, f"{what}: {outcome}"


def expect_error(outcome: Outcome, fragment: str = "", what: str = "") -> str:
    """Fail unless the payload raised a PerfscoreError (whose message holds ``fragment``);
    return the message."""
    assert outcome.kind == "raised" and outcome.perfscore_error, f"{what}: {outcome}"
    assert fragment in outcome.message, f"{what}: {fragment!r} not in {outcome.message[:2000]}"
    return outcome.message


def _demo() -> Optional[int]:  # pragma: no cover - a manual check: python tests/bounds.py
    print(run_bounded(time.sleep, 3, seconds=1))
    print(run_bounded(bytearray, 4 << 30, mib=256))
    print(run_bounded(int, "12"))
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(_demo())
