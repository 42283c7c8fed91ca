"""Who may see and change {{ cookiecutter.resource_name|with_article }}: its owner, and nobody else."""

import re
import uuid
from collections.abc import Iterator

import pytest
from fastapi import status
{{ cookiecutter.__client_import }}
from sqlalchemy import func, select
{{ cookiecutter.__session_import }}

from app.core import security
from app.core.config import get_settings
from app.main import app
from app.users.models import User

from app.{{ cookiecutter.resource_plural }}.models import {{ cookiecutter.__resource_class }}
from app.{{ cookiecutter.resource_plural }}.owner import Owner, current_owner
from tests import factories
from tests.factories import {{ cookiecutter.__resource_class }}Factory

COLLECTION = app.url_path_for("list_{{ cookiecutter.resource_plural }}")
ONE = app.url_path_for("read_{{ cookiecutter.resource_name }}", {{ cookiecutter.resource_name }}_id=str(uuid.UUID(int=1)))
# Every operation on one {{ cookiecutter.resource_name }} by id, drawn from the app's schema: the ones whose
# dependency checks the account in the query that loads the {{ cookiecutter.resource_name }}.
BY_ID = sorted(
    (method.upper(), path)
    for path, operations in app.openapi()["paths"].items()
    if "{{ cookiecutter.__id_path }}" in path
    for method in operations
)


def filled(path: str, {{ cookiecutter.resource_name }}_id: uuid.UUID) -> str:
    """`path` with this id for its {{ cookiecutter.resource_name }}, and a new one for any other parameter (a
    resource added under it)."""
    path = path.replace("{{ cookiecutter.__id_path }}", str({{ cookiecutter.resource_name }}_id))
    return re.sub(r"\{\w+\}", lambda _: str(uuid.uuid4()), path)


@pytest.mark.parametrize(
    ("method", "url"),
    [("GET", COLLECTION), ("POST", COLLECTION), ("GET", ONE), ("PATCH", ONE), ("DELETE", ONE)],
)
{{ cookiecutter.__async }}def test_every_endpoint_refuses_a_request_without_a_token(
    client: {{ cookiecutter.__client }}, method: str, url: str
) -> None:
    response = {{ cookiecutter.__await }}client.request(method, url, json={"name": "x"})

    assert response.status_code == status.HTTP_401_UNAUTHORIZED
    assert response.headers["WWW-Authenticate"] == "Bearer"


{{ cookiecutter.__async }}def test_listing_shows_only_the_callers_own(
    authorized_client: {{ cookiecutter.__client }},
    user: User,
) -> None:
    mine = {{ cookiecutter.__await }}{{ cookiecutter.__resource_class }}Factory(owner=user)
    {{ cookiecutter.__await }}{{ cookiecutter.__resource_class }}Factory()  # its SubFactory makes it an owner of its own

    response = {{ cookiecutter.__await }}authorized_client.get(COLLECTION)

    assert [row["id"] for row in response.json()["items"]] == [str(mine.id)]
    assert response.json()["total"] == 1


@pytest.mark.parametrize("method", ["GET", "PATCH", "DELETE"])
{{ cookiecutter.__async }}def test_another_users_{{ cookiecutter.resource_name }}_answers_404_and_stays_unchanged(
    authorized_client: {{ cookiecutter.__client }}, db_session: {{ cookiecutter.__session }}, method: str
) -> None:
    theirs = {{ cookiecutter.__await }}{{ cookiecutter.__resource_class }}Factory(name="theirs")
    url = app.url_path_for("read_{{ cookiecutter.resource_name }}", {{ cookiecutter.resource_name }}_id=str(theirs.id))

    response = {{ cookiecutter.__await }}authorized_client.request(method, url, json={"name": "mine now"})

    assert response.status_code == status.HTTP_404_NOT_FOUND
    # From the database, not from the object in memory: a deleted row reads as None.
    stored = select({{ cookiecutter.__resource_class }}.name).where({{ cookiecutter.__resource_class }}.id == theirs.id)
    assert {{ cookiecutter.__await }}db_session.scalar(stored) == "theirs"


{{ cookiecutter.__async }}def test_two_users_may_use_the_same_name(authorized_client: {{ cookiecutter.__client }}) -> None:
    {{ cookiecutter.__await }}{{ cookiecutter.__resource_class }}Factory(name="groceries")

    response = {{ cookiecutter.__await }}authorized_client.post(COLLECTION, json={"name": "groceries"})

    assert response.status_code == status.HTTP_201_CREATED


{{ cookiecutter.__async }}def test_a_user_signed_in_by_override_works_on_their_own(
    signed_in_client: {{ cookiecutter.__client }}, user: User
) -> None:
    # No token anywhere: the signed_in_client fixture overrides get_token_user_id.
    {{ cookiecutter.__await }}{{ cookiecutter.__resource_class }}Factory(owner=user)

    response = {{ cookiecutter.__await }}signed_in_client.get(COLLECTION)

    assert response.status_code == status.HTTP_200_OK
    assert response.json()["total"] == 1


{{ cookiecutter.__async }}def test_{{ cookiecutter.resource_name|with_article("_") }}_its_owner_has_read_is_a_404_for_anyone_else(
    authorized_client: {{ cookiecutter.__client }},
    client: {{ cookiecutter.__client }},
    user: User,
) -> None:
    # The owner's read comes first: whatever it keeps (a cache entry, say) must not serve others.
    mine = {{ cookiecutter.__await }}{{ cookiecutter.__resource_class }}Factory(owner=user)
    url = app.url_path_for("read_{{ cookiecutter.resource_name }}", {{ cookiecutter.resource_name }}_id=str(mine.id))
    {{ cookiecutter.__await }}authorized_client.get(url)
    someone_else = {{ cookiecutter.__await }}factories.UserFactory()
    token = security.create_access_token(someone_else.id, get_settings())

    response = {{ cookiecutter.__await }}client.get(url, headers={"Authorization": f"Bearer {token}"})

    assert response.status_code == status.HTTP_404_NOT_FOUND


@pytest.mark.parametrize(("method", "path"), BY_ID)
@pytest.mark.parametrize("exists", [True, False], ids=["own", "missing"])
{{ cookiecutter.__async }}def test_an_inactive_accounts_token_answers_401_before_any_404(
    client: {{ cookiecutter.__client }}, method: str, path: str, exists: bool
) -> None:
    inactive = {{ cookiecutter.__await }}factories.UserFactory(inactive=True)
    own = {{ cookiecutter.__await }}{{ cookiecutter.__resource_class }}Factory(owner=inactive)
    url = filled(path, own.id if exists else uuid.uuid4())
    token = security.create_access_token(inactive.id, get_settings())

    response = {{ cookiecutter.__await }}client.request(
        method, url, json={"name": "x"}, headers={"Authorization": f"Bearer {token}"}
    )

    assert response.status_code == status.HTTP_401_UNAUTHORIZED
    assert response.headers["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize(("method", "path"), BY_ID)
{{ cookiecutter.__async }}def test_a_token_for_an_account_that_does_not_exist_answers_401(
    client: {{ cookiecutter.__client }}, method: str, path: str
) -> None:
    # A validly signed token whose account was deleted, or never was.
    token = security.create_access_token(uuid.uuid4(), get_settings())
    url = filled(path, uuid.uuid4())

    response = {{ cookiecutter.__await }}client.request(
        method, url, json={"name": "x"}, headers={"Authorization": f"Bearer {token}"}
    )

    assert response.status_code == status.HTTP_401_UNAUTHORIZED


@pytest.mark.parametrize("account", ["inactive", "missing"])
{{ cookiecutter.__async }}def test_a_create_with_an_inactive_or_missing_accounts_token_answers_401_and_inserts_nothing(
    client: {{ cookiecutter.__client }}, db_session: {{ cookiecutter.__session }}, account: str
) -> None:
    inactive = {{ cookiecutter.__await }}factories.UserFactory(inactive=True)
    user_id = inactive.id if account == "inactive" else uuid.uuid4()
    token = security.create_access_token(user_id, get_settings())

    response = {{ cookiecutter.__await }}client.post(
        COLLECTION, json={"name": "x"}, headers={"Authorization": f"Bearer {token}"}
    )

    assert response.status_code == status.HTTP_401_UNAUTHORIZED
    assert response.headers["WWW-Authenticate"] == "Bearer"
    count = select(func.count()).select_from({{ cookiecutter.__resource_class }})
    assert {{ cookiecutter.__await }}db_session.scalar(count) == 0


{{ cookiecutter.__async }}def test_a_create_is_the_callers_own_and_a_taken_name_answers_409(
    authorized_client: {{ cookiecutter.__client }}, db_session: {{ cookiecutter.__session }}, user: User
) -> None:
    created = {{ cookiecutter.__await }}authorized_client.post(COLLECTION, json={"name": "x"})
    again = {{ cookiecutter.__await }}authorized_client.post(COLLECTION, json={"name": "x"})

    assert created.status_code == status.HTTP_201_CREATED
    assert again.status_code == status.HTTP_409_CONFLICT
    stored = {{ cookiecutter.__await }}db_session.get({{ cookiecutter.__resource_class }}, uuid.UUID(created.json()["id"]))
    assert stored is not None
    assert stored.owner_id == user.id


@pytest.fixture
def account_deleted_after_its_check() -> Iterator[Owner]:
    """The Owner of an account that passed the create's check (OwnerDep) and was deleted
    before the INSERT, as by another request committed in between; the override is removed
    when the test ends."""
    gone = Owner(uuid.uuid4())
    app.dependency_overrides[current_owner] = lambda: gone
    yield gone
    del app.dependency_overrides[current_owner]


{{ cookiecutter.__async }}def test_a_create_whose_account_is_deleted_meanwhile_answers_401_not_409(
    client: {{ cookiecutter.__client }}, db_session: {{ cookiecutter.__session }}, account_deleted_after_its_check: Owner
) -> None:
    response = {{ cookiecutter.__await }}client.post(COLLECTION, json={"name": "x"})

    # Its foreign key failed, not its name: the answer is the account's, as for a stale token.
    assert response.status_code == status.HTTP_401_UNAUTHORIZED
    assert response.headers["WWW-Authenticate"] == "Bearer"
    count = select(func.count()).select_from({{ cookiecutter.__resource_class }})
    assert {{ cookiecutter.__await }}db_session.scalar(count) == 0
