"""The two rules every request passes before a route sees it: the token, and the body's size.

A server on loopback answers only to its loopback names (``Host``). When the server has a token, a request carries it as the header ``X-Perfscore-Token``, as
``Authorization: Bearer …``, or as ``?token=`` (a page opened with it keeps it in a cookie, so
its own requests carry it). A body larger than the limit is refused with 413, whether it says
its length or not.
"""

from __future__ import annotations

import hmac
import json
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qs

__all__ = ["COOKIE", "Guard"]

COOKIE = "perfscore_token"
Scope = dict[str, Any]


async def _refuse(send: Any, status: int, message: str) -> None:
    body = json.dumps({"error": message}, ensure_ascii=False).encode()
    headers = [
        (b"content-type", b"application/json; charset=utf-8"),
        (b"content-length", str(len(body)).encode()),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def _offered(scope: Scope) -> tuple[str, bool]:
    """The token the request offers, and whether it came in the query (to be kept in a cookie)."""
    headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
    if headers.get("x-perfscore-token"):
        return headers["x-perfscore-token"], False
    auth = headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        return auth[7:].strip(), False
    query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    if query.get("token"):
        return query["token"][0], True
    cookie: SimpleCookie = SimpleCookie()
    try:
        cookie.load(headers.get("cookie", ""))
    except Exception:  # a malformed cookie header offers nothing
        return "", False
    return (str(cookie[COOKIE].value) if COOKIE in cookie else ""), False


def _host(scope: Scope) -> str:
    for key, value in scope.get("headers", []):
        if key.lower() == b"host":
            host: str = value.decode("latin-1").lower()
            return host.rsplit(":", 1)[0] if not host.endswith("]") else host
    return ""


class Guard:
    """ASGI middleware: the token rule and the body limit."""

    def __init__(self, app: Any, *, token: str, max_bytes: int, hosts: tuple[str, ...] = ()) -> None:
        self.app = app
        self.token = token
        self.max_bytes = max_bytes
        self.hosts = {h.lower() for h in hosts}

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if self.hosts and _host(scope) not in self.hosts:
            await _refuse(send, 400, "主机名不符 / unknown Host")
            return
        remember = False
        if self.token:
            offered, remember = _offered(scope)
            if not hmac.compare_digest(offered.encode(), self.token.encode()):
                await _refuse(send, 401, "需要访问令牌 / a token is required (X-Perfscore-Token)")
                return
        for key, value in scope.get("headers", []):
            if key.lower() == b"content-length":
                try:
                    too_large = int(value) > self.max_bytes
                except ValueError:
                    too_large = True
                if too_large:
                    await _refuse(
                        send,
                        413,
                        f"上传过大（上限 {self.max_bytes} 字节）/ request larger than {self.max_bytes} bytes",
                    )
                    return
        await self._bounded(scope, receive, send, remember)

    async def _bounded(self, scope: Scope, receive: Any, send: Any, remember: bool) -> None:
        seen = 0
        over = False
        answered = False

        async def counted() -> Any:
            nonlocal seen, over
            if over:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    over = True  # the app sees the client gone; the answer is 413
                    return {"type": "http.disconnect"}
            return message

        async def sending(message: Any) -> None:
            nonlocal answered
            if over:
                if not answered:
                    answered = True
                    await _refuse(
                        send,
                        413,
                        f"上传过大（上限 {self.max_bytes} 字节）/ request larger than {self.max_bytes} bytes",
                    )
                return
            if message["type"] == "http.response.start" and remember:
                cookie = f"{COOKIE}={self.token}; HttpOnly; SameSite=Strict; Path=/"
                message = dict(
                    message, headers=[*message.get("headers", []), (b"set-cookie", cookie.encode())]
                )
            await send(message)

        try:
            await self.app(scope, counted, sending)
        except Exception:
            if not over:
                raise
            if not answered:
                await _refuse(
                    send,
                    413,
                    f"上传过大（上限 {self.max_bytes} 字节）/ request larger than {self.max_bytes} bytes",
                )
