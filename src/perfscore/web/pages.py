"""The page: upload, the batch's summary, one table, and the downloads. Server-side templates;
the little script the page needs is served from ``static/`` with it (no CDN)."""

from __future__ import annotations

import json
from typing import Any, Optional
from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.templating import Jinja2Templates

from ..report.summary import summary_workbook
from ..reviewing import EVALUATION_SUFFIXES
from ..rules import FORMS
from .detail import table_view
from .results import Batch, Line
from .service import BadRequest, Service

__all__ = ["page_routes", "ruleset_choices"]

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _service(request: Request) -> Service:
    service: Service = request.app.state.service
    return service


def _templates(request: Request) -> Jinja2Templates:
    templates: Jinja2Templates = request.app.state.templates
    return templates


def _batch(request: Request) -> Batch:
    batch: Optional[Batch] = request.app.state.store.get(request.path_params["batch"])
    if batch is None:
        raise LookupError
    return batch


def _line(request: Request) -> tuple[Batch, int, Line]:
    batch = _batch(request)
    n = request.path_params["n"]
    if not 0 <= n < len(batch.lines):
        raise LookupError
    return batch, n, batch.lines[n]


def _download(data: bytes, filename: str, media: str) -> Response:
    disposition = f"attachment; filename=\"download\"; filename*=UTF-8''{quote(filename)}"
    return Response(data, media_type=media, headers={"Content-Disposition": disposition})


def ruleset_choices(rulesets: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """The page's ruleset list as (value, label): one ``ID@EDITION`` per edition, so that each
    option picks its own edition, and before the editions of an id that has several, the id
    alone, whose edition the table's year chooses."""
    editions: dict[str, list[str]] = {}
    for r in rulesets:
        editions.setdefault(r["id"], []).append(r["edition"])
    choices: list[tuple[str, str]] = []
    for r in rulesets:
        those = editions[r["id"]]
        if len(those) > 1 and r["edition"] == those[0]:
            label = f"{r['id']} 按表年度选用 {'、'.join(those)} 版之一 (edition by the table's year)"
            choices.append((r["id"], label))
        choices.append((f"{r['id']}@{r['edition']}", f"{r['id']} {r['edition']} 版 · {r['name_zh']}"))
    return choices


async def index(request: Request) -> Response:
    rulesets = await run_in_threadpool(_service(request).rulesets)
    context = {
        "rulesets": ruleset_choices(rulesets),
        "forms": list(FORMS.items()),
        "kinds": " ".join(EVALUATION_SUFFIXES),
    }
    return _templates(request).TemplateResponse(request, "index.html", context)


async def new_batch(request: Request) -> JSONResponse:
    form = await request.form(max_files=0, max_fields=10)
    try:
        options = _service(request).options(form)
    except BadRequest as exc:
        return JSONResponse({"error": str(exc)}, status_code=400)
    batch = request.app.state.store.new(options)
    return JSONResponse({"id": batch.id, "url": f"/batches/{batch.id}"})


async def add_files(request: Request) -> JSONResponse:
    service = _service(request)
    batch = _batch(request)
    if batch.files >= service.settings.max_batch_files:
        return JSONResponse({"error": "本批文件过多 / too many files in one batch"}, status_code=413)
    try:
        files, _ = await service.uploads(request)
    except BadRequest as exc:
        return JSONResponse({"error": str(exc)}, status_code=400)
    lines = await run_in_threadpool(service.review, files, batch.options)
    first = request.app.state.store.add(batch, lines)
    lines_data = [{**_brief(line.data), "index": first + i} for i, line in enumerate(lines)]
    return JSONResponse({"lines": lines_data})


def _brief(data: dict[str, Any]) -> dict[str, Any]:
    """A line for the page's progress feed: the entry without its report (the page never reads it)."""
    return {k: v for k, v in data.items() if k != "report"}


async def batch_page(request: Request) -> Response:
    batch = _batch(request)
    return _templates(request).TemplateResponse(
        request,
        "batch.html",
        {"batch": batch, "lines": list(enumerate(batch.lines)), "codes": batch.code_counts()},
    )


async def table_page(request: Request) -> Response:
    batch, n, line = _line(request)
    if line.review is None:
        raise LookupError
    view = table_view(line.review)
    return _templates(request).TemplateResponse(
        request, "table.html", {"batch": batch, "n": n, "line": line, "view": view}
    )


async def table_xlsx(request: Request) -> Response:
    _, _, line = _line(request)
    if line.xlsx is None:
        raise LookupError
    stem = line.data["file"].rsplit(".", 1)[0]
    return _download(
        line.xlsx, f"{stem}{'-' + str(line.data['table']) if line.data['table'] else ''}.scored.xlsx", XLSX
    )


async def table_json(request: Request) -> Response:
    _, _, line = _line(request)
    body = json.dumps({"results": [line.data]}, ensure_ascii=False, indent=2)  # schema/review.schema.json
    return _download(body.encode(), f"{line.data['file']}.review.json", "application/json")


async def summary_xlsx(request: Request) -> Response:
    batch = _batch(request)
    data = await run_in_threadpool(summary_workbook, [line.data for line in batch.lines])
    return _download(data, "perfscore-summary.xlsx", XLSX)


async def batch_json(request: Request) -> Response:
    batch = _batch(request)
    body = json.dumps({"results": [line.data for line in batch.lines]}, ensure_ascii=False, indent=2)
    return _download(body.encode(), "perfscore-review.json", "application/json")


page_routes = [
    Route("/", index, methods=["GET"]),
    Route("/batches", new_batch, methods=["POST"]),
    Route("/batches/{batch}/files", add_files, methods=["POST"]),
    Route("/batches/{batch}", batch_page, methods=["GET"]),
    Route("/batches/{batch}/summary.xlsx", summary_xlsx, methods=["GET"]),
    Route("/batches/{batch}/review.json", batch_json, methods=["GET"]),
    Route("/batches/{batch}/tables/{n:int}", table_page, methods=["GET"]),
    Route("/batches/{batch}/tables/{n:int}/scored.xlsx", table_xlsx, methods=["GET"]),
    Route("/batches/{batch}/tables/{n:int}/review.json", table_json, methods=["GET"]),
]
