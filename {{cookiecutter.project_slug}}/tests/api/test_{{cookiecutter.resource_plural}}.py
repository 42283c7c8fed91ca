import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi import status
{{ cookiecutter.__client_import }}

from app.main import app

from app.{{ cookiecutter.resource_plural }}.models import NAME_MAX_LENGTH
from app.{{ cookiecutter.resource_plural }}.router import MAX_PAGE_SIZE
from app.{{ cookiecutter.resource_plural }}.service import (
    {{ cookiecutter.__resource_upper }}_ALREADY_EXISTS,
    {{ cookiecutter.__resource_upper }}_NOT_FOUND,
)

COLLECTION = app.url_path_for("list_{{ cookiecutter.resource_plural }}")


def one(id_: object) -> str:
    return app.url_path_for("read_{{ cookiecutter.resource_name }}", {{ cookiecutter.resource_name }}_id=str(id_))


{{ cookiecutter.__async }}def test_creating_returns_201_with_the_new_{{ cookiecutter.resource_name }}(
    {{ cookiecutter.__api_client }}: {{ cookiecutter.__client }},
) -> None:
    body = {"name": "groceries", "description": "milk, eggs"}

    response = {{ cookiecutter.__await }}{{ cookiecutter.__api_client }}.post(COLLECTION, json=body)

    assert response.status_code == status.HTTP_201_CREATED
    created = response.json()
    assert created["name"] == "groceries"
    assert created["description"] == "milk, eggs"
    assert uuid.UUID(created["id"])


{{ cookiecutter.__async }}def test_a_created_{{ cookiecutter.resource_name }}_can_be_read_back(
    {{ cookiecutter.__api_client }}: {{ cookiecutter.__client }},
) -> None:
    posted = {{ cookiecutter.__await }}{{ cookiecutter.__api_client }}.post(COLLECTION, json={"name": "groceries"})
    created = posted.json()

    response = {{ cookiecutter.__await }}{{ cookiecutter.__api_client }}.get(one(created["id"]))

    assert response.status_code == status.HTTP_200_OK
    assert response.json() == created


{{ cookiecutter.__async }}def test_head_answers_as_get_does_with_no_body(
    {{ cookiecutter.__api_client }}: {{ cookiecutter.__client }},
) -> None:
    posted = {{ cookiecutter.__await }}{{ cookiecutter.__api_client }}.post(COLLECTION, json={"name": "groceries"})

    for path in (one(posted.json()["id"]), COLLECTION, one(uuid.uuid4())):
        as_get = {{ cookiecutter.__await }}{{ cookiecutter.__api_client }}.get(path)
        as_head = {{ cookiecutter.__await }}{{ cookiecutter.__api_client }}.head(path)

        assert as_head.status_code == as_get.status_code, path
        assert as_head.content == b""
        assert as_head.headers["content-length"] == as_get.headers["content-length"]


{{ cookiecutter.__async }}def test_creating_a_duplicate_name_returns_409({{ cookiecutter.__api_client }}: {{ cookiecutter.__client }}) -> None:
    {{ cookiecutter.__await }}{{ cookiecutter.__api_client }}.post(COLLECTION, json={"name": "groceries"})

    response = {{ cookiecutter.__await }}{{ cookiecutter.__api_client }}.post(COLLECTION, json={"name": "groceries"})

    assert response.status_code == status.HTTP_409_CONFLICT
    assert response.json() == {"detail": {{ cookiecutter.__resource_upper }}_ALREADY_EXISTS}


@pytest.mark.parametrize(
    ("first", "second"),
    [
        pytest.param("groceries", "Groceries", id="case"),
        pytest.param("cafe", "caf\u00e9", id="accent"),
    ],
)
{{ cookiecutter.__async }}def test_names_that_differ_in_case_or_accent_are_different_names(
    {{ cookiecutter.__api_client }}: {{ cookiecutter.__client }}, first: str, second: str
) -> None:
    # The same answer on every database: MySQL's default collations would call them equal.
    for name in (first, second):
        response = {{ cookiecutter.__await }}{{ cookiecutter.__api_client }}.post(COLLECTION, json={"name": name})
        assert response.status_code == status.HTTP_201_CREATED, name


@pytest.mark.parametrize(
    "body",
    [
        pytest.param({}, id="missing-name"),
        pytest.param({"name": ""}, id="empty-name"),
        pytest.param({"name": "   "}, id="blank-name"),
        pytest.param({"name": "x" * (NAME_MAX_LENGTH + 1)}, id="name-too-long"),
        pytest.param({"name": 42}, id="name-not-a-string"),
        pytest.param({"name": "ok", "colour": "red"}, id="unknown-field"),
        pytest.param({"name": "ok", "description": "x" * 1001}, id="description-too-long"),
        # PostgreSQL cannot store U+0000: refused for every database alike.
        pytest.param({"name": "a\x00b"}, id="nul-in-name"),
        pytest.param({"name": "ok", "description": "a\x00b"}, id="nul-in-description"),
    ],
)
{{ cookiecutter.__async }}def test_creating_with_an_invalid_body_returns_422(
    {{ cookiecutter.__api_client }}: {{ cookiecutter.__client }},
    body: dict[str, Any],
) -> None:
    response = {{ cookiecutter.__await }}{{ cookiecutter.__api_client }}.post(COLLECTION, json=body)

    assert response.status_code == status.HTTP_422_UNPROCESSABLE_CONTENT


{{ cookiecutter.__async }}def test_a_name_holding_a_lone_surrogate_returns_422_not_500(
    {{ cookiecutter.__api_client }}: {{ cookiecutter.__client }},
) -> None:
    # Valid JSON that is not valid Unicode; the 422 echoes the input, so it must be escaped.
    response = {{ cookiecutter.__await }}{{ cookiecutter.__api_client }}.post(
        COLLECTION, content=b'{"name": "a\\ud800b"}', headers={"Content-Type": "application/json"}
    )

    assert response.status_code == status.HTTP_422_UNPROCESSABLE_CONTENT
    assert response.json()["detail"][0]["loc"] == ["body", "name"]


{{ cookiecutter.__async }}def test_creating_with_a_body_that_is_not_json_returns_422(
    {{ cookiecutter.__api_client }}: {{ cookiecutter.__client }},
) -> None:
    response = {{ cookiecutter.__await }}{{ cookiecutter.__api_client }}.post(
        COLLECTION, content=b"{not json", headers={"Content-Type": "application/json"}
    )

    assert response.status_code == status.HTTP_422_UNPROCESSABLE_CONTENT


{{ cookiecutter.__async }}def test_listing_pages_with_limit_and_offset(
    {{ cookiecutter.__api_client }}: {{ cookiecutter.__client }},
    make_{{ cookiecutter.resource_name }}: Callable[..., Any],
) -> None:
    for n in range(5):
        {{ cookiecutter.__await }}make_{{ cookiecutter.resource_name }}(name=f"{{ cookiecutter.resource_name }} {n}")

    response = {{ cookiecutter.__await }}{{ cookiecutter.__api_client }}.get(COLLECTION, params={"limit": 2, "offset": 1})

    assert response.status_code == status.HTTP_200_OK
    listing = response.json()
    assert [row["name"] for row in listing["items"]] == [
        "{{ cookiecutter.resource_name }} 1",
        "{{ cookiecutter.resource_name }} 2",
    ]
    assert (listing["total"], listing["limit"], listing["offset"]) == (5, 2, 1)


{{ cookiecutter.__async }}def test_listing_is_in_order_of_creation_not_of_storage(
    {{ cookiecutter.__api_client }}: {{ cookiecutter.__client }},
    make_{{ cookiecutter.resource_name }}: Callable[..., Any],
) -> None:
    # Stored out of order: without its ORDER BY, a database may list them as stored.
    now = datetime.now(UTC)
    for name, age in (("newest", 0), ("oldest", 2), ("middle", 1)):
        created_at = now - timedelta(days=age)
        {{ cookiecutter.__await }}make_{{ cookiecutter.resource_name }}(name=name, created_at=created_at)

    response = {{ cookiecutter.__await }}{{ cookiecutter.__api_client }}.get(COLLECTION)

    assert [row["name"] for row in response.json()["items"]] == ["oldest", "middle", "newest"]


{{ cookiecutter.__async }}def test_listing_with_nothing_stored_returns_an_empty_page(
    {{ cookiecutter.__api_client }}: {{ cookiecutter.__client }},
) -> None:
    response = {{ cookiecutter.__await }}{{ cookiecutter.__api_client }}.get(COLLECTION)

    assert response.json() == {"items": [], "total": 0, "limit": 20, "offset": 0}


@pytest.mark.parametrize(
    "params",
    [
        pytest.param({"limit": 0}, id="limit-zero"),
        pytest.param({"limit": MAX_PAGE_SIZE + 1}, id="limit-above-cap"),
        pytest.param({"offset": -1}, id="negative-offset"),
        pytest.param({"limit": "ten"}, id="limit-not-a-number"),
    ],
)
{{ cookiecutter.__async }}def test_listing_with_out_of_range_paging_returns_422(
    {{ cookiecutter.__api_client }}: {{ cookiecutter.__client }}, params: dict[str, Any]
) -> None:
    response = {{ cookiecutter.__await }}{{ cookiecutter.__api_client }}.get(COLLECTION, params=params)

    assert response.status_code == status.HTTP_422_UNPROCESSABLE_CONTENT


{{ cookiecutter.__async }}def test_reading_a_missing_{{ cookiecutter.resource_name }}_returns_404(
    {{ cookiecutter.__api_client }}: {{ cookiecutter.__client }},
) -> None:
    response = {{ cookiecutter.__await }}{{ cookiecutter.__api_client }}.get(one(uuid.uuid4()))

    assert response.status_code == status.HTTP_404_NOT_FOUND
    assert response.json() == {"detail": {{ cookiecutter.__resource_upper }}_NOT_FOUND}


{{ cookiecutter.__async }}def test_reading_with_a_malformed_id_returns_422({{ cookiecutter.__api_client }}: {{ cookiecutter.__client }}) -> None:
    response = {{ cookiecutter.__await }}{{ cookiecutter.__api_client }}.get(one("not-a-uuid"))

    assert response.status_code == status.HTTP_422_UNPROCESSABLE_CONTENT


{{ cookiecutter.__async }}def test_updating_changes_only_the_fields_sent(
    {{ cookiecutter.__api_client }}: {{ cookiecutter.__client }},
    make_{{ cookiecutter.resource_name }}: Callable[..., Any],
) -> None:
    {{ cookiecutter.resource_name }} = {{ cookiecutter.__await }}make_{{ cookiecutter.resource_name }}(name="old", description="kept")

    response = {{ cookiecutter.__await }}{{ cookiecutter.__api_client }}.patch(one({{ cookiecutter.resource_name }}.id), json={"name": "new"})

    assert response.status_code == status.HTTP_200_OK
    assert response.json()["name"] == "new"
    assert response.json()["description"] == "kept"


{{ cookiecutter.__async }}def test_updating_to_a_name_already_taken_returns_409(
    {{ cookiecutter.__api_client }}: {{ cookiecutter.__client }},
    make_{{ cookiecutter.resource_name }}: Callable[..., Any],
) -> None:
    {{ cookiecutter.__await }}make_{{ cookiecutter.resource_name }}(name="taken")
    {{ cookiecutter.resource_name }} = {{ cookiecutter.__await }}make_{{ cookiecutter.resource_name }}(name="free")

    response = {{ cookiecutter.__await }}{{ cookiecutter.__api_client }}.patch(one({{ cookiecutter.resource_name }}.id), json={"name": "taken"})

    assert response.status_code == status.HTTP_409_CONFLICT
    assert response.json() == {"detail": {{ cookiecutter.__resource_upper }}_ALREADY_EXISTS}


@pytest.mark.parametrize(
    "body",
    [
        pytest.param({"name": None}, id="null-name"),
        pytest.param({"name": ""}, id="empty-name"),
        pytest.param({"name": "a\x00b"}, id="nul-in-name"),
        pytest.param({"owner_id": str(uuid.UUID(int=1))}, id="read-only-field"),
    ],
)
{{ cookiecutter.__async }}def test_updating_with_an_invalid_body_returns_422(
    {{ cookiecutter.__api_client }}: {{ cookiecutter.__client }},
    make_{{ cookiecutter.resource_name }}: Callable[..., Any],
    body: dict[str, Any],
) -> None:
    {{ cookiecutter.resource_name }} = {{ cookiecutter.__await }}make_{{ cookiecutter.resource_name }}()

    response = {{ cookiecutter.__await }}{{ cookiecutter.__api_client }}.patch(one({{ cookiecutter.resource_name }}.id), json=body)

    assert response.status_code == status.HTTP_422_UNPROCESSABLE_CONTENT


{{ cookiecutter.__async }}def test_updating_a_missing_{{ cookiecutter.resource_name }}_returns_404(
    {{ cookiecutter.__api_client }}: {{ cookiecutter.__client }},
) -> None:
    response = {{ cookiecutter.__await }}{{ cookiecutter.__api_client }}.patch(one(uuid.uuid4()), json={"name": "new"})

    assert response.status_code == status.HTTP_404_NOT_FOUND


{{ cookiecutter.__async }}def test_deleting_returns_204_and_the_{{ cookiecutter.resource_name }}_is_gone(
    {{ cookiecutter.__api_client }}: {{ cookiecutter.__client }},
    make_{{ cookiecutter.resource_name }}: Callable[..., Any],
) -> None:
    {{ cookiecutter.resource_name }} = {{ cookiecutter.__await }}make_{{ cookiecutter.resource_name }}()

    response = {{ cookiecutter.__await }}{{ cookiecutter.__api_client }}.delete(one({{ cookiecutter.resource_name }}.id))

    assert response.status_code == status.HTTP_204_NO_CONTENT
    assert (response.content, response.headers.get("content-type")) == (b"", None)
    gone = {{ cookiecutter.__await }}{{ cookiecutter.__api_client }}.get(one({{ cookiecutter.resource_name }}.id))
    assert gone.status_code == status.HTTP_404_NOT_FOUND


{{ cookiecutter.__async }}def test_deleting_a_missing_{{ cookiecutter.resource_name }}_returns_404(
    {{ cookiecutter.__api_client }}: {{ cookiecutter.__client }},
) -> None:
    response = {{ cookiecutter.__await }}{{ cookiecutter.__api_client }}.delete(one(uuid.uuid4()))

    assert response.status_code == status.HTTP_404_NOT_FOUND
