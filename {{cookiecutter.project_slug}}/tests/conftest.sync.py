"""Fixtures every test can ask for by name: a database, a session, clients. The plugins in
`pytest_plugins` add the rest: whose rows the tests work with (tests/accounts.py with
accounts, else tests/everyone.py) and the fixtures of each optional service.

Each test runs against a real database, as the service does: every request gets a session
and a connection of its own from the service's own engine, and commits for real; the test's
db_session is a second connection beside them. So whatever the code under test or the test
does (commit, rollback, begin_nested, requests from several threads at once) behaves as it
would in production. When the test ends, every row is deleted; the schema is built once
per run (and per pytest-xdist worker, on a database of the worker's own).
"""

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from httpx2 import Client
from sqlalchemy import Engine, event
from sqlalchemy.orm import Session

from app.core.db import Database, create_db_engine, get_database
from app.main import app as service_app

from tests import factories
from tests.database import (
    commit_without_waiting_for_the_disk,
    create_database_if_missing,
    create_test_session_engine,
    database_url_for_tests,
    delete_every_row,
    rebuild_schema,
    unusable_url_reason,
)
from tests.transport import app_client

pytest_plugins = [{{ cookiecutter.__test_plugins }}]


def pytest_configure(config: pytest.Config) -> None:
    """Stops the run before any test, in one line, when no engine can be made of
    TEST_DATABASE_URL (see tests.database.unusable_url_reason)."""
    reason = unusable_url_reason()
    if reason:
        raise pytest.UsageError(reason)


@pytest.fixture
def anyio_backend() -> str:
    """What anyio's pytest plugin runs `pytest.mark.anyio` tests on: asyncio, as uvicorn does.
    Sync mode's coroutine tests (get_session, the fault probes) are marked so in their modules.

    https://anyio.readthedocs.io/en/stable/testing.html#specifying-the-backends-to-run-on
    """
    return "asyncio"


@pytest.fixture(scope="session")
def engine() -> Iterator[Engine]:
    """The engine every request's session comes from, configured as the service configures
    its own (pool; on SQLite, one connection and the write lock taken up front), on the test
    database. The schema is built here, once per run."""
    url = database_url_for_tests()
    create_database_if_missing(url)
    engine = create_db_engine(url)
    commit_without_waiting_for_the_disk(engine)
    with engine.begin() as connection:
        rebuild_schema(connection)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def test_session_engine(engine: Engine) -> Iterator[Engine]:
    """The engine of the test's own session: see tests.database.create_test_session_engine."""
    test_engine = create_test_session_engine(engine.url)
    commit_without_waiting_for_the_disk(test_engine)
    yield test_engine
    test_engine.dispose()


@pytest.fixture
def empty_database_after_the_test(engine: Engine, test_session_engine: Engine) -> Iterator[None]:
    """Deletes every row when the test ends, if anything was committed while it ran, on
    any engine: the requests', the test session's, or one the test made itself.

    Tests see one another's data only if this fixture is skipped: every fixture that writes
    (db_session, client) asks for it, so it is torn down after them, when their sessions
    and requests are over. A test that commits through `engine` alone asks for it by name.
    """
    committed: list[object] = []

    def note_the_commit(connection: object) -> None:
        committed.append(connection)

    event.listen(Engine, "commit", note_the_commit)  # every engine, as a class-level listener
    yield
    event.remove(Engine, "commit", note_the_commit)
    if committed:
        with test_session_engine.begin() as connection:
            delete_every_row(connection)


@pytest.fixture
def db_session(
    test_session_engine: Engine, empty_database_after_the_test: None, request: pytest.FixtureRequest
) -> Iterator[Session]:
    """The test's own session, on a connection beside the requests' ones: the factories
    write through it (and commit), assertions read through it.

    It sees each commit of a request as soon as the request has returned. Objects it
    already holds are not reloaded by that: `db_session.refresh(obj)` (or `expire_all()`)
    reads them again, as in any second session.
    """
    with Session(test_session_engine, expire_on_commit=False) as session:
        factories.bind(session)
        factories.reseed(request.node.nodeid)
        yield session
        factories.bind(None)


@pytest.fixture(scope="session")
def app() -> FastAPI:
    return service_app


@pytest.fixture(autouse=True)
def no_override_outlives_its_test() -> Iterator[None]:
    """Every fixture that overrides a dependency removes its override when its test ends;
    one left behind would change what the next test runs against, and only sometimes."""
    yield
    left = dict(service_app.dependency_overrides)
    service_app.dependency_overrides.clear()
    # By name: an lru_cache'd dependency (get_settings) reprs as a functools object.
    names = [getattr(dependency, "__qualname__", repr(dependency)) for dependency in left]
    assert not left, (
        f"dependency overrides left behind: {names}; a function-scoped fixture that sets one"
        " removes it after its yield (a wider scope would lose it after the first test)"
    )


@pytest.fixture
def client(
    app: FastAPI,
    engine: Engine,
    db_session: Session,  # binds the factories, so tests can make rows for the requests
) -> Iterator[Client]:
    """An HTTP client of the service whose requests go to the test database.

    Only the database is replaced (the get_database dependency); each request then gets
    its session from the service's own get_session, committed or rolled back as in
    production. Requests may run at once from several threads, each on a connection of its
    own, as they would in the service.

    Requests that run at once still reach the database one after another unless something
    holds them: to make two meet inside it (two inserts racing for one name), see
    tests/db/test_concurrency.py, which stops both just before they write.
    """
    database = Database(engine)

    async def test_database() -> Database:
        return database

    app.dependency_overrides[get_database] = test_database
    with app_client(app) as client:
        yield client
    del app.dependency_overrides[get_database]
