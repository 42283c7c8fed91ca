"""Two requests racing for the same name: the database decides, the client gets a 409.

Unlike the rest of the suite, this test needs real commits from two connections at once,
so it runs on a database of its own, emptied when it ends.
"""

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest
from fastapi import FastAPI, status
from httpx2 import ASGITransport, AsyncClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.core.db import Base, create_db_engine, get_session

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
