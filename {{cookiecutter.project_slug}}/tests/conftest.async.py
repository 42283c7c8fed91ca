"""Fixtures every test can ask for by name: a database, a session, clients, users.

Each test runs inside a transaction that is rolled back at its end, so tests never see
one another's data and the schema is built once per run, not once per test.
"""

from collections.abc import AsyncIterator, Iterator

import pytest
from fastapi import FastAPI
from httpx2 import ASGITransport, AsyncClient
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession
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
async def engine() -> AsyncIterator[AsyncEngine]:
    url = database_url_for_tests()
    if is_in_memory(url):
        # One shared connection, or every checkout would open a new, empty database.
        engine = create_db_engine(url, poolclass=StaticPool)
    else:
        await create_database_if_missing(url)
        engine = create_db_engine(url)
    async with engine.begin() as connection:
        await connection.run_sync(rebuild_schema)
    yield engine
    await engine.dispose()


@pytest.fixture
async def connection(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """The test's connection, inside an outer transaction that is always rolled back."""
    async with engine.connect() as connection:
        transaction = await connection.begin()
        yield connection
        await transaction.rollback()


def joined_session(connection: AsyncConnection) -> AsyncSession:
    # The session joins the test's transaction through a SAVEPOINT ("create_savepoint"):
    # a commit() or rollback() in the code under test ends that savepoint and starts the
    # next one, never the outer transaction, so whatever the test wrote is gone at its end.
    return AsyncSession(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )


@pytest.fixture
async def db_session(
    connection: AsyncConnection,
    request: pytest.FixtureRequest,
) -> AsyncIterator[AsyncSession]:
    """The test's own session: the factories write through it, assertions read through it."""
    session = joined_session(connection)
    factories.bind(session)
    factories.reseed(request.node.nodeid)
    yield session
    factories.bind(None)
    await session.close()


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


@pytest.fixture
async def client(
    app: FastAPI,
    connection: AsyncConnection,
    db_session: AsyncSession,  # binds the factories, so tests can make rows for the requests
) -> AsyncIterator[AsyncClient]:
    async def session_for_request() -> AsyncIterator[AsyncSession]:
        # As in production, every request gets a session of its own: nothing it loads is
        # shared with the test's db_session or the next request, so a stale object shows
        # up here as it would in the service. Ended as the real get_session ends its own:
        # committed on success, rolled back on error.
        async with committing(joined_session(connection)) as session:
            yield session

    app.dependency_overrides[get_session] = session_for_request
    async with AsyncClient(transport=ASGITransport(app=app), base_url="http://test") as client:
        yield client
    del app.dependency_overrides[get_session]
{%- if cookiecutter.auth == "yes" %}


@pytest.fixture
async def user(db_session: AsyncSession) -> User:  # the session the factory binds to
    created: User = await factories.UserFactory()
    return created


@pytest.fixture
def auth_headers(user: User) -> dict[str, str]:
    token = security.create_access_token(user.id, get_settings())
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
async def authorized_client(
    app: FastAPI,
    client: AsyncClient,  # installs the session override both clients share
    auth_headers: dict[str, str],
) -> AsyncIterator[AsyncClient]:
    transport = ASGITransport(app=app)
    async with AsyncClient(transport=transport, base_url="http://test", headers=auth_headers) as c:
        yield c


@pytest.fixture
def signed_in_client(app: FastAPI, client: AsyncClient, user: User) -> Iterator[AsyncClient]:
    """A client whose every request is made as `user`, with no token at all.

    For tests about what a signed-in user can do rather than how they signed in:
    overriding get_current_user skips token handling entirely.
    """
    app.dependency_overrides[get_current_user] = lambda: user
    yield client
    del app.dependency_overrides[get_current_user]
{%- endif %}
