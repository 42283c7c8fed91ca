"""Sync mode: a request past the session limit waits on the event loop, not in a thread;
reading and writing requests each have their own limit."""

import anyio
import pytest
from fastapi import Request
from sqlalchemy import Engine

from app.core import db
from app.core.reads import SAFE_METHODS

# get_session is a coroutine in both modes (see app.core.db): anyio's plugin runs these tests.
pytestmark = pytest.mark.anyio
# Every method a route may take, drawn from the sessions' own rule: each reading one and a
# writing one for every other.
READING = sorted(SAFE_METHODS)
WRITING = sorted({"POST", "PUT", "PATCH", "DELETE"} - SAFE_METHODS)


def request(method: str) -> Request:
    return Request({"type": "http", "method": method, "headers": []})


async def test_requests_past_the_session_limit_wait_on_the_event_loop_not_in_a_thread(
    engine: Engine,
) -> None:
    # A request waiting for a connection in a worker thread holds that thread; enough of
    # them would fill the threadpool and stall the requests that hold the connections.
    database = db.Database(engine)  # sessions that never query: they open no connection
    opened = [db.get_session(database, request("GET")) for _ in range(db.SESSIONS_AT_ONCE)]
    for requests in opened:
        await anext(requests)
    one_too_many = db.get_session(database, request("GET"))
    got_a_session = anyio.Event()

    async def ask_for_one_more() -> None:
        await anext(one_too_many)
        got_a_session.set()

    async with anyio.create_task_group() as tasks:
        tasks.start_soon(ask_for_one_more)
        await anyio.sleep(0.05)
        assert not got_a_session.is_set(), "a session past the limit did not wait"

        for requests in opened:  # the requests end: their slots come free
            with pytest.raises(StopAsyncIteration):
                await anext(requests)
        with anyio.fail_after(5):
            await got_a_session.wait()
    with pytest.raises(StopAsyncIteration):
        await anext(one_too_many)


@pytest.mark.parametrize(
    ("flooding", "asking"),
    [(flood, ask) for flood in READING for ask in WRITING]
    + [(flood, ask) for flood in WRITING for ask in READING],
)
async def test_requests_of_one_kind_filling_their_limit_leave_the_other_kinds_sessions_free(
    engine: Engine, flooding: str, asking: str
) -> None:
    # As a flood of logins, each holding its session while the password hash runs, would
    # otherwise make every read wait behind them.
    database = db.Database(engine)
    flood = [db.get_session(database, request(flooding)) for _ in range(db.SESSIONS_AT_ONCE)]
    for requests in flood:
        await anext(requests)
    other = db.get_session(database, request(asking))

    with anyio.fail_after(1):
        await anext(other)

    for requests in [*flood, other]:
        with pytest.raises(StopAsyncIteration):
            await anext(requests)
