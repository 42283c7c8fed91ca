{%- set model = cookiecutter.__resource_class -%}
{%- set name = cookiecutter.resource_name -%}
{%- set upper = cookiecutter.__resource_upper -%}
{%- set parent = cookiecutter.parent_name -%}
{%- set pc = cookiecutter.__parent_class -%}
{%- set api = cookiecutter.__api_client -%}
{%- set client = cookiecutter.__client -%}
{%- set aw = cookiecutter.__await -%}
"""The {{ cookiecutter.resource_plural }} API: every answer it gives, the errors included."""

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from fastapi import status
{{ cookiecutter.__client_import }}

{% filter import_order %}
from app.main import app
{% if parent %}from app.{{ cookiecutter.parent_plural }}.models import {{ pc }}
from app.{{ cookiecutter.parent_plural }}.service import {{ cookiecutter.__parent_upper }}_NOT_FOUND{% endif %}
from app.{{ cookiecutter.resource_plural }}.models import NAME_MAX_LENGTH
from app.{{ cookiecutter.resource_plural }}.router import MAX_PAGE_SIZE
from app.{{ cookiecutter.resource_plural }}.service import (
    {{ upper }}_ALREADY_EXISTS,
    {{ upper }}_NOT_FOUND,
)
{% if cookiecutter.auth == "yes" %}from app.users.models import User{% endif %}
{% if parent %}from {{ cookiecutter.__parent_factories }} import {{ pc }}Factory{% endif %}
from tests.factories_{{ cookiecutter.resource_plural }} import {{ model }}Factory
{% endfilter %}
{%- if parent %}


@pytest.fixture
{{ cookiecutter.__async }}def {{ parent }}({% if cookiecutter.auth == "yes" %}user: User{% else %}db_session: object{% endif %}) -> {{ pc }}:
    """The {{ parent }} the test's {{ cookiecutter.resource_plural }} belong to{% if cookiecutter.auth == "yes" %} (the signed-in user's){% endif %}."""
    created: {{ pc }} = {{ aw }}{{ pc }}Factory({% if cookiecutter.auth == "yes" %}owner=user{% endif %})
    return created
{%- endif %}


@pytest.fixture
def collection({% if parent %}{{ parent }}: {{ pc }}{% endif %}) -> str:
    """The URL of the {{ cookiecutter.resource_plural }}{% if parent %} of the test's {{ parent }}{% endif %}."""
{%- if parent %}
    return app.url_path_for(
        "list_{{ cookiecutter.resource_plural }}",
        {{ parent }}_id=str({{ parent }}.id),
    )
{%- else %}
    return app.url_path_for("list_{{ cookiecutter.resource_plural }}")
{%- endif %}


@pytest.fixture
def one({% if parent %}{{ parent }}: {{ pc }}{% endif %}) -> Callable[[object], str]:
    """The URL of the {{ name }} with a given id{% if parent %}, in the test's {{ parent }}{% endif %}."""

    def url(id_: object) -> str:
        return app.url_path_for(
            "read_{{ name }}",
{%- if parent %}
            {{ parent }}_id=str({{ parent }}.id),
{%- endif %}
            {{ name }}_id=str(id_),
        )

    return url


@pytest.fixture
def mine({% if parent %}{{ parent }}: {{ pc }}{% elif cookiecutter.auth == "yes" %}user: User{% endif %}) -> dict[str, Any]:
    """What makes a {{ name }} one the test's requests see: {% if parent %}its {{ parent }}{% elif cookiecutter.auth == "yes" %}its owner{% else %}nothing{% endif %}."""
    return {% if parent %}{"{{ parent }}": {{ parent }}}{% elif cookiecutter.auth == "yes" %}{"owner": user}{% else %}{}{% endif %}


{{ cookiecutter.__async }}def test_creating_returns_201_with_the_new_{{ name }}(
    {{ api }}: {{ client }},
    collection: str,
) -> None:
    body = {"name": "groceries", "description": "milk, eggs"}

    response = {{ aw }}{{ api }}.post(collection, json=body)

    assert response.status_code == status.HTTP_201_CREATED
    created = response.json()
    assert (created["name"], created["description"]) == ("groceries", "milk, eggs")
    assert uuid.UUID(created["id"])


{{ cookiecutter.__async }}def test_a_created_{{ name }}_can_be_read_back(
    {{ api }}: {{ client }},
    collection: str,
    one: Callable[[object], str],
) -> None:
    created = ({{ aw }}{{ api }}.post(collection, json={"name": "groceries"})).json()

    response = {{ aw }}{{ api }}.get(one(created["id"]))

    assert response.status_code == status.HTTP_200_OK
    assert response.json() == created


{{ cookiecutter.__async }}def test_creating_a_duplicate_{{ name }}_name_returns_409(
    {{ api }}: {{ client }},
    collection: str,
) -> None:
    {{ aw }}{{ api }}.post(collection, json={"name": "groceries"})

    response = {{ aw }}{{ api }}.post(collection, json={"name": "groceries"})

    assert response.status_code == status.HTTP_409_CONFLICT
    assert response.json() == {"detail": {{ upper }}_ALREADY_EXISTS}


@pytest.mark.parametrize(
    "body",
    [
        pytest.param({}, id="no-name"),
        pytest.param({"name": "   "}, id="blank-name"),
        pytest.param({"name": "x" * (NAME_MAX_LENGTH + 1)}, id="name-too-long"),
        pytest.param({"name": "a", "colour": "red"}, id="unknown-field"),
    ],
)
{{ cookiecutter.__async }}def test_creating_a_{{ name }}_with_an_invalid_body_returns_422(
    {{ api }}: {{ client }},
    collection: str,
    body: dict[str, Any],
) -> None:
    response = {{ aw }}{{ api }}.post(collection, json=body)

    assert response.status_code == status.HTTP_422_UNPROCESSABLE_CONTENT


{{ cookiecutter.__async }}def test_creating_a_{{ name }}_with_a_body_that_is_not_json_returns_422(
    {{ api }}: {{ client }},
    collection: str,
) -> None:
    response = {{ aw }}{{ api }}.post(
        collection,
        content=b"{not json",
        headers={"Content-Type": "application/json"},
    )

    assert response.status_code == status.HTTP_422_UNPROCESSABLE_CONTENT


{{ cookiecutter.__async }}def test_listing_{{ cookiecutter.resource_plural }}_pages_with_limit_and_offset(
    {{ api }}: {{ client }},
    collection: str,
    mine: dict[str, Any],
) -> None:
    made = {{ aw }}{{ model }}Factory.create_batch(3, **mine)

    response = {{ aw }}{{ api }}.get(collection, params={"limit": 2, "offset": 1})

    assert response.status_code == status.HTTP_200_OK
    page = response.json()
    assert [row["id"] for row in page["items"]] == [str(row.id) for row in made[1:]]
    assert (page["total"], page["limit"], page["offset"]) == (3, 2, 1)


@pytest.mark.parametrize(
    "params",
    [{"limit": 0}, {"limit": MAX_PAGE_SIZE + 1}, {"offset": -1}],
    ids=["limit-zero", "limit-too-big", "offset-negative"],
)
{{ cookiecutter.__async }}def test_listing_{{ cookiecutter.resource_plural }}_with_out_of_range_paging_returns_422(
    {{ api }}: {{ client }},
    collection: str,
    params: dict[str, int],
) -> None:
    response = {{ aw }}{{ api }}.get(collection, params=params)

    assert response.status_code == status.HTTP_422_UNPROCESSABLE_CONTENT


{{ cookiecutter.__async }}def test_reading_a_missing_{{ name }}_returns_404(
    {{ api }}: {{ client }},
    one: Callable[[object], str],
) -> None:
    response = {{ aw }}{{ api }}.get(one(uuid.uuid4()))

    assert response.status_code == status.HTTP_404_NOT_FOUND
    assert response.json() == {"detail": {{ upper }}_NOT_FOUND}


{{ cookiecutter.__async }}def test_reading_a_{{ name }}_with_a_malformed_id_returns_422(
    {{ api }}: {{ client }},
    one: Callable[[object], str],
) -> None:
    response = {{ aw }}{{ api }}.get(one("not-a-uuid"))

    assert response.status_code == status.HTTP_422_UNPROCESSABLE_CONTENT


{{ cookiecutter.__async }}def test_updating_a_{{ name }}_changes_only_the_fields_sent(
    {{ api }}: {{ client }},
    one: Callable[[object], str],
    mine: dict[str, Any],
) -> None:
    {{ name }} = {{ aw }}{{ model }}Factory(description="kept", **mine)

    response = {{ aw }}{{ api }}.patch(one({{ name }}.id), json={"name": "new"})

    assert response.status_code == status.HTTP_200_OK
    assert (response.json()["name"], response.json()["description"]) == ("new", "kept")


{{ cookiecutter.__async }}def test_updating_a_{{ name }}_to_a_name_already_taken_returns_409(
    {{ api }}: {{ client }},
    one: Callable[[object], str],
    mine: dict[str, Any],
) -> None:
    {{ aw }}{{ model }}Factory(name="taken", **mine)
    {{ name }} = {{ aw }}{{ model }}Factory(name="free", **mine)

    url = one({{ name }}.id)

    response = {{ aw }}{{ api }}.patch(url, json={"name": "taken"})

    assert response.status_code == status.HTTP_409_CONFLICT
    assert response.json() == {"detail": {{ upper }}_ALREADY_EXISTS}


@pytest.mark.parametrize(
    "body",
    [{"name": None}, {"name": ""}, {"colour": "red"}],
    ids=["null-name", "empty-name", "unknown-field"],
)
{{ cookiecutter.__async }}def test_updating_a_{{ name }}_with_an_invalid_body_returns_422(
    {{ api }}: {{ client }},
    one: Callable[[object], str],
    body: dict[str, Any],
    mine: dict[str, Any],
) -> None:
    {{ name }} = {{ aw }}{{ model }}Factory(**mine)

    response = {{ aw }}{{ api }}.patch(one({{ name }}.id), json=body)

    assert response.status_code == status.HTTP_422_UNPROCESSABLE_CONTENT


{{ cookiecutter.__async }}def test_updating_a_missing_{{ name }}_returns_404(
    {{ api }}: {{ client }},
    one: Callable[[object], str],
) -> None:
    response = {{ aw }}{{ api }}.patch(one(uuid.uuid4()), json={"name": "new"})

    assert response.status_code == status.HTTP_404_NOT_FOUND
    assert response.json() == {"detail": {{ upper }}_NOT_FOUND}


{{ cookiecutter.__async }}def test_deleting_returns_204_and_the_{{ name }}_is_gone(
    {{ api }}: {{ client }},
    one: Callable[[object], str],
    mine: dict[str, Any],
) -> None:
    {{ name }} = {{ aw }}{{ model }}Factory(**mine)

    response = {{ aw }}{{ api }}.delete(one({{ name }}.id))

    assert response.status_code == status.HTTP_204_NO_CONTENT
    gone = {{ aw }}{{ api }}.get(one({{ name }}.id))
    assert gone.status_code == status.HTTP_404_NOT_FOUND


{{ cookiecutter.__async }}def test_deleting_a_missing_{{ name }}_returns_404(
    {{ api }}: {{ client }},
    one: Callable[[object], str],
) -> None:
    response = {{ aw }}{{ api }}.delete(one(uuid.uuid4()))

    assert response.status_code == status.HTTP_404_NOT_FOUND
    assert response.json() == {"detail": {{ upper }}_NOT_FOUND}
{%- if parent %}


@pytest.mark.parametrize("method", ["GET", "POST"])
{{ cookiecutter.__async }}def test_{{ cookiecutter.resource_plural }}_of_a_missing_{{ parent }}_answer_404(
    {{ api }}: {{ client }},
    method: str,
) -> None:
    url = app.url_path_for(
        "list_{{ cookiecutter.resource_plural }}",
        {{ parent }}_id=str(uuid.uuid4()),
    )

    response = {{ aw }}{{ api }}.request(method, url, json={"name": "groceries"})

    assert response.status_code == status.HTTP_404_NOT_FOUND
    assert response.json() == {"detail": {{ cookiecutter.__parent_upper }}_NOT_FOUND}


{{ cookiecutter.__async }}def test_a_{{ name }}_is_found_only_under_its_own_{{ parent }}(
    {{ api }}: {{ client }},
    one: Callable[[object], str],
{%- if cookiecutter.auth == "yes" %}
    user: User,
{%- endif %}
) -> None:
    other = {{ aw }}{{ pc }}Factory({% if cookiecutter.auth == "yes" %}owner=user{% endif %})
    elsewhere = {{ aw }}{{ model }}Factory({{ parent }}=other)

    response = {{ aw }}{{ api }}.get(one(elsewhere.id))

    assert response.status_code == status.HTTP_404_NOT_FOUND
{%- endif %}
