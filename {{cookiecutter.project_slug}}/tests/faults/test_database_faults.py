"""The database fails as it does in production, for real: a connection killed during a
request, a database that stops answering. Each answers 503 with Retry-After within the
bounds in settings, and the service recovers by itself."""

{% if cookiecutter.mode == "async" or cookiecutter.database == "mysql" -%}
import asyncio
{% endif -%}
import time
from collections.abc import AsyncIterator, Iterator

import pytest
from fastapi import FastAPI, status
{%- if cookiecutter.mode == "async" %}
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
{%- else %}
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
{%- endif %}

from app.core.config import get_settings
from app.core.db import SessionDep, committing, create_db_engine, driver_timeouts, get_session

from tests.database import database_url_for_tests
from tests.faults.proxy import FreezableProxy
from tests.probing import (
    BOUNDS,
    PROBE,
    SLACK,
    assert_unavailable,
    every_connection_returned,
    service_with_sessions_on,
    timed_get,
)

# Per server: how to read a connection's id, how another connection ends it, the port.
ON_SERVER = {
    "postgresql": ("SELECT pg_backend_pid()", "SELECT pg_terminate_backend(:id)", 5432),
    "mysql": ("SELECT CONNECTION_ID()", "KILL :id", 3306),
}
CONNECTION_ID, KILL, DEFAULT_PORT = ON_SERVER[database_url_for_tests().get_backend_name()]
# Per server: a statement that takes :seconds unless a bound stops it. (MySQL's SLEEP()
# alone returns 1 when interrupted; as part of a larger query, the query fails.)
SLOW = {
    "postgresql": "SELECT pg_sleep(:seconds)",
    "mysql": "SELECT SLEEP(:seconds) FROM (SELECT 1 UNION ALL SELECT 2) AS two",
}[database_url_for_tests().get_backend_name()]
{%- if cookiecutter.mode == "sync" %}

# The requests are awaited in both modes; anyio's plugin runs these tests.
pytestmark = pytest.mark.anyio
{%- endif %}


@pytest.fixture
{{ cookiecutter.__async }}def fault_engine(engine: {{ cookiecutter.__engine }}) -> {{ cookiecutter.__iterator }}[{{ cookiecutter.__engine }}]:
    """An engine on the test database (which `engine` makes) with BOUNDS."""
    engine = create_db_engine(database_url_for_tests(), connect_args=driver_timeouts(BOUNDS))
    yield engine
    {{ cookiecutter.__await }}engine.dispose()


@pytest.fixture
def proxy() -> Iterator[FreezableProxy]:
    """A FreezableProxy in front of the test database's server, forwarding."""
    url = database_url_for_tests()
    with FreezableProxy((url.host or "127.0.0.1", url.port or DEFAULT_PORT)) as started:
        yield started


@pytest.fixture
{{ cookiecutter.__async }}def proxied_engine(engine: {{ cookiecutter.__engine }}, proxy: FreezableProxy) -> {{ cookiecutter.__iterator }}[{{ cookiecutter.__engine }}]:
    """An engine with BOUNDS on the test database (which `engine` makes), through `proxy`;
    the proxy forwards again before the engine is disposed."""
    through_proxy = database_url_for_tests().set(host="127.0.0.1", port=proxy.port)
    proxied = create_db_engine(through_proxy, connect_args=driver_timeouts(BOUNDS))
    yield proxied
    proxy.thaw()
    {{ cookiecutter.__await }}proxied.dispose()


async def test_a_connection_killed_during_a_request_answers_503_and_the_next_one_works(
    engine: {{ cookiecutter.__engine }}, fault_engine: {{ cookiecutter.__engine }}
) -> None:
    app = service_with_sessions_on(fault_engine)

    async def session_killed_once_connected() -> AsyncIterator[{{ cookiecutter.__session }}]:
        async with committing({{ cookiecutter.__session }}(fault_engine)) as session:
            victim = {{ cookiecutter.__await }}session.scalar(text(CONNECTION_ID))
            {{ cookiecutter.__async }}with engine.connect() as another:
                {{ cookiecutter.__await }}another.execute(text(KILL), {"id": victim})
            yield session

    app.dependency_overrides[get_session] = session_killed_once_connected
    during, _ = await timed_get(app, PROBE)
    del app.dependency_overrides[get_session]
    after, _ = await timed_get(app, PROBE)

    assert_unavailable(during)
    assert after.status_code == status.HTTP_200_OK


async def test_a_statement_past_its_bound_is_stopped_by_the_server_and_answers_503(
    fault_engine: {{ cookiecutter.__engine }},
) -> None:
    # DATABASE_STATEMENT_TIMEOUT is the server's own bound (app.core.db.driver_timeouts):
    # the request's deadline is set past it, so the 503 can only come from the statement's.
    app = service_with_sessions_on(fault_engine, BOUNDS.model_copy(update={"request_timeout": 30}))

    @app.get("/slow")
    {{ cookiecutter.__async }}def slow(session: SessionDep) -> None:
        {{ cookiecutter.__await }}session.execute(text(SLOW), {"seconds": 10})

    opened = await connection_ids(fault_engine, 3)
    stopped, took = await timed_get(app, "/slow")
    after, _ = await timed_get(app, PROBE)

    assert_unavailable(stopped)
    assert took < BOUNDS.database_statement_timeout + SLACK
    assert after.status_code == status.HTTP_200_OK
    # The server's error leaves the connection usable; a lost connection would have made
    # SQLAlchemy replace every one in the pool.
    assert await connection_ids(fault_engine, 3) == opened


async def connection_ids(engine: {{ cookiecutter.__engine }}, count: int) -> set[int]:
    """The server's ids of `count` connections taken from `engine`'s pool at once."""
    taken = [{{ cookiecutter.__await }}engine.connect() for _ in range(count)]
    ids = {({{ cookiecutter.__await }}connection.execute(text(CONNECTION_ID))).scalar_one() for connection in taken}
    for connection in taken:
        {{ cookiecutter.__await }}connection.close()
    return ids


async def test_after_a_database_restart_one_request_at_most_gets_a_503(
    engine: {{ cookiecutter.__engine }}, fault_engine: {{ cookiecutter.__engine }}
) -> None:
    # The pool is not pinged (app.core.db): the first dead connection taken fails its
    # request, and the pool then replaces every connection it had opened before. The
    # service's own bounds: BOUNDS' half-second deadline would fail a reconnection that a
    # busy machine slows, which is not what this test is about.
    app = service_with_sessions_on(fault_engine, get_settings())
    victims = await connection_ids(fault_engine, 3)  # back in the pool, open
    {{ cookiecutter.__async }}with engine.connect() as another:  # as a restart would
        for victim in victims:
            {{ cookiecutter.__await }}another.execute(text(KILL), {"id": victim})

    responses = [(await timed_get(app, PROBE))[0] for _ in range(5)]

    statuses = [response.status_code for response in responses]
    assert statuses[1:] == [status.HTTP_200_OK] * 4, statuses
    if statuses[0] != status.HTTP_200_OK:
        assert_unavailable(responses[0])


async def test_a_database_that_never_greets_fails_a_new_connection_within_its_bound(
    proxy: FreezableProxy, proxied_engine: {{ cookiecutter.__engine }}
) -> None:
    # A host that accepts the connection and then says nothing: DATABASE_CONNECT_TIMEOUT
    # bounds the server's greeting and the login too, not only the TCP connection.
    proxy.freeze()
    started = time.monotonic()
{%- if cookiecutter.mode == "async" %}
    # Cancelled past the bound, so that an unbounded wait fails the test, not hangs it.
    async with asyncio.timeout(BOUNDS.database_connect_timeout + SLACK):
        with pytest.raises((DBAPIError, OSError)):
            async with proxied_engine.connect():
                pass
{%- else %}
    with pytest.raises((DBAPIError, OSError)), proxied_engine.connect():
        pass
{%- endif %}
    took = time.monotonic() - started

    assert took < BOUNDS.database_connect_timeout + SLACK


async def test_a_database_that_stops_answering_gets_503s_within_their_bounds_and_recovers(
    proxy: FreezableProxy,
    proxied_engine: {{ cookiecutter.__engine }},
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The readiness route reads its bound from the service's settings, not the app's.
    monkeypatch.setattr(get_settings(), "readiness_timeout", BOUNDS.readiness_timeout)
    app = service_with_sessions_on(proxied_engine)
    assert await answers_200_within(app, seconds=15)  # a first connection, however slow

    proxy.freeze()
    ready, ready_took = await timed_get(app, "/health/ready")
    read, read_took = await timed_get(app, PROBE)
    proxy.thaw()
    recovered = await answers_200_within(app, seconds=15)
    # The work given up on (a worker thread's, in sync mode) ends its session and gives
    # its connection back, rather than leaving it to the garbage collector.
    returned = await every_connection_returned(proxied_engine, seconds=15)

    assert_unavailable(ready)
    assert ready_took < BOUNDS.readiness_timeout + SLACK
    assert_unavailable(read)
    bound = max(BOUNDS.database_statement_timeout, BOUNDS.request_timeout)
    assert read_took < bound + SLACK
    assert recovered
    assert returned


{% if cookiecutter.mode == "async" or cookiecutter.database == "mysql" %}async def test_requests_given_up_on_give_their_connections_back_while_the_database_is_silent(
    proxy: FreezableProxy, proxied_engine: {{ cookiecutter.__engine }}
) -> None:
    # Not only once the database answers again: a network that drops everything can last
    # for minutes, and connections held meanwhile would leave the next requests none.
{%- if cookiecutter.mode == "async" and cookiecutter.database == "mysql" %}
    # The deadline cancels the request's read, and SQLAlchemy closes its connection.
    held = 0.0
{%- else %}
    # The read ends at the driver's own timeout (app.core.db.driver_timeouts).
    held = driver_timeouts(BOUNDS)["{{ "command_timeout" if cookiecutter.database == "postgresql" else "read_timeout" }}"]
{%- endif %}
    app = service_with_sessions_on(proxied_engine)
    assert await answers_200_within(app, seconds=15)

    proxy.freeze()
    given_up = await asyncio.gather(*(timed_get(app, PROBE) for _ in range(4)))
    returned = await every_connection_returned(proxied_engine, seconds=held + SLACK)
    proxy.thaw()

    for response, _took in given_up:
        assert_unavailable(response)
    assert returned


{% endif %}async def answers_200_within(app: FastAPI, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if (await timed_get(app, "/health/ready"))[0].status_code == status.HTTP_200_OK:
            return True
    return False
