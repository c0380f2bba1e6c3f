"""What wraps every request: the body-size limit, the API key, the metrics, and errors as JSON
of one shape: {"error": {"status", "message", "field"}}."""

from __future__ import annotations

import hmac
import json
import time

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from textnn.serve.metrics import ServeMetrics

OPEN_PATHS = ("/livez",)  # answer without the API key: a probe must not need a secret


def error(status: int, message: str, field: str | None = None, headers=None) -> JSONResponse:
    body = {"error": {"status": status, "message": message, "field": field}}
    return JSONResponse(body, status_code=status, headers=headers)


class BodyLimit:
    """ASGI middleware: a request body over `max_bytes` is a 413, whether it says its length
    (Content-Length) or streams it."""

    def __init__(self, app, max_bytes: int):
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        length = dict(scope.get("headers") or []).get(b"content-length")
        if length is not None and length.isdigit() and int(length) > self.max_bytes:
            return await self._refuse(scope, receive, send)
        seen = 0

        async def counted():
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise _TooLarge
            return message

        try:
            await self.app(scope, counted, send)
        except _TooLarge:
            await self._refuse(scope, receive, send)

    async def _refuse(self, scope, receive, send):
        response = error(413, f"the request body is over {self.max_bytes:,} bytes", "body")
        await response(scope, receive, send)


class _TooLarge(Exception):
    pass


def install(app: FastAPI, metrics: ServeMetrics, api_key: str | None) -> None:
    """The API key check, the metrics of every request and the JSON error handlers."""

    @app.middleware("http")
    async def measured(request: Request, call_next):
        started = time.perf_counter()
        if api_key is not None and request.url.path not in OPEN_PATHS:
            given = request.headers.get("authorization", "")
            if not hmac.compare_digest(given.encode(), f"Bearer {api_key}".encode()):
                response = error(
                    401,
                    "give the API key as 'Authorization: Bearer KEY'",
                    "authorization",
                    headers={"WWW-Authenticate": "Bearer"},
                )
                _record(metrics, request, response.status_code, started)
                return response
        response = await call_next(request)
        _record(metrics, request, response.status_code, started)
        return response

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, err: RequestValidationError):
        first = err.errors()[0] if err.errors() else {}
        location = [str(part) for part in first.get("loc", ()) if part != "body"]
        field = ".".join(location) or "body"
        message = first.get("msg", "invalid request")
        if first.get("type") == "json_invalid":
            message, field = "the body is not valid JSON", "body"
        return error(422, f"{field}: {message}", field)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, err: StarletteHTTPException):
        detail = err.detail if isinstance(err.detail, str) else json.dumps(err.detail)
        if err.status_code == 404:
            detail = f"no route {request.method} {request.url.path} (see GET /v1/info)"
        return error(err.status_code, detail, headers=getattr(err, "headers", None))


def _record(metrics: ServeMetrics, request: Request, status: int, started: float) -> None:
    route = request.scope.get("route")
    # Unknown paths share one label, so that a scan cannot grow the metrics without bound.
    name = route.path if route is not None else "unmatched"
    metrics.requests.labels(name, str(status)).inc()
    metrics.latency.labels(name).observe(time.perf_counter() - started)
