"""The largest request body the service reads: past it, a 413 before anything parses it."""

from fastapi import HTTPException, status
from starlette.types import ASGIApp, Message, Receive, Scope, Send

BODY_TOO_LARGE = "Request body too large"


class BodySizeLimitMiddleware:
    """Refuses a body over `max_bytes`: at once when its Content-Length says so, else as
    soon as the bytes received pass it. Without a limit, one unauthenticated request can
    make the service hold (and a 422 echo back) as much as the client sends."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope["headers"]:
            if name == b"content-length" and value.isdigit() and int(value) > self.max_bytes:
                await send_too_large(send)
                return
        received = 0

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.max_bytes:
                # Raised where the app reads the body: its error handler answers 413.
                raise HTTPException(status.HTTP_413_CONTENT_TOO_LARGE, BODY_TOO_LARGE)
            return message

        await self.app(scope, counting_receive, send)


async def send_too_large(send: Send) -> None:
    body = b'{"detail":"' + BODY_TOO_LARGE.encode() + b'"}'
    await send(
        {
            "type": "http.response.start",
            "status": status.HTTP_413_CONTENT_TOO_LARGE,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
