"""A bound on how long a client waits for an answer to start, whatever holds it up, and
the race it runs against the request's commit: whichever comes first decides what the
client is told."""

import asyncio
import logging
import threading
from contextvars import ContextVar

from fastapi import status
from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core.errors import RETRY_AFTER

logger = logging.getLogger(__name__)

TIMED_OUT = "request timed out before its answer started (%s s)"
# What the client is told: nothing was written (the commit never began, and will not), or
# the commit had begun and may have been written (a retry could find it done).
NOTHING_CHANGED = "Request timed out and changed nothing, try again shortly"
OUTCOME_UNKNOWN = "Request timed out while saving its changes: they may have been saved"
_LEFT_TO_FINISH: set["asyncio.Future[None]"] = set()


class DeadlinePassedError(Exception):
    """The request's deadline passed before its commit began: its session is rolled back,
    as the client was told (NOTHING_CHANGED)."""


class Deadline:
    """One request's race between its commit and its deadline: the first to claim it wins,
    under a lock, as a commit may claim it from a worker thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._claimed_by: str | None = None

    def claim_for_commit(self) -> bool:
        """True if the commit may go ahead; False if the deadline passed first."""
        return self._claim("commit")

    def claim_for_deadline(self) -> bool:
        """True if nothing will be committed; False if a commit had begun first."""
        return self._claim("deadline")

    def _claim(self, claimant: str) -> bool:
        with self._lock:
            if self._claimed_by is None:
                self._claimed_by = claimant
            return self._claimed_by == claimant


_current: ContextVar[Deadline | None] = ContextVar("request_deadline", default=None)


def may_commit() -> bool:
    """Whether the current request may commit: True outside DeadlineMiddleware (a task, a
    test's session), else whether its commit claimed the race before the deadline did.
    Called by app.core.db's `committing` just before it commits."""
    deadline = _current.get()
    return deadline is None or deadline.claim_for_commit()


class DeadlineMiddleware:
    """Answers 503 to a request whose response has not started within `seconds`.

    The drivers' own timeouts (app.core.db) end most waits on the database; this is the
    bound on the others, such as a read from a database that stopped answering without
    closing its connection, which some drivers wait out for as long as it lasts. The late
    work is not awaited, and whatever it sends later is dropped.

    What the 503 says depends on the request's commit (may_commit):
    - it had not begun: none will. The answer is NOTHING_CHANGED, with Retry-After. With
      `cancel` (async mode) the work is cancelled: its session ends at once. Without (sync
      mode) it is left to finish: a worker thread cannot be interrupted, and cancelling the
      coroutine that waits on it would end the request's session while the thread still
      uses it; the thread's session is rolled back when it returns, within the driver's
      timeouts where it has them (the README says which).
    - it had begun: it is left to finish, whatever `cancel` says, with what follows it
      (a job queued for the new row). The answer is OUTCOME_UNKNOWN, with no Retry-After.
    A response that has started (a stream) is left to finish.
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

        deadline = Deadline()
        token = _current.set(deadline)  # the work's task copies the context as it is now
        try:
            work = asyncio.ensure_future(self.app(scope, receive, guarded_send))
        finally:
            _current.reset(token)
        try:
            await asyncio.wait({work}, timeout=self.seconds)
        except asyncio.CancelledError:
            work.cancel()
            raise
        if work.done() or started.is_set():
            await work
            return
        answered = True
        nothing_changed = deadline.claim_for_deadline()
        if nothing_changed and self.cancel:
            work.cancel()
        else:
            _LEFT_TO_FINISH.add(work)  # held, or the loop could collect it half-way
            work.add_done_callback(_LEFT_TO_FINISH.discard)
        work.add_done_callback(_retrieve)
        logger.error(TIMED_OUT, self.seconds)
        await _timed_out(nothing_changed)(scope, receive, send)


def _timed_out(nothing_changed: bool) -> JSONResponse:
    if nothing_changed:
        return JSONResponse(
            {"detail": NOTHING_CHANGED},
            status_code=status.HTTP_503_SERVICE_UNAVAILABLE,
            headers=RETRY_AFTER,
        )
    return JSONResponse({"detail": OUTCOME_UNKNOWN}, status.HTTP_503_SERVICE_UNAVAILABLE)


def _retrieve(work: "asyncio.Future[None]") -> None:
    # Whatever the abandoned work ended with, it must not be logged as never retrieved.
    if not work.cancelled():
        work.exception()
