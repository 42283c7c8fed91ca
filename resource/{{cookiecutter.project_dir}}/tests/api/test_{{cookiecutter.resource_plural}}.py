"""The {{ cookiecutter.resource_plural }} API: every answer it gives, the errors included."""

import functools
{%- if cookiecutter.parent_name %}
import re
{%- endif %}
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
{%- if cookiecutter.parent_name %}
import sqlalchemy
{%- endif %}
from fastapi import status
{{ cookiecutter.__client_import }}
from sqlalchemy import delete{% if cookiecutter.parent_name %}, event{% endif %}

{% filter import_order %}
from app.main import app
{% if cookiecutter.parent_name %}from app.{{ cookiecutter.parent_plural }}.models import {{ cookiecutter.__parent_class }}
from app.{{ cookiecutter.parent_plural }}.service import {{ cookiecutter.__parent_upper }}_NOT_FOUND{% endif %}
from app.{{ cookiecutter.resource_plural }} import dependencies
from app.{{ cookiecutter.resource_plural }}.models import NAME_MAX_LENGTH, {{ cookiecutter.__resource_class }}
{% if cookiecutter.parent_name %}from app.{{ cookiecutter.resource_plural }}.owner import Owner, current_owner{% endif %}
from app.{{ cookiecutter.resource_plural }}.router import MAX_PAGE_SIZE
from app.{{ cookiecutter.resource_plural }}.service import (
    {{ cookiecutter.__resource_upper }}_ALREADY_EXISTS,
    {{ cookiecutter.__resource_upper }}_NOT_FOUND,
)
{% if cookiecutter.auth == "yes" %}from app.users.models import User{% endif %}
{% if cookiecutter.parent_name %}from {{ cookiecutter.__parent_factories }} import {{ cookiecutter.__parent_class }}Factory{% endif %}
from tests.factories_{{ cookiecutter.resource_plural }} import {{ cookiecutter.__resource_class }}Factory
{% endfilter %}
{%- if cookiecutter.parent_name %}


@pytest.fixture
{{ cookiecutter.__async }}def {{ cookiecutter.parent_name }}({% if cookiecutter.auth == "yes" %}user: User{% else %}db_session: object{% endif %}) -> {{ cookiecutter.__parent_class }}:
    """The {{ cookiecutter.parent_name }} the test's {{ cookiecutter.resource_plural }} belong to{% if cookiecutter.auth == "yes" %} (the signed-in user's){% endif %}."""
    created: {{ cookiecutter.__parent_class }} = {{ cookiecutter.__await }}{{ cookiecutter.__parent_class }}Factory({% if cookiecutter.auth == "yes" %}owner=user{% endif %})
    return created
{%- endif %}


@pytest.fixture
def collection({% if cookiecutter.parent_name %}{{ cookiecutter.parent_name }}: {{ cookiecutter.__parent_class }}{% endif %}) -> str:
    """The URL of the {{ cookiecutter.resource_plural }}{% if cookiecutter.parent_name %} of the test's {{ cookiecutter.parent_name }}{% endif %}."""
{%- if cookiecutter.parent_name %}
    return app.url_path_for(
        "list_{{ cookiecutter.resource_plural }}",
        {{ cookiecutter.parent_name }}_id=str({{ cookiecutter.parent_name }}.id),
    )
{%- else %}
    return app.url_path_for("list_{{ cookiecutter.resource_plural }}")
{%- endif %}


@pytest.fixture
def one({% if cookiecutter.parent_name %}{{ cookiecutter.parent_name }}: {{ cookiecutter.__parent_class }}{% endif %}) -> Callable[[object], str]:
    """The URL of the {{ cookiecutter.resource_name }} with a given id{% if cookiecutter.parent_name %}, in the test's {{ cookiecutter.parent_name }}{% endif %}."""

    def url(id_: object) -> str:
        return app.url_path_for(
            "read_{{ cookiecutter.resource_name }}",
{%- if cookiecutter.parent_name %}
            {{ cookiecutter.parent_name }}_id=str({{ cookiecutter.parent_name }}.id),
{%- endif %}
            {{ cookiecutter.resource_name }}_id=str(id_),
        )

    return url


@pytest.fixture
def mine({% if cookiecutter.parent_name %}{{ cookiecutter.parent_name }}: {{ cookiecutter.__parent_class }}{% elif cookiecutter.auth == "yes" %}user: User{% endif %}) -> dict[str, Any]:
    """What makes {{ cookiecutter.resource_name|with_article }} one the test's requests see: {% if cookiecutter.parent_name %}its {{ cookiecutter.parent_name }}{% elif cookiecutter.auth == "yes" %}its owner{% else %}nothing{% endif %}."""
    return {% if cookiecutter.parent_name %}{"{{ cookiecutter.parent_name }}": {{ cookiecutter.parent_name }}}{% elif cookiecutter.auth == "yes" %}{"owner": user}{% else %}{}{% endif %}


{{ cookiecutter.__async }}def test_creating_returns_201_with_the_new_{{ cookiecutter.resource_name }}(
    {{ cookiecutter.__api_client }}: {{ cookiecutter.__client }},
    collection: str,
) -> None:
    body = {"name": "groceries", "description": "milk, eggs"}

    response = {{ cookiecutter.__await }}{{ cookiecutter.__api_client }}.post(collection, json=body)

    assert response.status_code == status.HTTP_201_CREATED
    created = response.json()
    assert (created["name"], created["description"]) == ("groceries", "milk, eggs")
    assert uuid.UUID(created["id"])


{{ cookiecutter.__async }}def test_a_created_{{ cookiecutter.resource_name }}_can_be_read_back(
    {{ cookiecutter.__api_client }}: {{ cookiecutter.__client }},
    collection: str,
    one: Callable[[object], str],
) -> None:
    created = ({{ cookiecutter.__await }}{{ cookiecutter.__api_client }}.post(collection, json={"name": "groceries"})).json()

    response = {{ cookiecutter.__await }}{{ cookiecutter.__api_client }}.get(one(created["id"]))

    assert response.status_code == status.HTTP_200_OK
    assert response.json() == created


{{ cookiecutter.__async }}def test_creating_a_duplicate_{{ cookiecutter.resource_name }}_name_returns_409(
    {{ cookiecutter.__api_client }}: {{ cookiecutter.__client }},
    collection: str,
) -> None:
    {{ cookiecutter.__await }}{{ cookiecutter.__api_client }}.post(collection, json={"name": "groceries"})

    response = {{ cookiecutter.__await }}{{ cookiecutter.__api_client }}.post(collection, json={"name": "groceries"})

    assert response.status_code == status.HTTP_409_CONFLICT
    assert response.json() == {"detail": {{ cookiecutter.__resource_upper }}_ALREADY_EXISTS}


@pytest.mark.parametrize(
    "body",
    [
        pytest.param({}, id="no-name"),
        pytest.param({"name": "   "}, id="blank-name"),
        pytest.param({"name": "x" * (NAME_MAX_LENGTH + 1)}, id="name-too-long"),
        pytest.param({"name": "a", "colour": "red"}, id="unknown-field"),
    ],
)
{{ cookiecutter.__async }}def test_creating_{{ cookiecutter.resource_name|with_article("_") }}_with_an_invalid_body_returns_422(
    {{ cookiecutter.__api_client }}: {{ cookiecutter.__client }},
    collection: str,
    body: dict[str, Any],
) -> None:
    response = {{ cookiecutter.__await }}{{ cookiecutter.__api_client }}.post(collection, json=body)

    assert response.status_code == status.HTTP_422_UNPROCESSABLE_CONTENT


{{ cookiecutter.__async }}def test_creating_{{ cookiecutter.resource_name|with_article("_") }}_with_a_body_that_is_not_json_returns_422(
    {{ cookiecutter.__api_client }}: {{ cookiecutter.__client }},
    collection: str,
) -> None:
    response = {{ cookiecutter.__await }}{{ cookiecutter.__api_client }}.post(
        collection,
        content=b"{not json",
        headers={"Content-Type": "application/json"},
    )

    assert response.status_code == status.HTTP_422_UNPROCESSABLE_CONTENT


{{ cookiecutter.__async }}def test_listing_{{ cookiecutter.resource_plural }}_pages_with_limit_and_offset(
    {{ cookiecutter.__api_client }}: {{ cookiecutter.__client }},
    collection: str,
    mine: dict[str, Any],
) -> None:
    made = {{ cookiecutter.__await }}{{ cookiecutter.__resource_class }}Factory.create_batch(3, **mine)

    response = {{ cookiecutter.__await }}{{ cookiecutter.__api_client }}.get(collection, params={"limit": 2, "offset": 1})

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
    {{ cookiecutter.__api_client }}: {{ cookiecutter.__client }},
    collection: str,
    params: dict[str, int],
) -> None:
    response = {{ cookiecutter.__await }}{{ cookiecutter.__api_client }}.get(collection, params=params)

    assert response.status_code == status.HTTP_422_UNPROCESSABLE_CONTENT


{{ cookiecutter.__async }}def test_reading_a_missing_{{ cookiecutter.resource_name }}_returns_404(
    {{ cookiecutter.__api_client }}: {{ cookiecutter.__client }},
    one: Callable[[object], str],
) -> None:
    response = {{ cookiecutter.__await }}{{ cookiecutter.__api_client }}.get(one(uuid.uuid4()))

    assert response.status_code == status.HTTP_404_NOT_FOUND
    assert response.json() == {"detail": {{ cookiecutter.__resource_upper }}_NOT_FOUND}


{{ cookiecutter.__async }}def test_reading_{{ cookiecutter.resource_name|with_article("_") }}_with_a_malformed_id_returns_422(
    {{ cookiecutter.__api_client }}: {{ cookiecutter.__client }},
    one: Callable[[object], str],
) -> None:
    response = {{ cookiecutter.__await }}{{ cookiecutter.__api_client }}.get(one("not-a-uuid"))

    assert response.status_code == status.HTTP_422_UNPROCESSABLE_CONTENT


{{ cookiecutter.__async }}def test_updating_{{ cookiecutter.resource_name|with_article("_") }}_changes_only_the_fields_sent(
    {{ cookiecutter.__api_client }}: {{ cookiecutter.__client }},
    one: Callable[[object], str],
    mine: dict[str, Any],
) -> None:
    {{ cookiecutter.resource_name }} = {{ cookiecutter.__await }}{{ cookiecutter.__resource_class }}Factory(description="kept", **mine)

    response = {{ cookiecutter.__await }}{{ cookiecutter.__api_client }}.patch(one({{ cookiecutter.resource_name }}.id), json={"name": "new"})

    assert response.status_code == status.HTTP_200_OK
    assert (response.json()["name"], response.json()["description"]) == ("new", "kept")


{{ cookiecutter.__async }}def test_updating_{{ cookiecutter.resource_name|with_article("_") }}_to_a_name_already_taken_returns_409(
    {{ cookiecutter.__api_client }}: {{ cookiecutter.__client }},
    one: Callable[[object], str],
    mine: dict[str, Any],
) -> None:
    {{ cookiecutter.__await }}{{ cookiecutter.__resource_class }}Factory(name="taken", **mine)
    {{ cookiecutter.resource_name }} = {{ cookiecutter.__await }}{{ cookiecutter.__resource_class }}Factory(name="free", **mine)

    url = one({{ cookiecutter.resource_name }}.id)

    response = {{ cookiecutter.__await }}{{ cookiecutter.__api_client }}.patch(url, json={"name": "taken"})

    assert response.status_code == status.HTTP_409_CONFLICT
    assert response.json() == {"detail": {{ cookiecutter.__resource_upper }}_ALREADY_EXISTS}


@pytest.mark.parametrize(
    "body",
    [{"name": None}, {"name": ""}, {"colour": "red"}],
    ids=["null-name", "empty-name", "unknown-field"],
)
{{ cookiecutter.__async }}def test_updating_{{ cookiecutter.resource_name|with_article("_") }}_with_an_invalid_body_returns_422(
    {{ cookiecutter.__api_client }}: {{ cookiecutter.__client }},
    one: Callable[[object], str],
    body: dict[str, Any],
    mine: dict[str, Any],
) -> None:
    {{ cookiecutter.resource_name }} = {{ cookiecutter.__await }}{{ cookiecutter.__resource_class }}Factory(**mine)

    response = {{ cookiecutter.__await }}{{ cookiecutter.__api_client }}.patch(one({{ cookiecutter.resource_name }}.id), json=body)

    assert response.status_code == status.HTTP_422_UNPROCESSABLE_CONTENT


{{ cookiecutter.__async }}def test_updating_a_missing_{{ cookiecutter.resource_name }}_returns_404(
    {{ cookiecutter.__api_client }}: {{ cookiecutter.__client }},
    one: Callable[[object], str],
) -> None:
    response = {{ cookiecutter.__await }}{{ cookiecutter.__api_client }}.patch(one(uuid.uuid4()), json={"name": "new"})

    assert response.status_code == status.HTTP_404_NOT_FOUND
    assert response.json() == {"detail": {{ cookiecutter.__resource_upper }}_NOT_FOUND}


@pytest.fixture
def deleted_after_its_read() -> Iterator[None]:
    """Every {{ cookiecutter.resource_name }} a request loads by id is deleted right after, as by another
    request's DELETE committed before this one writes: the session still holds the row it
    read. The override is removed when the test ends."""
    load = dependencies.get_{{ cookiecutter.resource_name }}_or_404

    @functools.wraps(load)  # FastAPI reads the parameters of `load` through __wrapped__
    {{ cookiecutter.__async }}def load_then_lose(**parameters: Any) -> {{ cookiecutter.__resource_class }}:
        found = {{ cookiecutter.__await }}load(**parameters)
        gone = delete({{ cookiecutter.__resource_class }}).where({{ cookiecutter.__resource_class }}.id == found.id)
        {{ cookiecutter.__await }}parameters["session"].execute(gone.execution_options(synchronize_session=False))
        return found

    app.dependency_overrides[load] = load_then_lose
    yield
    del app.dependency_overrides[load]


@pytest.mark.usefixtures("deleted_after_its_read")
@pytest.mark.parametrize("method", ["PATCH", "DELETE"])
{{ cookiecutter.__async }}def test_writing_{{ cookiecutter.resource_name|with_article("_") }}_deleted_since_it_was_read_returns_404(
    {{ cookiecutter.__api_client }}: {{ cookiecutter.__client }},
    one: Callable[[object], str],
    mine: dict[str, Any],
    method: str,
) -> None:
    {{ cookiecutter.resource_name }} = {{ cookiecutter.__await }}{{ cookiecutter.__resource_class }}Factory(**mine)
    url = one({{ cookiecutter.resource_name }}.id)

    response = {{ cookiecutter.__await }}{{ cookiecutter.__api_client }}.request(method, url, json={"name": "new"})

    assert response.status_code == status.HTTP_404_NOT_FOUND
    assert response.json() == {"detail": {{ cookiecutter.__resource_upper }}_NOT_FOUND}


{{ cookiecutter.__async }}def test_deleting_returns_204_and_the_{{ cookiecutter.resource_name }}_is_gone(
    {{ cookiecutter.__api_client }}: {{ cookiecutter.__client }},
    one: Callable[[object], str],
    mine: dict[str, Any],
) -> None:
    {{ cookiecutter.resource_name }} = {{ cookiecutter.__await }}{{ cookiecutter.__resource_class }}Factory(**mine)

    response = {{ cookiecutter.__await }}{{ cookiecutter.__api_client }}.delete(one({{ cookiecutter.resource_name }}.id))

    assert response.status_code == status.HTTP_204_NO_CONTENT
    gone = {{ cookiecutter.__await }}{{ cookiecutter.__api_client }}.get(one({{ cookiecutter.resource_name }}.id))
    assert gone.status_code == status.HTTP_404_NOT_FOUND


{{ cookiecutter.__async }}def test_deleting_a_missing_{{ cookiecutter.resource_name }}_returns_404(
    {{ cookiecutter.__api_client }}: {{ cookiecutter.__client }},
    one: Callable[[object], str],
) -> None:
    response = {{ cookiecutter.__await }}{{ cookiecutter.__api_client }}.delete(one(uuid.uuid4()))

    assert response.status_code == status.HTTP_404_NOT_FOUND
    assert response.json() == {"detail": {{ cookiecutter.__resource_upper }}_NOT_FOUND}
{%- if cookiecutter.parent_name %}


@pytest.mark.parametrize("method", ["GET", "POST"])
{{ cookiecutter.__async }}def test_{{ cookiecutter.resource_plural }}_of_a_missing_{{ cookiecutter.parent_name }}_answer_404(
    {{ cookiecutter.__api_client }}: {{ cookiecutter.__client }},
    method: str,
) -> None:
    url = app.url_path_for(
        "list_{{ cookiecutter.resource_plural }}",
        {{ cookiecutter.parent_name }}_id=str(uuid.uuid4()),
    )

    response = {{ cookiecutter.__await }}{{ cookiecutter.__api_client }}.request(method, url, json={"name": "groceries"})

    assert response.status_code == status.HTTP_404_NOT_FOUND
    assert response.json() == {"detail": {{ cookiecutter.__parent_upper }}_NOT_FOUND}


@pytest.fixture
def {{ cookiecutter.parent_name }}_deleted_after_its_check() -> Iterator[Owner]:
    """The Owner of {{ cookiecutter.parent_name|with_article }} that passed the create's check (OwnerDep) and was
    deleted before the INSERT, as by another request committed in between; the override is
    removed when the test ends."""
    gone = Owner(uuid.uuid4())
    app.dependency_overrides[current_owner] = lambda: gone
    yield gone
    del app.dependency_overrides[current_owner]


@pytest.mark.usefixtures("{{ cookiecutter.parent_name }}_deleted_after_its_check")
{{ cookiecutter.__async }}def test_a_create_whose_{{ cookiecutter.parent_name }}_is_deleted_meanwhile_answers_404_not_409(
    {{ cookiecutter.__api_client }}: {{ cookiecutter.__client }},
    collection: str,
) -> None:
    response = {{ cookiecutter.__await }}{{ cookiecutter.__api_client }}.post(collection, json={"name": "groceries"})

    # Its foreign key failed, not its name: the answer is the {{ cookiecutter.parent_name }}'s.
    assert response.status_code == status.HTTP_404_NOT_FOUND
    assert response.json() == {"detail": {{ cookiecutter.__parent_upper }}_NOT_FOUND}


{{ cookiecutter.__async }}def test_{{ cookiecutter.resource_name|with_article("_") }}_is_found_only_under_its_own_{{ cookiecutter.parent_name }}(
    {{ cookiecutter.__api_client }}: {{ cookiecutter.__client }},
    one: Callable[[object], str],
{%- if cookiecutter.auth == "yes" %}
    user: User,
{%- endif %}
) -> None:
    other = {{ cookiecutter.__await }}{{ cookiecutter.__parent_class }}Factory({% if cookiecutter.auth == "yes" %}owner=user{% endif %})
    elsewhere = {{ cookiecutter.__await }}{{ cookiecutter.__resource_class }}Factory({{ cookiecutter.parent_name }}=other)

    response = {{ cookiecutter.__await }}{{ cookiecutter.__api_client }}.get(one(elsewhere.id))

    assert response.status_code == status.HTTP_404_NOT_FOUND


@pytest.mark.parametrize("method", ["PATCH", "DELETE"])
{{ cookiecutter.__async }}def test_a_write_locks_its_{{ cookiecutter.parent_name }}_before_its_own_row(
    {{ cookiecutter.__api_client }}: {{ cookiecutter.__client }},
    one: Callable[[object], str],
    mine: dict[str, Any],
    method: str,
) -> None:
    # A DELETE of the {{ cookiecutter.parent_name }} locks it before the rows its cascade deletes; a write of
    # one of them locks in the same order, or the two deadlock on MySQL and MariaDB.
    {{ cookiecutter.resource_name }} = {{ cookiecutter.__await }}{{ cookiecutter.__resource_class }}Factory(**mine)
    sql_sent: list[str] = []

    def note_sql(*arguments: Any) -> None:  # (connection, cursor, statement, ...)
        sql_sent.append(arguments[2])

    event.listen(sqlalchemy.Engine, "before_cursor_execute", note_sql)
    try:
        url = one({{ cookiecutter.resource_name }}.id)
        response = {{ cookiecutter.__await }}{{ cookiecutter.__api_client }}.request(method, url, json={"name": "new"})
    finally:
        event.remove(sqlalchemy.Engine, "before_cursor_execute", note_sql)

    assert response.is_success, response.text
    first_write = next(i for i, sql in enumerate(sql_sent) if re.match(r"\s*(UPDATE|DELETE)", sql))
    reads_before = [sql for sql in sql_sent[:first_write] if re.match(r"\s*SELECT", sql)]
    assert re.search(r"\bFROM\W+{{ cookiecutter.parent_plural }}\b", reads_before[-2])
    assert re.search(r"\bFROM\W+{{ cookiecutter.resource_plural }}\b", reads_before[-1])
{%- endif %}
