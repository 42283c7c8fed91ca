"""Who may see and change {{ cookiecutter.resource_plural }}: {% if cookiecutter.parent_name %}the owner of their
{{ cookiecutter.parent_name }}{% else %}their owner{% endif %}, and nobody else."""

import uuid
{%- if not cookiecutter.parent_name %}
from collections.abc import Iterator
{%- endif %}

import pytest
from fastapi import status
{{ cookiecutter.__client_import }}
from sqlalchemy import {% if not cookiecutter.parent_name %}func, {% endif %}select
{{ cookiecutter.__session_import }}

{% filter import_order %}
from app.core import security
from app.core.config import get_settings
from app.main import app
from app.{{ cookiecutter.resource_plural }}.models import {{ cookiecutter.__resource_class }}
{% if not cookiecutter.parent_name %}from app.{{ cookiecutter.resource_plural }}.owner import Owner, current_owner{% endif %}
from app.users.models import User
{% if cookiecutter.parent_name %}from {{ cookiecutter.__parent_factories }} import {{ cookiecutter.__parent_class }}Factory{% endif %}
from tests.factories import UserFactory
from tests.factories_{{ cookiecutter.resource_plural }} import {{ cookiecutter.__resource_class }}Factory
{% endfilter %}

{% if cookiecutter.parent_name -%}
SOMEONES = {"{{ cookiecutter.parent_name }}_id": str(uuid.UUID(int=1))}
COLLECTION = app.url_path_for("list_{{ cookiecutter.resource_plural }}", **SOMEONES)
ONE = app.url_path_for(
    "read_{{ cookiecutter.resource_name }}",
    **SOMEONES,
    {{ cookiecutter.resource_name }}_id=str(uuid.UUID(int=2)),
)
{%- else -%}
COLLECTION = app.url_path_for("list_{{ cookiecutter.resource_plural }}")
ONE = app.url_path_for(
    "read_{{ cookiecutter.resource_name }}",
    {{ cookiecutter.resource_name }}_id=str(uuid.UUID(int=1)),
)
{%- endif %}


@pytest.mark.parametrize(
    ("method", "url"),
    [("GET", COLLECTION), ("POST", COLLECTION), ("GET", ONE), ("PATCH", ONE), ("DELETE", ONE)],
)
{{ cookiecutter.__async }}def test_every_{{ cookiecutter.resource_name }}_endpoint_refuses_a_request_without_a_token(
    client: {{ cookiecutter.__client }},
    method: str,
    url: str,
) -> None:
    response = {{ cookiecutter.__await }}client.request(method, url, json={"name": "x"})

    assert response.status_code == status.HTTP_401_UNAUTHORIZED
    assert response.headers["WWW-Authenticate"] == "Bearer"
{%- if cookiecutter.parent_name %}


@pytest.mark.parametrize("method", ["GET", "POST"])
{{ cookiecutter.__async }}def test_the_{{ cookiecutter.resource_plural }}_of_another_users_{{ cookiecutter.parent_name }}_answer_404(
    authorized_client: {{ cookiecutter.__client }},
    method: str,
) -> None:
    theirs = {{ cookiecutter.__await }}{{ cookiecutter.__parent_class }}Factory(owner={{ cookiecutter.__await }}UserFactory())
    url = app.url_path_for(
        "list_{{ cookiecutter.resource_plural }}",
        {{ cookiecutter.parent_name }}_id=str(theirs.id),
    )

    response = {{ cookiecutter.__await }}authorized_client.request(method, url, json={"name": "mine now"})

    assert response.status_code == status.HTTP_404_NOT_FOUND
{%- else %}


{{ cookiecutter.__async }}def test_listing_{{ cookiecutter.resource_plural }}_shows_only_the_callers_own(
    authorized_client: {{ cookiecutter.__client }},
    user: User,
) -> None:
    mine = {{ cookiecutter.__await }}{{ cookiecutter.__resource_class }}Factory(owner=user)
    {{ cookiecutter.__await }}{{ cookiecutter.__resource_class }}Factory(owner={{ cookiecutter.__await }}UserFactory())

    response = {{ cookiecutter.__await }}authorized_client.get(COLLECTION)

    assert [row["id"] for row in response.json()["items"]] == [str(mine.id)]
    assert response.json()["total"] == 1
{%- endif %}


@pytest.mark.parametrize("method", ["GET", "PATCH", "DELETE"])
{{ cookiecutter.__async }}def test_another_users_{{ cookiecutter.resource_name }}_answers_404_and_stays_unchanged(
    authorized_client: {{ cookiecutter.__client }},
    db_session: {{ cookiecutter.__session }},
    user: User,
    method: str,
) -> None:
    # Made after `user`, so the signed-in user is not the owner{% if cookiecutter.parent_name %} of its {{ cookiecutter.parent_name }}{% endif %}.
    theirs = {{ cookiecutter.__await }}{{ cookiecutter.__resource_class }}Factory(name="theirs")
    url = app.url_path_for(
        "read_{{ cookiecutter.resource_name }}",
{%- if cookiecutter.parent_name %}
        {{ cookiecutter.parent_name }}_id=str(theirs.{{ cookiecutter.parent_name }}_id),
{%- endif %}
        {{ cookiecutter.resource_name }}_id=str(theirs.id),
    )

    response = {{ cookiecutter.__await }}authorized_client.request(method, url, json={"name": "mine now"})

    assert response.status_code == status.HTTP_404_NOT_FOUND
    # From the database, not from the object in memory: a deleted row reads as None.
    stored = select({{ cookiecutter.__resource_class }}.name).where({{ cookiecutter.__resource_class }}.id == theirs.id)
    assert {{ cookiecutter.__await }}db_session.scalar(stored) == "theirs"


@pytest.mark.parametrize("method", ["GET", "PATCH", "DELETE"])
@pytest.mark.parametrize("exists", [True, False], ids=["own", "missing"])
{{ cookiecutter.__async }}def test_an_inactive_accounts_token_answers_401_before_any_404(
    client: {{ cookiecutter.__client }},
    method: str,
    exists: bool,
) -> None:
    inactive = {{ cookiecutter.__await }}UserFactory(inactive=True)
{%- if cookiecutter.parent_name %}
    own = {{ cookiecutter.__await }}{{ cookiecutter.__resource_class }}Factory({{ cookiecutter.parent_name }}__owner=inactive)
{%- else %}
    own = {{ cookiecutter.__await }}{{ cookiecutter.__resource_class }}Factory(owner=inactive)
{%- endif %}
    url = app.url_path_for(
        "read_{{ cookiecutter.resource_name }}",
{%- if cookiecutter.parent_name %}
        {{ cookiecutter.parent_name }}_id=str(own.{{ cookiecutter.parent_name }}_id),
{%- endif %}
        {{ cookiecutter.resource_name }}_id=str(own.id if exists else uuid.uuid4()),
    )
    token = security.create_access_token(inactive.id, get_settings())

    response = {{ cookiecutter.__await }}client.request(
        method,
        url,
        json={"name": "x"},
        headers={"Authorization": f"Bearer {token}"},
    )

    assert response.status_code == status.HTTP_401_UNAUTHORIZED
{%- if not cookiecutter.parent_name %}


@pytest.mark.parametrize("account", ["inactive", "missing"])
{{ cookiecutter.__async }}def test_{{ cookiecutter.resource_name|with_article("_") }}_create_with_an_inactive_or_missing_accounts_token_answers_401(
    client: {{ cookiecutter.__client }},
    db_session: {{ cookiecutter.__session }},
    account: str,
) -> None:
    inactive = {{ cookiecutter.__await }}UserFactory(inactive=True)
    user_id = inactive.id if account == "inactive" else uuid.uuid4()
    token = security.create_access_token(user_id, get_settings())

    response = {{ cookiecutter.__await }}client.post(
        COLLECTION,
        json={"name": "x"},
        headers={"Authorization": f"Bearer {token}"},
    )

    assert response.status_code == status.HTTP_401_UNAUTHORIZED
    count = select(func.count()).select_from({{ cookiecutter.__resource_class }})
    assert {{ cookiecutter.__await }}db_session.scalar(count) == 0


{{ cookiecutter.__async }}def test_{{ cookiecutter.resource_name|with_article("_") }}_created_is_the_callers_own_and_a_taken_name_answers_409(
    authorized_client: {{ cookiecutter.__client }},
    db_session: {{ cookiecutter.__session }},
    user: User,
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


@pytest.mark.usefixtures("account_deleted_after_its_check")
{{ cookiecutter.__async }}def test_{{ cookiecutter.resource_name|with_article("_") }}_create_whose_account_is_deleted_meanwhile_answers_401_not_409(
    client: {{ cookiecutter.__client }},
    db_session: {{ cookiecutter.__session }},
) -> None:
    response = {{ cookiecutter.__await }}client.post(COLLECTION, json={"name": "x"})

    # Its foreign key failed, not its name: the answer is the account's, as for a stale token.
    assert response.status_code == status.HTTP_401_UNAUTHORIZED
    count = select(func.count()).select_from({{ cookiecutter.__resource_class }})
    assert {{ cookiecutter.__await }}db_session.scalar(count) == 0
{%- endif %}
