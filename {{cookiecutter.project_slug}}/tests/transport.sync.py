import asyncio
import contextvars
import threading

from httpx2 import ASGITransport, BaseTransport, ByteStream, Client, Request, Response
from starlette.types import ASGIApp


class SameThreadASGITransport(BaseTransport):
    """Serves a synchronous httpx client from the ASGI app, on the test's own thread.

    Starlette's TestClient runs the app on an event loop in a second thread and crosses
    over to it about eight times a request; across the API tests those waits add up to
    about a fifth of the suite's time. This transport runs each request to completion on
    an event loop of its own instead. Sync endpoints and dependencies still go to worker threads, as
    they do in production, and an exception the app raises still fails the test.

    Each thread that sends requests gets an event loop of its own, so a test may send them
    from several threads at once, as clients of a real server would.
    """

    def __init__(self, app: ASGIApp) -> None:
        self._app = ASGITransport(app=app)
        self._loops = threading.local()
        self._runners: list[asyncio.Runner] = []
        self._lock = threading.Lock()

    def handle_request(self, request: Request) -> Response:
        # A fresh context per request, as each connection to a real server gets.
        return self._runner().run(self._send(request), context=contextvars.Context())

    def _runner(self) -> asyncio.Runner:
        runner: asyncio.Runner | None = getattr(self._loops, "runner", None)
        if runner is None:
            runner = self._loops.runner = asyncio.Runner()
            with self._lock:
                self._runners.append(runner)
        return runner

    async def _send(self, request: Request) -> Response:
        response = await self._app.handle_async_request(request)
        # Handed back unread, as a stream, so the client reads it as it would any other.
        return Response(
            response.status_code,
            headers=response.headers,
            stream=ByteStream(await response.aread()),
        )

    def close(self) -> None:
        with self._lock:
            runners, self._runners = self._runners, []
        for runner in runners:
            runner.close()


def app_client(app: ASGIApp, headers: dict[str, str] | None = None) -> Client:
    """An httpx Client of `app`, as Starlette's TestClient is, on SameThreadASGITransport:
    every request carries `headers`. Use it in a `with` block, which closes its transport."""
    return Client(
        transport=SameThreadASGITransport(app), base_url="http://testserver", headers=headers
    )
