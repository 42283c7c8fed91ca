"""The outermost middleware: an id for each request, its access line, headers every response
carries, a JSON 413 for a body declared too large, a JSON 500 in place of an unexpected
error, and HEAD answered as GET."""

import json
import logging
import re
import time
import uuid

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core.limits import send_too_large
from app.core.logging import request_id_var

access_logger = logging.getLogger("app.access")
logger = logging.getLogger("app")

INTERNAL_ERROR = "Internal server error"
# What a security review expects on every response of a JSON API.
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
}
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class RequestContextMiddleware:
    """Tags each request with an id, logs one access line, refuses a body whose
    Content-Length is over `max_body_bytes` (see app.core.limits), hides unexpected errors
    and answers HEAD as the GET route of its path, with no body.

    Plain ASGI rather than BaseHTTPMiddleware: it adds no task or queue per request. One
    layer for all of it: each layer costs every request a call and a pass over its headers.
    """

    def __init__(self, app: ASGIApp, max_body_bytes: int | None = None) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        method = scope["method"]
        if method == "HEAD":
            # Answered as the GET it asks about, without the body (RFC 9110, 9.3.2): FastAPI
            # routes a GET route's HEAD to a 405, which fails a probe or `curl -I`. A copy, as
            # the server keeps the HEAD of its own scope.
            scope = {**scope, "method": "GET"}
        request_id, declared_bytes = _read_headers(scope)
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        status_code = 500
        response_started = False

        async def send_with_id(message: Message) -> None:
            nonlocal status_code, response_started
            if message["type"] == "http.response.start":
                response_started = True
                status_code = message["status"]
                headers = MutableHeaders(scope=message)
                headers["X-Request-ID"] = request_id
                for name, value in SECURITY_HEADERS.items():
                    headers.setdefault(name, value)
            elif method == "HEAD" and message["type"] == "http.response.body":
                message = {**message, "body": b""}  # the headers still say the GET's length
            await send(message)

        try:
            if self.max_body_bytes is not None and declared_bytes > self.max_body_bytes:
                await send_too_large(send_with_id)
            else:
                await self.app(scope, receive, send_with_id)
        except Exception:
            logger.exception("unhandled error on %s %s", method, scope["path"])
            if response_started:
                raise
            await _send_internal_error(send_with_id, request_id)
        finally:
            duration_ms = (time.perf_counter() - started) * 1000
            access_logger.info(
                "%s %s %s %.1fms",
                method,
                scope["path"],
                status_code,
                duration_ms,
                extra={
                    "method": method,
                    "path": scope["path"],
                    "status": status_code,
                    "duration_ms": round(duration_ms, 2),
                },
            )
            request_id_var.reset(token)


def _read_headers(scope: Scope) -> tuple[str, int]:
    """The request's id (the client's `X-Request-ID` when it is safe to log, else a new one)
    and the body size it declares (Content-Length, 0 without one), in one pass."""
    request_id = None
    id_seen = False
    declared_bytes = 0
    for name, value in scope["headers"]:
        if name == b"x-request-id" and not id_seen:
            id_seen = True
            candidate: str = value.decode("latin-1")
            if _VALID_REQUEST_ID.match(candidate):
                request_id = candidate
        elif name == b"content-length" and value.isdigit():
            declared_bytes = max(declared_bytes, int(value))
    return request_id or uuid.uuid4().hex, declared_bytes


async def _send_internal_error(send: Send, request_id: str) -> None:
    body = json.dumps({"detail": f"{INTERNAL_ERROR} (request id {request_id})"}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 500,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
