"""The HTTP API: ``GET /api/rulesets``, ``POST /api/review``, ``POST /api/score`` and
``GET /openapi.json`` describing them. Every answer is JSON; an error is ``{"error": ...}``."""

from __future__ import annotations

import json
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from .. import __version__
from ..rules import FORMS
from .service import BadRequest, Service

__all__ = ["api_routes", "openapi"]


def _service(request: Request) -> Service:
    service: Service = request.app.state.service
    return service


def _bad(exc: Exception, status: int = 400) -> JSONResponse:
    return JSONResponse({"error": str(exc)}, status_code=status)


async def rulesets(request: Request) -> JSONResponse:
    return JSONResponse({"rulesets": await run_in_threadpool(_service(request).rulesets)})


async def review(request: Request) -> JSONResponse:
    service = _service(request)
    try:
        files, form = await service.uploads(request)
        options = service.options(form)
    except BadRequest as exc:
        return _bad(exc)
    lines = await run_in_threadpool(service.review, files, options)
    return JSONResponse({"results": [line.data for line in lines]})


async def score(request: Request) -> JSONResponse:
    service = _service(request)
    body = await request.body()
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return _bad(BadRequest("请求体应为 JSON 格式的自评表 / the body must be an evaluation as JSON"))
    if not isinstance(data, dict):
        return _bad(BadRequest("请求体应为 JSON 对象 / the body must be a JSON object"))
    try:
        options = service.options(dict(request.query_params))
    except BadRequest as exc:
        return _bad(exc)
    result = await run_in_threadpool(service.score, data, options)
    if "error" in result:
        return JSONResponse(result, status_code=422)
    return JSONResponse(result["report"])


def openapi(request: Request) -> JSONResponse:
    return JSONResponse(OPENAPI)


_ERROR = {"type": "object", "properties": {"error": {"type": "string"}}, "required": ["error"]}
_OPTIONS = [
    {
        "name": "region",
        "description": "GB/T 2260 code, for forms that do not say",
        "schema": {"type": "string"},
    },
    {
        "name": "form",
        "description": "project, department or special_fund, for forms whose title does not say",
        "schema": {"enum": ["", *FORMS]},
    },
    {"name": "year", "description": "the year, for forms that do not say", "schema": {"type": "integer"}},
    {
        "name": "ruleset",
        "description": "a ruleset id or alias from /api/rulesets (its edition in force in the table's year),"
        " or ID@EDITION for one edition (510000-department@2017)",
        "schema": {"type": "string"},
    },
]
_TEXTS = (
    "skipped",
    "reason_zh",
    "reason_en",
    "ruleset",
    "ruleset_name",
    "edition",
    "region",
    "unit",
    "project",
    "title",
)
_LINE: dict[str, Any] = {
    "type": "object",
    "description": "One table of an uploaded file, or the file's own error (status failed, error"
    " non-empty, totals null): an entry of schema/review.schema.json, as `perfscore review --json` writes it.",
    "properties": {
        "file": {"type": "string"},
        "table": {"type": ["integer", "null"], "description": "which table of a form holding several"},
        "status": {"enum": ["reviewed", "skipped", "failed"]},
        "error": {"type": "string"},
        **{key: {"type": "string"} for key in _TEXTS},
        "year": {"type": ["integer", "null"]},
        "totals": {
            "type": ["object", "null"],
            "description": "computed, reported, max (decimal strings), complete",
        },
        "grade": {"type": ["object", "null"], "description": "computed, reported"},
        "counts": {"type": "object", "description": "findings by severity: error, warning, info"},
        "findings": {"type": "array", "items": {"type": "object"}},
        "report": {"type": ["object", "null"], "description": "the report, as POST /api/score gives it"},
    },
}
_LINE["required"] = list(_LINE["properties"])


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


OPENAPI: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "perfscore workbench API", "version": __version__},
    "paths": {
        "/api/rulesets": {
            "get": {
                "summary": "Every ruleset edition the server offers",
                "responses": {
                    "200": _json({"type": "object"}, "{rulesets: [{id, edition, region, form, ...}]}")
                },
            }
        },
        "/api/review": {
            "post": {
                "summary": "Review uploaded tables (.toml .json .docx .xlsx ...): one result per table",
                "requestBody": {
                    "content": {
                        "multipart/form-data": {
                            "schema": {
                                "type": "object",
                                "properties": {
                                    "files": {
                                        "type": "array",
                                        "items": {"type": "string", "format": "binary"},
                                    },
                                    **{p["name"]: p["schema"] for p in _OPTIONS},
                                },
                                "required": ["files"],
                            }
                        }
                    }
                },
                "responses": {
                    "200": _json(
                        {"type": "object", "properties": {"results": {"type": "array", "items": _LINE}}},
                        "results",
                    ),
                    "400": _json(_ERROR, "bad option or no file"),
                    "401": _json(_ERROR, "token missing or wrong"),
                    "413": _json(_ERROR, "request too large"),
                },
            }
        },
        "/api/score": {
            "post": {
                "summary": "Score an evaluation given as JSON (docs/evaluation-format.md); the report as JSON",
                "parameters": [{**p, "in": "query"} for p in _OPTIONS if p["name"] == "ruleset"],
                "requestBody": {"content": {"application/json": {"schema": {"type": "object"}}}},
                "responses": {
                    "200": _json({"type": "object"}, "the report (docs/report.md, As JSON)"),
                    "400": _json(_ERROR, "not a JSON object"),
                    "422": _json(_ERROR, "the evaluation is invalid or cannot be scored"),
                },
            }
        },
    },
    "components": {
        "securitySchemes": {"token": {"type": "apiKey", "in": "header", "name": "X-Perfscore-Token"}}
    },
}

api_routes = [
    Route("/api/rulesets", rulesets, methods=["GET"]),
    Route("/api/review", review, methods=["POST"]),
    Route("/api/score", score, methods=["POST"]),
    Route("/openapi.json", openapi, methods=["GET"]),
]
