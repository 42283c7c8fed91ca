"""The largest request body the service reads: past it, a 413 before anything parses it.

FastAPI counts a body's bytes as they arrive (`max_body_size`, set on the API's routers in
`app/main.py`) and answers 413 in the `{"detail": ...}` shape once they pass the limit.
A body whose Content-Length already says it is too large is refused by
RequestContextMiddleware (app.core.middleware) instead, at once: FastAPI would answer it in
plain text, from outside the middleware that adds the request id and the security headers,
and log the refusal as an unhandled error.
"""

from fastapi import status
from starlette.types import Send

# The words FastAPI's own 413 uses, so that both refusals read the same.
BODY_TOO_LARGE = "Content Too Large"


async def send_too_large(send: Send) -> None:
    """A JSON 413 that closes the connection: the unread body is not waited for."""
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
