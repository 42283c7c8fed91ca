"""The promises the fixtures make, checked: tests cannot see each other's data, and inside a
test the database behaves as production's does, whatever the test's session does.

The code under test and the requests commit and roll back as they would in production; a
request's commit stays, whatever the test's own session does next, until the test ends.
"""

from collections.abc import {% if cookiecutter.mode == "async" %}AsyncIterator, Awaitable, Callable{% else %}Callable, Iterator{% endif %}
from typing import Any

import pytest
from fastapi import status
{{ cookiecutter.__client_import }}
from sqlalchemy import func, select
{%- if cookiecutter.mode == "async" %}
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
{%- else %}
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
{%- endif %}

from app.core.db import Base, create_db_engine
from app.core.errors import ConflictError
from app.main import app

from app.{{ cookiecutter.resource_plural }} import service
from app.{{ cookiecutter.resource_plural }}.models import {{ cookiecutter.__resource_class }}
from app.{{ cookiecutter.resource_plural }}.owner import Owner
from app.{{ cookiecutter.resource_plural }}.schemas import {{ cookiecutter.__resource_class }}Create

COUNT = select(func.count()).select_from({{ cookiecutter.__resource_class }})
NAMES = select({{ cookiecutter.__resource_class }}.name)
LIST = app.url_path_for("list_{{ cookiecutter.resource_plural }}")


@pytest.fixture
{{ cookiecutter.__async }}def nothing_left_behind(engine: {{ cookiecutter.__engine }}) -> {{ cookiecutter.__iterator }}[None]:
    """Fails the test if any row, in any table, is still in the database after it ended."""
    yield
    {{ cookiecutter.__async }}with engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            rows = {{ cookiecutter.__await }}connection.scalar(select(func.count()).select_from(table))
            assert rows == 0, f"{rows} rows left in {table.name}"


# nothing_left_behind is listed first so it is torn down last, after db_session.
{{ cookiecutter.__async }}def test_a_commit_in_the_code_under_test_leaks_nothing(
    nothing_left_behind: None, db_session: {{ cookiecutter.__session }}, owner: Owner
) -> None:
    data = {{ cookiecutter.__resource_class }}Create(name="committed")
    {{ cookiecutter.__await }}service.create_{{ cookiecutter.resource_name }}(db_session, data, owner)
    {{ cookiecutter.__await }}db_session.commit()

    assert {{ cookiecutter.__await }}db_session.scalar(COUNT) == 1


{{ cookiecutter.__async }}def test_a_rollback_in_the_code_under_test_keeps_the_factorys_data_and_leaks_nothing(
    nothing_left_behind: None,
    db_session: {{ cookiecutter.__session }},
    owner: Owner,
    make_{{ cookiecutter.resource_name }}: Callable[..., Any],
) -> None:
    existing = {{ cookiecutter.__await }}make_{{ cookiecutter.resource_name }}(name="taken")
    # Read before the rollback, which expires every object the session holds.
    existing_id = existing.id
    duplicate = {{ cookiecutter.__resource_class }}Create(name="taken")

    # The service flushes, hits the unique constraint and rolls the session back.
    with pytest.raises(ConflictError):
        {{ cookiecutter.__await }}service.create_{{ cookiecutter.resource_name }}(db_session, duplicate, owner)

    assert {{ cookiecutter.__await }}db_session.scalar(COUNT) == 1
    assert {{ cookiecutter.__await }}db_session.get({{ cookiecutter.__resource_class }}, existing_id) is not None


{{ cookiecutter.__async }}def test_what_a_request_commits_the_test_sees_and_the_next_test_does_not(
    nothing_left_behind: None, {{ cookiecutter.__api_client }}: {{ cookiecutter.__client }}, db_session: {{ cookiecutter.__session }}
) -> None:
    # The request commits on a connection of its own: visible to the test's session, and
    # deleted with everything else when the test ends.
    response = {{ cookiecutter.__await }}{{ cookiecutter.__api_client }}.post(LIST, json={"name": "from a request"})

    assert response.status_code == status.HTTP_201_CREATED
    assert {{ cookiecutter.__await }}db_session.scalar(COUNT) == 1


# Listed before the engine's fixtures, so nothing_left_behind is torn down after the cleanup.
{{ cookiecutter.__async }}def test_a_commit_on_an_engine_the_test_made_itself_leaks_nothing(
    nothing_left_behind: None,
    empty_database_after_the_test: None,
    engine: {{ cookiecutter.__engine }},
    add_owner: Callable[[{{ cookiecutter.__session }}], {{ "Awaitable[Owner]" if cookiecutter.mode == "async" else "Owner" }}],
) -> None:
    own_engine = create_db_engine(engine.url)
    try:
        {{ cookiecutter.__async }}with {{ cookiecutter.__session }}(own_engine) as session:
            owner = {{ cookiecutter.__await }}add_owner(session)
            data = {{ cookiecutter.__resource_class }}Create(name="own engine")
            {{ cookiecutter.__await }}service.create_{{ cookiecutter.resource_name }}(session, data, owner)
            {{ cookiecutter.__await }}session.commit()
    finally:
        {{ cookiecutter.__await }}own_engine.dispose()


# What a test's own session may do, before or after a request, as tests written later will.
{{ cookiecutter.__async }}def commit(session: {{ cookiecutter.__session }}) -> None:
    {{ cookiecutter.__await }}session.commit()


{{ cookiecutter.__async }}def roll_back(session: {{ cookiecutter.__session }}) -> None:
    {{ cookiecutter.__await }}session.rollback()


{{ cookiecutter.__async }}def close(session: {{ cookiecutter.__session }}) -> None:
    {{ cookiecutter.__await }}session.close()


{{ cookiecutter.__async }}def release_a_savepoint(session: {{ cookiecutter.__session }}) -> None:
    savepoint = {{ cookiecutter.__await }}session.begin_nested()
    {{ cookiecutter.__await }}savepoint.commit()


{{ cookiecutter.__async }}def roll_back_a_savepoint(session: {{ cookiecutter.__session }}) -> None:
    savepoint = {{ cookiecutter.__await }}session.begin_nested()
    {{ cookiecutter.__await }}savepoint.rollback()


WHAT_THE_TEST_SESSION_DOES = [commit, roll_back, close, release_a_savepoint, roll_back_a_savepoint]


@pytest.mark.parametrize(
    "ends_its_transaction", WHAT_THE_TEST_SESSION_DOES, ids=lambda action: action.__name__
)
@pytest.mark.parametrize("when", ["before-the-request", "after-the-request"])
@pytest.mark.parametrize(
    ("name", "status_code", "names_after"),
    [
        pytest.param("new", status.HTTP_201_CREATED, {"taken", "new"}, id="request-commits"),
        pytest.param("taken", status.HTTP_409_CONFLICT, {"taken"}, id="request-rolls-back"),
    ],
)
{{ cookiecutter.__async }}def test_a_requests_outcome_is_what_production_gives_whatever_the_test_session_does(
    nothing_left_behind: None,
    {{ cookiecutter.__api_client }}: {{ cookiecutter.__client }},
    db_session: {{ cookiecutter.__session }},
    make_{{ cookiecutter.resource_name }}: Callable[..., Any],
    ends_its_transaction: Callable[[{{ cookiecutter.__session }}], {{ "Awaitable[None]" if cookiecutter.mode == "async" else "None" }}],
    when: str,
    name: str,
    status_code: int,
    names_after: set[str],
) -> None:
    {{ cookiecutter.__await }}make_{{ cookiecutter.resource_name }}(name="taken")
    assert {{ cookiecutter.__await }}db_session.scalar(COUNT) == 1  # the test's session is in a transaction

    if when == "before-the-request":
        {{ cookiecutter.__await }}ends_its_transaction(db_session)
    response = {{ cookiecutter.__await }}{{ cookiecutter.__api_client }}.post(LIST, json={"name": name})
    if when == "after-the-request":
        {{ cookiecutter.__await }}ends_its_transaction(db_session)

    assert response.status_code == status_code
    listed = {{ cookiecutter.__await }}{{ cookiecutter.__api_client }}.get(LIST)
    assert {row["name"] for row in listed.json()["items"]} == names_after
    assert set({{ cookiecutter.__await }}db_session.scalars(NAMES)) == names_after


{{ cookiecutter.__async }}def test_a_conflict_the_test_session_rolls_back_keeps_what_a_request_committed(
    {{ cookiecutter.__api_client }}: {{ cookiecutter.__client }}, db_session: {{ cookiecutter.__session }}, owner: Owner
) -> None:
    response = {{ cookiecutter.__await }}{{ cookiecutter.__api_client }}.post(LIST, json={"name": "x"})
    assert response.status_code == status.HTTP_201_CREATED

    # The service's own create, on the test's session: the name is taken, it rolls back.
    taken = {{ cookiecutter.__resource_class }}Create(name="x")
    with pytest.raises(ConflictError):
        {{ cookiecutter.__await }}service.create_{{ cookiecutter.resource_name }}(db_session, taken, owner)

    listed = {{ cookiecutter.__await }}{{ cookiecutter.__api_client }}.get(LIST)
    assert listed.json()["total"] == 1
