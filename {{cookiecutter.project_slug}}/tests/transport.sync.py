import asyncio
import contextvars

from httpx2 import ASGITransport, BaseTransport, ByteStream, Request, Response
from starlette.types import ASGIApp


class SameThreadASGITransport(BaseTransport):
    """Serves a synchronous httpx client from the ASGI app, on the test's own thread.

    Starlette's TestClient runs the app on an event loop in a second thread and crosses
    over to it about eight times a request; across the API tests those waits add up to
    about a fifth of the suite's time. This transport runs each request to completion on
    an event loop of its own instead. Sync endpoints and dependencies still go to worker threads, as
    they do in production, and an exception the app raises still fails the test.
    """

    def __init__(self, app: ASGIApp) -> None:
        self._app = ASGITransport(app=app)
        self._loop = asyncio.Runner()

    def handle_request(self, request: Request) -> Response:
        # A fresh context per request, as each connection to a real server gets.
        return self._loop.run(self._send(request), context=contextvars.Context())

    async def _send(self, request: Request) -> Response:
        response = await self._app.handle_async_request(request)
        # Handed back unread, as a stream, so the client reads it as it would any other.
        return Response(
            response.status_code,
            headers=response.headers,
            stream=ByteStream(await response.aread()),
        )

    def close(self) -> None:
        self._loop.close()
