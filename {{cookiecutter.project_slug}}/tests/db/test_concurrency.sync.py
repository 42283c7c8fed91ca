"""Two requests racing for the same name: the database decides, the client gets a 409.

Unlike the rest of the suite, this test needs real commits from two connections at once,
so it runs on a database of its own, emptied when it ends.
"""

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI, status
from fastapi.testclient import TestClient
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session, sessionmaker

from app.core.db import Base, create_db_engine, get_session

from app.{{ cookiecutter.resource_plural }}.models import {{ cookiecutter.__resource_class }}
from app.{{ cookiecutter.resource_plural }}.owner import OWNER_DEPENDENCIES, Owner
from tests.database import create_database_if_missing, database_url_for_tests


@pytest.fixture
def committing_sessions(tmp_path: Path) -> Iterator[sessionmaker[Session]]:
    url = database_url_for_tests("concurrency")
    if url.get_backend_name() == "sqlite":
        url = url.set(database=str(tmp_path / "concurrency.db"))
    create_database_if_missing(url)
    engine = create_db_engine(url)
    Base.metadata.drop_all(engine)
    Base.metadata.create_all(engine)
    yield sessionmaker(engine, expire_on_commit=False)
    Base.metadata.drop_all(engine)
    engine.dispose()


@pytest.fixture
def racing_app(
    app: FastAPI,
    committing_sessions: sessionmaker[Session],
    add_owner: Callable[[Session], Owner],
) -> Iterator[FastAPI]:
    with committing_sessions.begin() as session:
        owner = add_owner(session)
    for dependency in OWNER_DEPENDENCIES:
        app.dependency_overrides[dependency] = lambda: owner

    def session_per_request() -> Iterator[Session]:
        with committing_sessions.begin() as session:
            yield session

    app.dependency_overrides[get_session] = session_per_request
    yield app
    del app.dependency_overrides[get_session]
    for dependency in OWNER_DEPENDENCIES:
        del app.dependency_overrides[dependency]


def test_two_requests_racing_for_one_name_get_one_201_and_one_409(
    racing_app: FastAPI, committing_sessions: sessionmaker[Session]
) -> None:
    # Both requests wait for each other just before inserting, so neither can finish
    # before the other has started: the unique constraint has to settle it.
    both_ready = threading.Barrier(2, timeout=10)
    event.listen(committing_sessions, "before_flush", lambda *_: both_ready.wait())
    client = TestClient(racing_app)
    url = racing_app.url_path_for("list_{{ cookiecutter.resource_plural }}")

    def create(_: Any) -> int:
        return client.post(url, json={"name": "contested"}).status_code

    with ThreadPoolExecutor(max_workers=2) as pool:
        statuses = sorted(pool.map(create, range(2)))

    assert statuses == [status.HTTP_201_CREATED, status.HTTP_409_CONFLICT]
    with committing_sessions() as session:
        count = select(func.count()).select_from({{ cookiecutter.__resource_class }})
        assert session.scalar(count) == 1
