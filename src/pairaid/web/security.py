"""Middleware every response passes through: secure headers and a bound on request bodies."""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.responses import JSONResponse

#: sent with every response. The dashboard loads nothing from other origins (no external
#: network), so the content policy can be 'self' only; Vega needs 'unsafe-eval' to run specs.
SECURE_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    # same-origin, not no-referrer: under no-referrer browsers send "Origin: null" with the
    # dashboard's own form posts, and the forms' Origin check (web.sessions) needs the origin
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Content-Security-Policy": ("default-src 'self'; img-src 'self' data:; "
                                "style-src 'self' 'unsafe-inline'; "
                                "script-src 'self' 'unsafe-eval'; frame-ancestors 'none'"),
}


class SecureHeaders:
    """Add `SECURE_HEADERS` (where a response has not set its own) as the response starts: a
    plain ASGI wrapper of `send` (Starlette's BaseHTTPMiddleware ran every response through an
    extra task and stream, a few milliseconds a request on a loaded machine)."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def with_headers(message):
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURE_HEADERS.items():
                    if name not in headers:
                        headers.append(name, value)
            await send(message)

        return await self.app(scope, receive, with_headers)


class BodyLimit:
    """Refuse a body larger than `limit` bytes with 413, by its Content-Length or, when it has
    none (chunked), by counting as it streams, so a large upload never fills memory."""

    def __init__(self, app, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            return await self._refuse(scope, receive, send)
        seen = 0

        async def counted():
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise _TooLarge
            return message

        try:
            return await self.app(scope, counted, send)
        except _TooLarge:
            return await self._refuse(scope, receive, send)

    async def _refuse(self, scope, receive, send):
        response = JSONResponse(status_code=413, content={
            "detail": f"request body larger than {self.limit} bytes; nothing was written"})
        await response(scope, receive, send)


class _TooLarge(Exception):
    pass
