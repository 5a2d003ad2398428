"""What the routes share: the request's options checked, uploads read within the limits, and a
small pool of workers that review them."""

from __future__ import annotations

import queue
import re
from pathlib import Path
from typing import Any, Optional

from starlette.datastructures import UploadFile
from starlette.requests import Request

from .. import available_rulesets
from ..reviewing import EVALUATION_SUFFIXES
from ..rules import FORMS
from .results import Line, lines_of
from .settings import Settings
from .worker import Worker, safe_name

__all__ = ["BadRequest", "Service"]

_REGION = re.compile(r"(?:CN|\d{6})?")


class BadRequest(Exception):
    """A request's option or body cannot be used; the message says why (Chinese and English)."""


class Service:
    """The server's state: its settings, its workers and the rulesets it offers."""

    def __init__(self, settings: Settings, workers: int = 2) -> None:
        self.settings = settings
        self._pool: queue.Queue[Worker] = queue.Queue()
        for _ in range(workers):
            self._pool.put(Worker(settings))

    def close(self) -> None:
        while not self._pool.empty():
            self._pool.get_nowait().close()

    def rulesets(self) -> list[dict[str, Any]]:
        return [
            {
                "id": info.id,
                "edition": info.edition,
                "region": info.region,
                "form": info.form,
                "year_from": info.year_from,
                "year_to": info.year_to,
                "name_zh": info.name.zh,
                "name_en": info.name.en,
                "aliases": list(info.aliases),
            }
            for info in available_rulesets(self.settings.rulesets)
            if not info.error
        ]

    def options(self, form: Any) -> dict[str, Any]:
        """region, form, year and ruleset from a form or JSON object, checked: a ruleset is named
        by id or alias of one the server offers, ``ID@EDITION`` for one edition of it (as the CLI
        takes it), never by a file."""
        region = str(form.get("region") or "").strip()
        if not _REGION.fullmatch(region):
            raise BadRequest(
                f"行政区划代码应为 6 位数字 / region must be a 6-digit GB/T 2260 code: {region[:20]!r}"
            )
        kind = str(form.get("form") or "").strip()
        if kind and kind not in FORMS:
            choices = "、".join(f"{k}（{v}）" for k, v in FORMS.items())
            raise BadRequest(
                f"表格类型应为 {choices} / form must be one of {', '.join(FORMS)}: {kind[:20]!r}"
            )
        year_text = str(form.get("year") or "0").strip()
        if not year_text.isdigit() or not (int(year_text) == 0 or 1990 <= int(year_text) <= 2100):
            raise BadRequest(f"年度应为如 2023 的年份 / year must be a year such as 2023: {year_text[:20]!r}")
        ruleset = str(form.get("ruleset") or "").strip()
        return {
            "region": region,
            "form": kind,
            "year": int(year_text),
            "ruleset": ruleset,
            "ruleset_file": self._edition_file(ruleset) if ruleset else "",
            "paths": list(self.settings.rulesets),
        }

    def _edition_file(self, ruleset: str) -> str:
        """The file of the edition ``ID@EDITION`` names ("" for a plain id or alias, whose edition
        the table's year chooses); BadRequest for a name the server does not offer. The file
        stays on the server: the API lists ids and editions, never paths."""
        offered = [info for info in available_rulesets(self.settings.rulesets) if not info.error]
        if any(ruleset in (info.id, *info.aliases) for info in offered):
            return ""
        ident, at, edition = ruleset.rpartition("@")
        editions = [info for info in offered if at and ident in (info.id, *info.aliases)]
        chosen = [info for info in editions if info.edition == edition]
        if chosen:
            return str(Path(chosen[0].file).resolve())  # the child works in its own folder
        known = ", ".join(info.label for info in editions)
        known = f"；现有版本 / editions: {known}" if known else ""
        raise BadRequest(f"无此规则集 / no such ruleset: {ruleset[:60]!r}{known}（GET /api/rulesets）")

    async def uploads(
        self, request: Request
    ) -> tuple[list[tuple[str, Optional[bytes], str]], dict[str, str]]:
        """The request's files as (name, bytes or None, error) and its other fields. A file too
        large or of a kind no reader takes comes back with its error, unread."""
        limits = self.settings
        try:
            form = await request.form(max_files=limits.max_files, max_fields=20)
        except Exception as exc:  # malformed multipart, too many files or fields
            raise BadRequest(
                f"无法读取上传内容 / cannot read the upload: {getattr(exc, 'detail', exc)}"
            ) from None
        try:
            files = [await self._read(item) for item in form.getlist("files")]
            fields = {k: v for k, v in form.items() if isinstance(v, str)}
        finally:
            await form.close()  # the spooled uploads go now, not when collected
        if not files:
            raise BadRequest("未上传文件（字段 files）/ no file in field 'files'")
        return files, fields

    async def _read(self, item: Any) -> tuple[str, Optional[bytes], str]:
        limits = self.settings
        if not isinstance(item, UploadFile):
            raise BadRequest("files 字段应为文件 / field 'files' must hold files")
        name = safe_name(item.filename or "upload")
        data = await item.read(limits.max_file_bytes + 1)
        if len(data) > limits.max_file_bytes:
            return (
                name,
                None,
                f"文件过大（上限 {limits.max_file_bytes} 字节）/ file larger than {limits.max_file_bytes} bytes",
            )
        if Path(name).suffix.lower() not in EVALUATION_SUFFIXES:
            return name, None, f"不支持的文件类型 / not an evaluation file ({' '.join(EVALUATION_SUFFIXES)})"
        return name, data, ""

    def review(self, files: list[tuple[str, Optional[bytes], str]], options: dict[str, Any]) -> list[Line]:
        """Every file reviewed by one worker of the pool, in order (blocking: run in a thread)."""
        worker = self._pool.get()
        try:
            out: list[Line] = []
            for name, data, error in files:
                result = {"error": error} if data is None else worker.review(name, data, options)
                out += lines_of(name, result)
            return out
        finally:
            self._pool.put(worker)

    def score(self, evaluation: dict[str, Any], options: dict[str, Any]) -> dict[str, Any]:
        worker = self._pool.get()
        try:
            return worker.score(evaluation, options)
        finally:
            self._pool.put(worker)
