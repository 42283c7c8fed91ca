"""A database that fails answers 503 with Retry-After within the bounds in settings, and
what the service logs about it holds no statement's values."""

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from fastapi import status
{{ cookiecutter.__client_import }}
{%- if cookiecutter.mode == "async" %}
from sqlalchemy import Connection, event
from sqlalchemy.ext.asyncio import AsyncEngine
{%- else %}
from sqlalchemy import Connection, Engine, event
{%- endif %}

from app.core.db import create_db_engine, driver_timeouts
from app.main import app

from tests.database import database_url_for_tests
from tests.probing import (
    BOUNDS,
    PROBE,
    SLACK,
    assert_unavailable,
    service_with_sessions_on,
    timed_get,
)
{%- if cookiecutter.mode == "sync" %}

# The probe's requests are awaited in both modes; anyio's plugin runs that test.
pytestmark = pytest.mark.anyio
{%- endif %}


@contextmanager
def inserts_fail(engine: {{ cookiecutter.__engine }}) -> Iterator[None]:
    """Every INSERT on `engine` fails as the driver fails when the disk or the server
    does (its own OperationalError), with the statement's values in SQLAlchemy's hands."""
    target = engine{% if cookiecutter.mode == "async" %}.sync_engine{% endif %}

    def fail(connection: Connection, *_args: Any) -> None:
        statement = _args[1]
        if statement.lstrip().upper().startswith("INSERT"):
            raise connection.dialect.loaded_dbapi.OperationalError("injected failure")

    event.listen(target, "before_cursor_execute", fail)
    try:
        yield
    finally:
        event.remove(target, "before_cursor_execute", fail)


{{ cookiecutter.__async }}def test_a_failed_write_answers_503_and_logs_none_of_its_values(
    {{ cookiecutter.__api_client }}: {{ cookiecutter.__client }}, engine: {{ cookiecutter.__engine }}, caplog: pytest.LogCaptureFixture
) -> None:
    name = "a-name-that-must-stay-out-of-the-logs"
    body = {"name": name, "description": "private-description-text"}

    with caplog.at_level(logging.DEBUG), inserts_fail(engine):
        url = app.url_path_for("create_{{ cookiecutter.resource_name }}")
        response = {{ cookiecutter.__await }}{{ cookiecutter.__api_client }}.post(url, json=body)

    assert_unavailable(response)
    formatter = logging.Formatter()
    logged = "\n".join(
        record.getMessage()
        + (formatter.formatException(record.exc_info) if record.exc_info else "")
        for record in caplog.records
    )
    assert "injected failure" in logged  # the traceback is logged, less the values
    assert name not in logged
    assert body["description"] not in logged


async def test_a_request_that_finds_no_free_connection_gets_503_within_the_pool_timeout() -> None:
    engine = create_db_engine(
        database_url_for_tests(),
        pool_size=1,
        max_overflow=0,
        pool_timeout=BOUNDS.database_pool_timeout,
        connect_args=driver_timeouts(BOUNDS),
    )
    # A deadline past the pool's bound and its slack: the 503 must come from the pool.
    app = service_with_sessions_on(engine, BOUNDS.model_copy(update={"request_timeout": 2 * SLACK}))

    # A first request while the connection is free: what an app does once (building its
    # middleware stack, starting a worker thread) stays out of the time measured next.
    before, _ = await timed_get(app, PROBE)
    held = {{ cookiecutter.__await }}engine.connect()  # the pool's only connection
    response, took = await timed_get(app, PROBE)
    {{ cookiecutter.__await }}held.close()
    after, _ = await timed_get(app, PROBE)
    {{ cookiecutter.__await }}engine.dispose()

    assert before.status_code == status.HTTP_200_OK
    assert_unavailable(response)
    assert took < BOUNDS.database_pool_timeout + SLACK
    assert after.status_code == status.HTTP_200_OK


async def test_readiness_answers_200_while_the_requests_pool_has_no_connection_free(
    engine: {{ cookiecutter.__engine }},  # the test database, created
) -> None:
    busy = create_db_engine(
        engine.url,
        pool_size=1,
        max_overflow=0,
        pool_timeout=BOUNDS.database_pool_timeout,
        connect_args=driver_timeouts(BOUNDS),
    )
    app = service_with_sessions_on(busy)
    held = {{ cookiecutter.__await }}busy.connect()  # the pool's only connection

    ready, took = await timed_get(app, "/health/ready")
    request, _ = await timed_get(app, PROBE)
    {{ cookiecutter.__await }}held.close()
    {{ cookiecutter.__await }}busy.dispose()

    assert_unavailable(request)  # a request finds the pool full, and waits its bound
    assert ready.status_code == status.HTTP_200_OK  # the database answers all the same
    assert took < BOUNDS.readiness_timeout + SLACK
