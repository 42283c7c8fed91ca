"""A bound on how long a client waits for an answer to start, whatever holds it up."""

import asyncio
import logging

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core.errors import unavailable

logger = logging.getLogger(__name__)

TIMED_OUT = "request timed out before its answer started (%s s)"
_LEFT_TO_FINISH: set["asyncio.Future[None]"] = set()


class DeadlineMiddleware:
    """Answers 503 with Retry-After to a request whose response has not started within
    `seconds`.

    The drivers' own timeouts (app.core.db) end most waits on the database; this is the
    bound on the others, such as a read from a database that stopped answering without
    closing its connection, which some drivers wait out for as long as it lasts. The late
    work is not awaited, and whatever it sends later is dropped. With `cancel` (async mode)
    it is cancelled: its session ends at once. Without (sync mode) it is left to finish: a
    worker thread cannot be interrupted, and cancelling the coroutine that waits on it
    would end the request's session while the thread still uses it; the session ends when
    the thread returns: within the driver's timeouts, where it has them (the README says
    which). A response that has started (a stream) is left to finish.
    """

    def __init__(self, app: ASGIApp, seconds: float, *, cancel: bool = True) -> None:
        self.app = app
        self.seconds = seconds
        self.cancel = cancel

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = asyncio.Event()
        answered = False

        async def guarded_send(message: Message) -> None:
            if answered:
                return  # too late: the client has its 503
            if message["type"] == "http.response.start":
                started.set()
            await send(message)

        work = asyncio.ensure_future(self.app(scope, receive, guarded_send))
        try:
            await asyncio.wait({work}, timeout=self.seconds)
        except asyncio.CancelledError:
            work.cancel()
            raise
        if work.done() or started.is_set():
            await work
            return
        answered = True
        if self.cancel:
            work.cancel()
        else:
            _LEFT_TO_FINISH.add(work)  # held, or the loop could collect it half-way
            work.add_done_callback(_LEFT_TO_FINISH.discard)
        work.add_done_callback(_retrieve)
        logger.error(TIMED_OUT, self.seconds)
        await unavailable()(scope, receive, send)


def _retrieve(work: "asyncio.Future[None]") -> None:
    # Whatever the abandoned work ended with, it must not be logged as never retrieved.
    if not work.cancelled():
        work.exception()
