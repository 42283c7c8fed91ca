"""The production session dependency keeps its promise: commit on success, roll back on error,
and no writes from a request that only reads."""

{% if cookiecutter.mode == "async" -%}
import asyncio
{% else -%}
import time
{% endif -%}
from collections.abc import Callable
from typing import Any

import pytest
from fastapi import Request, status
from httpx2 import ASGITransport, AsyncClient
{%- if cookiecutter.mode == "async" %}
from sqlalchemy import delete, event, func, insert, select{{ ", text" if cookiecutter.database == "postgresql" else "" }}, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
{%- else %}
from sqlalchemy import Engine, delete, event, func, insert, select{{ ", text" if cookiecutter.database == "postgresql" else "" }}, update
from sqlalchemy.orm import Session, sessionmaker
{%- endif %}
from starlette.types import Message

from app.core import db
from app.core.deadline import NOTHING_CHANGED
from app.core.reads import SAFE_METHODS, ReadingSession, ReadOnlySessionError
from app.main import app, create_app

from app.{{ cookiecutter.resource_plural }}.models import {{ cookiecutter.__resource_class }}
from app.{{ cookiecutter.resource_plural }}.owner import Owner
from tests.probing import BOUNDS, PROBE, every_connection_returned, service_with_sessions_on
{%- if cookiecutter.mode == "sync" %}

# get_session is a coroutine in both modes (see app.core.db): anyio's plugin runs these tests.
pytestmark = pytest.mark.anyio
{%- endif %}


def request(method: str) -> Request:
    return Request({"type": "http", "method": method, "headers": []})


# Every method a route of the service answers (from its schema: app.routes nests included
# routers), and the safe ones whether routed or not.
METHODS = sorted(
    SAFE_METHODS.union(*(map(str.upper, ops) for ops in app.openapi()["paths"].values()))
)


async def test_get_session_commits_after_success_and_rolls_back_after_an_error(
    engine: {{ cookiecutter.__engine }}, db_session: {{ cookiecutter.__session }}, owner: Owner
) -> None:
    database = db.Database(engine)

    succeeding = db.get_session(database, request("POST"))
    session = await anext(succeeding)
    session.add(owner.claim({{ cookiecutter.__resource_class }}(name="kept")))
    with pytest.raises(StopAsyncIteration):
        await anext(succeeding)

    failing = db.get_session(database, request("POST"))
    session = await anext(failing)
    session.add(owner.claim({{ cookiecutter.__resource_class }}(name="dropped")))
    with pytest.raises(RuntimeError):
        await failing.athrow(RuntimeError("the handler failed"))

    names = {{ cookiecutter.__await }}db_session.scalars(select({{ cookiecutter.__resource_class }}.name))
    assert list(names) == ["kept"]


async def test_the_session_commits_before_the_response_is_sent(
    engine: {{ cookiecutter.__engine }},
) -> None:
    # SessionDep's scope="function": a client that reads right after a 201 finds the row.
    # With the default scope the commit would come after the response had gone out.
    happened: list[str] = []

    class RecordingSession(ReadingSession):
        pass

    event.listen(RecordingSession, "after_commit", lambda _session: happened.append("commit"))
    database = db.Database(engine)
{%- if cookiecutter.mode == "async" %}
    database.reading_sessions = async_sessionmaker(engine, sync_session_class=RecordingSession)
{%- else %}
    database.reading_sessions = sessionmaker(engine, class_=RecordingSession)
{%- endif %}

    async def recording_database() -> db.Database:
        return database

    service = create_app()

    @service.get("/reads")
    {{ cookiecutter.__async }}def reads(session: db.SessionDep) -> None:
        {{ cookiecutter.__await }}session.execute(select(1))

    service.dependency_overrides[db.get_database] = recording_database

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        if message["type"] == "http.response.start":
            happened.append(f"response {message['status']}")

    path = "/reads"
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }
    await service(scope, receive, send)

    assert happened == ["commit", "response 200"]


@pytest.mark.parametrize("method", METHODS)
async def test_only_requests_that_may_write_can_write(
    engine: {{ cookiecutter.__engine }},
    db_session: {{ cookiecutter.__session }},
    owner: Owner,
    method: str,
) -> None:
    # A handler that adds a row and returns: get_session's commit flushes it, or refuses to.
    requests = db.get_session(db.Database(engine), request(method))
    session = await anext(requests)
    session.add(owner.claim({{ cookiecutter.__resource_class }}(name=method)))
    if method in SAFE_METHODS:
        with pytest.raises(ReadOnlySessionError, match=f"a {method} request"):
            await anext(requests)
    else:
        with pytest.raises(StopAsyncIteration):
            await anext(requests)

    names = {{ cookiecutter.__await }}db_session.scalars(select({{ cookiecutter.__resource_class }}.name))
    assert list(names) == ([] if method in SAFE_METHODS else [method])


@pytest.mark.parametrize("method", sorted(SAFE_METHODS))
@pytest.mark.parametrize(
    "statement",
    [
        pytest.param(lambda model: insert(model).values(name="added"), id="insert"),
        pytest.param(lambda model: update(model).values(name="changed"), id="update"),
        pytest.param(delete, id="delete"),
    ],
)
async def test_a_reading_session_refuses_statements_that_write(
    engine: {{ cookiecutter.__engine }},
    db_session: {{ cookiecutter.__session }},
    owner: Owner,
    method: str,
    statement: Callable[[type[{{ cookiecutter.__resource_class }}]], Any],
) -> None:
    db_session.add(owner.claim({{ cookiecutter.__resource_class }}(name="kept")))
    {{ cookiecutter.__await }}db_session.commit()
    writes = statement({{ cookiecutter.__resource_class }})

    requests = db.get_session(db.Database(engine), request(method))
    session = await anext(requests)
    with pytest.raises(ReadOnlySessionError, match=f"a {method} request"):
        {{ cookiecutter.__await }}session.execute(writes)
    with pytest.raises(StopAsyncIteration):
        await anext(requests)

    names = {{ cookiecutter.__await }}db_session.scalars(select({{ cookiecutter.__resource_class }}.name))
    assert list(names) == ["kept"]
{%- if cookiecutter.database == "postgresql" %}


@pytest.mark.parametrize("method", METHODS)
{{ cookiecutter.__async }}def test_only_writing_requests_get_a_transaction(engine: {{ cookiecutter.__engine }}, method: str) -> None:
    # transaction_timestamp() is when the statement's transaction began: two statements
    # share it only inside one transaction. A read's statements each commit on their own.
    began = set()
    {{ cookiecutter.__async }}with db.Database(engine).session(method) as session:
        for _ in range(2):
            query = text("SELECT transaction_timestamp() FROM pg_sleep(0.001)")
            began.add({{ cookiecutter.__await }}session.scalar(query))

    assert len(began) == (2 if method in SAFE_METHODS else 1)
{%- endif %}


async def test_a_write_held_past_its_deadline_answers_503_and_is_rolled_back(
    engine: {{ cookiecutter.__engine }}, db_session: {{ cookiecutter.__session }}, owner: Owner
) -> None:
    held = BOUNDS.request_timeout * 2
    service = service_with_sessions_on(engine)

    @service.post(PROBE)
    {{ cookiecutter.__async }}def slow_write(session: db.SessionDep) -> None:
        session.add(owner.claim({{ cookiecutter.__resource_class }}(name="late")))
        {{ cookiecutter.__await }}session.flush()
        {{ "await asyncio.sleep(held)" if cookiecutter.mode == "async" else "time.sleep(held)  # in its worker thread" }}

    async with AsyncClient(transport=ASGITransport(app=service), base_url="http://t") as client:
        response = await client.post(PROBE)
    # Sync mode leaves the late work to finish: its session ends once the sleep is over.
    assert await every_connection_returned(engine, seconds=held + 10)

    assert response.status_code == status.HTTP_503_SERVICE_UNAVAILABLE
    assert response.json() == {"detail": NOTHING_CHANGED}
    rows = select(func.count()).select_from({{ cookiecutter.__resource_class }})
    assert {{ cookiecutter.__await }}db_session.scalar(rows) == 0
