{%- set model = cookiecutter.__resource_class -%}
{%- set name = cookiecutter.resource_name -%}
{%- set parent = cookiecutter.parent_name -%}
{%- set pc = cookiecutter.__parent_class -%}
{%- set client = cookiecutter.__client -%}
{%- set aw = cookiecutter.__await -%}
"""Who may see and change {{ cookiecutter.resource_plural }}: {% if parent %}the owner of their
{{ parent }}{% else %}their owner{% endif %}, and nobody else."""

import uuid

import pytest
from fastapi import status
{{ cookiecutter.__client_import }}
from sqlalchemy import select
{{ cookiecutter.__session_import }}

{% filter import_order %}
from app.main import app
from app.{{ cookiecutter.resource_plural }}.models import {{ model }}
from app.users.models import User
{% if parent %}from {{ cookiecutter.__parent_factories }} import {{ pc }}Factory{% endif %}
from tests.factories import UserFactory
from tests.factories_{{ cookiecutter.resource_plural }} import {{ model }}Factory
{% endfilter %}

{% if parent -%}
SOMEONES = {"{{ parent }}_id": str(uuid.UUID(int=1))}
COLLECTION = app.url_path_for("list_{{ cookiecutter.resource_plural }}", **SOMEONES)
ONE = app.url_path_for(
    "read_{{ name }}",
    **SOMEONES,
    {{ name }}_id=str(uuid.UUID(int=2)),
)
{%- else -%}
COLLECTION = app.url_path_for("list_{{ cookiecutter.resource_plural }}")
ONE = app.url_path_for(
    "read_{{ name }}",
    {{ name }}_id=str(uuid.UUID(int=1)),
)
{%- endif %}


@pytest.mark.parametrize(
    ("method", "url"),
    [("GET", COLLECTION), ("POST", COLLECTION), ("GET", ONE), ("PATCH", ONE), ("DELETE", ONE)],
)
{{ cookiecutter.__async }}def test_every_{{ name }}_endpoint_refuses_a_request_without_a_token(
    client: {{ client }},
    method: str,
    url: str,
) -> None:
    response = {{ aw }}client.request(method, url, json={"name": "x"})

    assert response.status_code == status.HTTP_401_UNAUTHORIZED
    assert response.headers["WWW-Authenticate"] == "Bearer"
{%- if parent %}


@pytest.mark.parametrize("method", ["GET", "POST"])
{{ cookiecutter.__async }}def test_the_{{ cookiecutter.resource_plural }}_of_another_users_{{ parent }}_answer_404(
    authorized_client: {{ client }},
    method: str,
) -> None:
    theirs = {{ aw }}{{ pc }}Factory(owner={{ aw }}UserFactory())
    url = app.url_path_for(
        "list_{{ cookiecutter.resource_plural }}",
        {{ parent }}_id=str(theirs.id),
    )

    response = {{ aw }}authorized_client.request(method, url, json={"name": "mine now"})

    assert response.status_code == status.HTTP_404_NOT_FOUND
{%- else %}


{{ cookiecutter.__async }}def test_listing_{{ cookiecutter.resource_plural }}_shows_only_the_callers_own(
    authorized_client: {{ client }},
    user: User,
) -> None:
    mine = {{ aw }}{{ model }}Factory(owner=user)
    {{ aw }}{{ model }}Factory(owner={{ aw }}UserFactory())

    response = {{ aw }}authorized_client.get(COLLECTION)

    assert [row["id"] for row in response.json()["items"]] == [str(mine.id)]
    assert response.json()["total"] == 1
{%- endif %}


@pytest.mark.parametrize("method", ["GET", "PATCH", "DELETE"])
{{ cookiecutter.__async }}def test_another_users_{{ name }}_answers_404_and_stays_unchanged(
    authorized_client: {{ client }},
    db_session: {{ cookiecutter.__session }},
    user: User,
    method: str,
) -> None:
    # Made after `user`, so the signed-in user is not the owner{% if parent %} of its {{ parent }}{% endif %}.
    theirs = {{ aw }}{{ model }}Factory(name="theirs")
    url = app.url_path_for(
        "read_{{ name }}",
{%- if parent %}
        {{ parent }}_id=str(theirs.{{ parent }}_id),
{%- endif %}
        {{ name }}_id=str(theirs.id),
    )

    response = {{ aw }}authorized_client.request(method, url, json={"name": "mine now"})

    assert response.status_code == status.HTTP_404_NOT_FOUND
    # From the database, not from the object in memory: a deleted row reads as None.
    stored = select({{ model }}.name).where({{ model }}.id == theirs.id)
    assert {{ aw }}db_session.scalar(stored) == "theirs"
