"""Requests racing for one row: the database decides, and each client gets the answer it
would get alone (a 409 for a name taken first, a 404 for a row deleted first).

Unlike the rest of the suite, this test needs real commits from two connections at once,
so it runs on a database of its own, emptied when it ends.
"""

import functools
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

from app.core.db import Base, Database, create_db_engine, get_database, get_session

from app.{{ cookiecutter.resource_plural }} import dependencies
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


@pytest.fixture
def served_as_deployed(
    app: FastAPI,
    committing_sessions: sessionmaker[Session],
    add_owner: Callable[[Session], Owner],
) -> Iterator[Owner]:
    """The app on the test's own database with the service's own sessions (Database: on
    SQLite, a write takes the lock when it begins), every request acting as one Owner,
    which it gives."""
    with committing_sessions.begin() as session:
        owner = add_owner(session)
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
    app: FastAPI, committing_sessions: sessionmaker[Session]
) -> Iterator[None]:
    """Two requests at once that load a {{ cookiecutter.resource_name }} by id both have it before either goes
    on, where the database has row locks. SQLite lets one write transaction in at a time:
    there the second loads after the first commits, and nothing can hold both at once."""
    load = dependencies.get_{{ cookiecutter.resource_name }}_or_404
    sqlite = committing_sessions.kw["bind"].dialect.name == "sqlite"
    both_have_read = threading.Barrier(1 if sqlite else 2, timeout=10)

    @functools.wraps(load)  # FastAPI reads the parameters of `load` through __wrapped__
    def load_then_wait(**parameters: Any) -> {{ cookiecutter.__resource_class }}:
        found = load(**parameters)
        both_have_read.wait()
        return found

    app.dependency_overrides[load] = load_then_wait
    yield
    del app.dependency_overrides[load]


def add_row(sessions: sessionmaker[Session], owner: Owner) -> {{ cookiecutter.__resource_class }}:
    with sessions.begin() as session:
        row = owner.claim({{ cookiecutter.__resource_class }}(name="original", description="old"))
        session.add(row)
    return row


@pytest.mark.usefixtures("each_has_read_before_either_writes")
def test_two_deletes_of_one_row_at_once_get_one_204_and_one_404(
    app: FastAPI,
    served_as_deployed: Owner,
    committing_sessions: sessionmaker[Session],
) -> None:
    row = add_row(committing_sessions, served_as_deployed)
    url = app.url_path_for("read_{{ cookiecutter.resource_name }}", {{ cookiecutter.resource_name }}_id=str(row.id))
    client = TestClient(app)

    with ThreadPoolExecutor(max_workers=2) as pool:
        statuses = sorted(pool.map(lambda _: client.delete(url).status_code, range(2)))

    assert statuses == [status.HTTP_204_NO_CONTENT, status.HTTP_404_NOT_FOUND]


@pytest.mark.usefixtures("each_has_read_before_either_writes")
def test_two_patches_of_one_row_at_once_each_answer_a_state_it_committed(
    app: FastAPI,
    served_as_deployed: Owner,
    committing_sessions: sessionmaker[Session],
) -> None:
    row = add_row(committing_sessions, served_as_deployed)
    url = app.url_path_for("read_{{ cookiecutter.resource_name }}", {{ cookiecutter.resource_name }}_id=str(row.id))
    changes = [{"name": "renamed"}, {"description": "described"}]
    client = TestClient(app)

    with ThreadPoolExecutor(max_workers=2) as pool:
        responses = list(pool.map(lambda body: client.patch(url, json=body), changes))

    answered = [(answer.json()["name"], answer.json()["description"]) for answer in responses]
    # One went first and answered its own change alone; the other answered both, as stored.
    both = ("renamed", "described")
    assert sorted(answered) in (
        sorted([("renamed", "old"), both]),
        sorted([("original", "described"), both]),
    )
    with committing_sessions() as session:
        stored = session.get({{ cookiecutter.__resource_class }}, row.id)
        assert stored is not None
        assert (stored.name, stored.description) == both
