"""Requests racing for one row: the database decides, and each client gets the answer it
would get alone (a 409 for a name taken first, a 404 for a row deleted first).

Unlike the rest of the suite, this test needs real commits from two connections at once,
so it runs on a database of its own, emptied when it ends.
"""

import asyncio
import functools
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI, status
from httpx2 import ASGITransport, AsyncClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.core.db import Base, Database, create_db_engine, get_database, get_session

from app.{{ cookiecutter.resource_plural }} import dependencies
from app.{{ cookiecutter.resource_plural }}.models import {{ cookiecutter.__resource_class }}
from app.{{ cookiecutter.resource_plural }}.owner import OWNER_DEPENDENCIES, Owner
from tests.database import create_database_if_missing, database_url_for_tests


@pytest.fixture
async def committing_sessions(tmp_path: Path) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    url = database_url_for_tests("concurrency")
    if url.get_backend_name() == "sqlite":
        url = url.set(database=str(tmp_path / "concurrency.db"))
    await create_database_if_missing(url)
    engine = create_db_engine(url)
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.drop_all)
        await connection.run_sync(Base.metadata.create_all)
    yield async_sessionmaker(engine, expire_on_commit=False)
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.drop_all)
    await engine.dispose()


@pytest.fixture
async def racing_app(
    app: FastAPI,
    committing_sessions: async_sessionmaker[AsyncSession],
    add_owner: Callable[[AsyncSession], Awaitable[Owner]],
) -> AsyncIterator[FastAPI]:
    async with committing_sessions.begin() as session:
        owner = await add_owner(session)
    for dependency in OWNER_DEPENDENCIES:
        app.dependency_overrides[dependency] = lambda: owner

    async def session_per_request() -> AsyncIterator[AsyncSession]:
        async with committing_sessions.begin() as session:
            yield session

    app.dependency_overrides[get_session] = session_per_request
    yield app
    del app.dependency_overrides[get_session]
    for dependency in OWNER_DEPENDENCIES:
        del app.dependency_overrides[dependency]


async def test_two_requests_racing_for_one_name_get_one_201_and_one_409(
    racing_app: FastAPI, committing_sessions: async_sessionmaker[AsyncSession]
) -> None:
    url = racing_app.url_path_for("list_{{ cookiecutter.resource_plural }}")
    transport = ASGITransport(app=racing_app)

    async with AsyncClient(transport=transport, base_url="http://test") as client:
        # Both are in flight at once: each waits on the database, not on the other.
        responses = await asyncio.gather(
            *(client.post(url, json={"name": "contested"}) for _ in range(2))
        )

    statuses = sorted(response.status_code for response in responses)
    assert statuses == [status.HTTP_201_CREATED, status.HTTP_409_CONFLICT]
    async with committing_sessions() as session:
        count = select(func.count()).select_from({{ cookiecutter.__resource_class }})
        assert await session.scalar(count) == 1


@pytest.fixture
async def served_as_deployed(
    app: FastAPI,
    committing_sessions: async_sessionmaker[AsyncSession],
    add_owner: Callable[[AsyncSession], Awaitable[Owner]],
) -> AsyncIterator[Owner]:
    """The app on the test's own database with the service's own sessions (Database: on
    SQLite, a write takes the lock when it begins), every request acting as one Owner,
    which it gives."""
    async with committing_sessions.begin() as session:
        owner = await add_owner(session)
    served = Database(committing_sessions.kw["bind"])
    app.dependency_overrides[get_database] = lambda: served
    for dependency in OWNER_DEPENDENCIES:
        app.dependency_overrides[dependency] = lambda: owner
    yield owner
    del app.dependency_overrides[get_database]
    for dependency in OWNER_DEPENDENCIES:
        del app.dependency_overrides[dependency]


@pytest.fixture
def each_has_read_before_either_writes(
    app: FastAPI, committing_sessions: async_sessionmaker[AsyncSession]
) -> Iterator[None]:
    """Two requests at once that load a {{ cookiecutter.resource_name }} by id both have it before either goes
    on, where the database has row locks. SQLite lets one write transaction in at a time:
    there the second loads after the first commits, and nothing can hold both at once."""
    load = dependencies.get_{{ cookiecutter.resource_name }}_or_404
    sqlite = committing_sessions.kw["bind"].dialect.name == "sqlite"
    both_have_read = asyncio.Barrier(1 if sqlite else 2)

    @functools.wraps(load)  # FastAPI reads the parameters of `load` through __wrapped__
    async def load_then_wait(**parameters: Any) -> {{ cookiecutter.__resource_class }}:
        found = await load(**parameters)
        async with asyncio.timeout(10):
            await both_have_read.wait()
        return found

    app.dependency_overrides[load] = load_then_wait
    yield
    del app.dependency_overrides[load]


async def add_row(sessions: async_sessionmaker[AsyncSession], owner: Owner) -> {{ cookiecutter.__resource_class }}:
    async with sessions.begin() as session:
        row = owner.claim({{ cookiecutter.__resource_class }}(name="original", description="old"))
        session.add(row)
    return row


@pytest.mark.usefixtures("each_has_read_before_either_writes")
async def test_two_deletes_of_one_row_at_once_get_one_204_and_one_404(
    app: FastAPI,
    served_as_deployed: Owner,
    committing_sessions: async_sessionmaker[AsyncSession],
) -> None:
    row = await add_row(committing_sessions, served_as_deployed)
    url = app.url_path_for("read_{{ cookiecutter.resource_name }}", {{ cookiecutter.resource_name }}_id=str(row.id))

    async with AsyncClient(transport=ASGITransport(app=app), base_url="http://test") as client:
        responses = await asyncio.gather(client.delete(url), client.delete(url))

    statuses = sorted(response.status_code for response in responses)
    assert statuses == [status.HTTP_204_NO_CONTENT, status.HTTP_404_NOT_FOUND]


@pytest.mark.usefixtures("each_has_read_before_either_writes")
async def test_two_patches_of_one_row_at_once_each_answer_a_state_it_committed(
    app: FastAPI,
    served_as_deployed: Owner,
    committing_sessions: async_sessionmaker[AsyncSession],
) -> None:
    row = await add_row(committing_sessions, served_as_deployed)
    url = app.url_path_for("read_{{ cookiecutter.resource_name }}", {{ cookiecutter.resource_name }}_id=str(row.id))
    changes = [{"name": "renamed"}, {"description": "described"}]

    async with AsyncClient(transport=ASGITransport(app=app), base_url="http://test") as client:
        responses = await asyncio.gather(*(client.patch(url, json=body) for body in changes))

    answered = [(answer.json()["name"], answer.json()["description"]) for answer in responses]
    # One went first and answered its own change alone; the other answered both, as stored.
    both = ("renamed", "described")
    assert sorted(answered) in (
        sorted([("renamed", "old"), both]),
        sorted([("original", "described"), both]),
    )
    async with committing_sessions() as session:
        stored = await session.get({{ cookiecutter.__resource_class }}, row.id)
        assert stored is not None
        assert (stored.name, stored.description) == both
