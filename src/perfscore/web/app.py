"""The ASGI application: the page, the API, the static assets and the guard around them."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any, Optional

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from .api import api_routes
from .guard import Guard
from .pages import page_routes
from .results import Store
from .service import Service
from .settings import Settings

__all__ = ["create_app"]

HERE = Path(__file__).parent


async def _not_found(request: Request, exc: Exception) -> Response:
    return JSONResponse({"error": "未找到 / not found"}, status_code=404)


def create_app(settings: Optional[Settings] = None, *, workers: int = 2) -> Any:
    """The workbench as an ASGI app: run it with uvicorn (``perfscore serve`` does)."""
    settings = settings or Settings()
    service = Service(settings, workers=workers)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        try:
            yield
        finally:
            service.close()

    app = Starlette(
        routes=[
            *api_routes,
            *page_routes,
            Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
        ],
        exception_handlers={LookupError: _not_found, 404: _not_found},
        lifespan=lifespan,
    )
    app.state.service = service
    app.state.store = Store(settings.max_batches)
    app.state.templates = Jinja2Templates(directory=str(HERE / "templates"))
    return Guard(app, token=settings.token, max_bytes=settings.max_request_bytes, hosts=settings.hosts)
