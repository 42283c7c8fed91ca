"""Fixtures every test can ask for by name: a database, a session, clients, users.

Each test runs inside a transaction that is rolled back at its end, so tests never see
one another's data and the schema is built once per run, not once per test.
"""

from collections.abc import AsyncIterator, Iterator

import pytest
from fastapi import FastAPI
from httpx2 import Client
from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session
from sqlalchemy.pool import StaticPool

{% if cookiecutter.auth == "yes" -%}
from app.auth.dependencies import get_current_user
from app.core import security
from app.core.config import get_settings
{% endif -%}
from app.core.db import committing, create_db_engine, get_session
from app.main import app as service_app
{% if cookiecutter.auth == "yes" -%}
from app.users.models import User
{% endif -%}
from tests import factories
from tests.database import (
    create_database_if_missing,
    database_url_for_tests,
    is_in_memory,
    rebuild_schema,
)
from tests.transport import SameThreadASGITransport

pytest_plugins = ["tests.contract_selection"]
{%- if cookiecutter.auth == "yes" %}


@pytest.fixture(scope="session", autouse=True)
def cheap_password_hashing() -> Iterator[None]:
    # Argon2 is slow on purpose (about 50 ms a hash with production settings). Tests hash
    # passwords to check behaviour, not strength: the cheapest parameters keep the whole
    # suite fast while exercising the same code path.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(security, "password_hash", factories.CHEAP_PASSWORD_HASH)
        yield
{%- endif %}


@pytest.fixture(scope="session")
def engine() -> Iterator[Engine]:
    url = database_url_for_tests()
    if is_in_memory(url):
        # One shared connection, or every checkout would open a new, empty database;
        # FastAPI runs sync endpoints on worker threads, hence check_same_thread.
        engine = create_db_engine(
            url,
            poolclass=StaticPool,
            connect_args={"check_same_thread": False},
        )
    else:
        create_database_if_missing(url)
        engine = create_db_engine(url)
    with engine.begin() as connection:
        rebuild_schema(connection)
    yield engine
    engine.dispose()


@pytest.fixture
def connection(engine: Engine) -> Iterator[Connection]:
    """The test's connection, inside an outer transaction that is always rolled back."""
    with engine.connect() as connection:
        transaction = connection.begin()
        yield connection
        transaction.rollback()


def joined_session(connection: Connection) -> Session:
    # The session joins the test's transaction through a SAVEPOINT ("create_savepoint"):
    # a commit() or rollback() in the code under test ends that savepoint and starts the
    # next one, never the outer transaction, so whatever the test wrote is gone at its end.
    return Session(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )


@pytest.fixture
def db_session(
    connection: Connection,
    request: pytest.FixtureRequest,
) -> Iterator[Session]:
    """The test's own session: the factories write through it, assertions read through it."""
    session = joined_session(connection)
    factories.bind(session)
    factories.reseed(request.node.nodeid)
    yield session
    factories.bind(None)
    session.close()


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
    assert not left, f"dependency overrides left behind: {list(left)}"


def app_client(app: FastAPI, headers: dict[str, str] | None = None) -> Client:
    # An httpx client like TestClient, on a transport that skips its thread hand-offs.
    return Client(
        transport=SameThreadASGITransport(app),
        base_url="http://testserver",
        headers=headers,
    )


@pytest.fixture
def client(
    app: FastAPI,
    connection: Connection,
    db_session: Session,  # binds the factories, so tests can make rows for the requests
) -> Iterator[Client]:
    async def session_for_request() -> AsyncIterator[Session]:
        # As in production, every request gets a session of its own: nothing it loads is
        # shared with the test's db_session or the next request, so a stale object shows
        # up here as it would in the service. Ended as the real get_session ends its own:
        # committed on success, rolled back on error.
        async with committing(joined_session(connection)) as session:
            yield session

    app.dependency_overrides[get_session] = session_for_request
    with app_client(app) as client:
        yield client
    del app.dependency_overrides[get_session]
{%- if cookiecutter.auth == "yes" %}


@pytest.fixture
def user(db_session: Session) -> User:  # the session the factory binds to
    return factories.UserFactory()


@pytest.fixture
def auth_headers(user: User) -> dict[str, str]:
    token = security.create_access_token(user.id, get_settings())
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def authorized_client(
    app: FastAPI,
    client: Client,  # installs the session override both clients share
    auth_headers: dict[str, str],
) -> Iterator[Client]:
    with app_client(app, headers=auth_headers) as authorized:
        yield authorized


@pytest.fixture
def signed_in_client(app: FastAPI, client: Client, user: User) -> Iterator[Client]:
    """A client whose every request is made as `user`, with no token at all.

    For tests about what a signed-in user can do rather than how they signed in:
    overriding get_current_user skips token handling entirely.
    """
    app.dependency_overrides[get_current_user] = lambda: user
    yield client
    del app.dependency_overrides[get_current_user]
{%- endif %}
