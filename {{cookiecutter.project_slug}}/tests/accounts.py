"""The accounts the tests act as, and whose rows they work with: the signed-in `user`'s.

A pytest plugin (conftest's `pytest_plugins`): `user`, the clients that act for it
(`authorized_client` with a real token, `signed_in_client` without one), and, for
accounts, the ownership fixtures every bake has: `owner`, `add_owner` and
`make_{{ cookiecutter.resource_name }}`.
"""

from collections.abc import {{ "AsyncIterator, Awaitable, " if cookiecutter.mode == "async" }}Callable, Iterator
from typing import Any

import pytest
from fastapi import FastAPI
{{ cookiecutter.__client_import }}
{{ cookiecutter.__session_import }}

from app.auth.dependencies import get_token_user_id
from app.core import security
from app.core.config import get_settings
from app.users.models import User

from app.{{ cookiecutter.resource_plural }}.owner import Owner
from tests import factories
from tests.transport import app_client


@pytest.fixture(scope="session", autouse=True)
def cheap_password_hashing() -> Iterator[None]:
    # Argon2 is slow on purpose (about 50 ms a hash with production settings). Tests hash
    # passwords to check behaviour, not strength: the cheapest parameters keep the whole
    # suite fast while exercising the same code path.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(security, "password_hash", factories.CHEAP_PASSWORD_HASH)
        yield


@pytest.fixture
{{ cookiecutter.__async }}def user(db_session: {{ cookiecutter.__session }}) -> User:  # the session the factory binds to
    created: User = {{ cookiecutter.__await }}factories.UserFactory()
    return created


@pytest.fixture
def auth_headers(user: User) -> dict[str, str]:
    token = security.create_access_token(user.id, get_settings())
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
{{ cookiecutter.__async }}def authorized_client(
    app: FastAPI,
    client: {{ cookiecutter.__client }},  # installs the session override both clients share
    auth_headers: dict[str, str],
) -> {{ cookiecutter.__iterator }}[{{ cookiecutter.__client }}]:
    {{ cookiecutter.__async }}with app_client(app, headers=auth_headers) as authorized:
        yield authorized


@pytest.fixture
def signed_in_client(app: FastAPI, client: {{ cookiecutter.__client }}, user: User) -> Iterator[{{ cookiecutter.__client }}]:
    """A client whose every request is made as `user`, with no token at all.

    For tests about what a signed-in user can do rather than how they signed in: overriding
    get_token_user_id skips token handling entirely, while the account is still loaded and
    checked (that it exists and is active) as in production.
    """
    app.dependency_overrides[get_token_user_id] = lambda: user.id
    yield client
    del app.dependency_overrides[get_token_user_id]


@pytest.fixture
def make_{{ cookiecutter.resource_name }}(user: User) -> Callable[..., Any]:
    """Creates {{ cookiecutter.resource_plural }} owned by `user`, the account the API clients act for:
    `make_{{ cookiecutter.resource_name }}(**fields)` calls {{ cookiecutter.__resource_class }}Factory with those fields{{ "\n    (await what it returns)" if cookiecutter.mode == "async" }}.

    A factory as a fixture: https://docs.pytest.org/en/stable/how-to/fixtures.html#factories-as-fixtures
    """

    def make(**fields: Any) -> Any:
        return factories.{{ cookiecutter.__resource_class }}Factory(owner=user, **fields)

    return make


@pytest.fixture
def owner(user: User) -> Owner:
    """Whose {{ cookiecutter.resource_plural }} the service reads and writes: `user`'s, as for the API clients."""
    return Owner(user.id)


@pytest.fixture
def add_owner() -> Callable[[{{ cookiecutter.__session }}], {{ "Awaitable[Owner]" if cookiecutter.mode == "async" else "Owner" }}]:
    """Adds an account through `session` and gives its Owner: for a test on a database of its
    own, which `user` is not in."""

    {{ cookiecutter.__async }}def add(session: {{ cookiecutter.__session }}) -> Owner:
        account = User(email="owner@example.com", hashed_password=factories.TEST_PASSWORD_HASH)
        session.add(account)
        {{ cookiecutter.__await }}session.flush()
        return Owner(account.id)

    return add
