"""What the workbench is allowed to do: its limits and its token, fixed when the server starts."""

from __future__ import annotations

from typing import Optional

import attrs

__all__ = ["Settings"]


@attrs.frozen
class Settings:
    """The server's limits. Every request is bounded by them; none can change them."""

    token: str = ""
    """When set, every request must carry it (header ``X-Perfscore-Token`` or ``?token=``)."""
    max_file_bytes: int = 32 * 1024 * 1024
    """One uploaded file (the largest form perfscore reads is 32 MiB)."""
    max_request_bytes: int = 64 * 1024 * 1024
    """One request's body, all of its files together."""
    max_files: int = 50
    """Files in one request (the page sends one file per request)."""
    max_batch_files: int = 1_000
    """Files in one batch of the page."""
    seconds_per_file: float = 30.0
    """Reading, reviewing and writing the scored workbook of one file, in a child process that is
    killed when the time is up."""
    memory_mib: Optional[int] = 4096
    """The child process's address space (``RLIMIT_AS``), where the platform has it."""
    max_batches: int = 10
    """Batches kept in memory for the page; the oldest is dropped first."""
    hosts: tuple[str, ...] = ()
    """When given, the only names a request's ``Host`` may give (without the port): a server on
    loopback answers only to 127.0.0.1, localhost and ::1, so a web page elsewhere cannot reach it
    by a name of its own that resolves here (DNS rebinding)."""
    rulesets: tuple[str, ...] = ()
    """Ruleset folders the server was started with (``--rulesets``), never a request's."""
