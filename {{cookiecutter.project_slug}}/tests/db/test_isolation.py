"""The promise the db_session fixture makes, checked: tests cannot see each other's data.

The code under test commits and rolls back as it would in production; the outer
transaction around each test (see conftest) must absorb both.
"""

from collections.abc import {{ cookiecutter.__iterator }}

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

from app.core.db import Base
from app.core.errors import ConflictError
from app.main import app
from app.{{ cookiecutter.resource_plural }} import service
from app.{{ cookiecutter.resource_plural }}.models import {{ cookiecutter.__resource_class }}
from app.{{ cookiecutter.resource_plural }}.schemas import {{ cookiecutter.__resource_class }}Create
from tests.factories import {{ cookiecutter.__resource_class }}Factory{% if cookiecutter.auth == "yes" %}, UserFactory{% endif %}

COUNT = select(func.count()).select_from({{ cookiecutter.__resource_class }})


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
    nothing_left_behind: None,
    db_session: {{ cookiecutter.__session }},
) -> None:
    data = {{ cookiecutter.__resource_class }}Create(name="committed")
{%- if cookiecutter.auth == "yes" %}
    owner = {{ cookiecutter.__await }}UserFactory()
    {{ cookiecutter.__await }}service.create_{{ cookiecutter.resource_name }}(db_session, data, owner.id)
{%- else %}
    {{ cookiecutter.__await }}service.create_{{ cookiecutter.resource_name }}(db_session, data)
{%- endif %}
    {{ cookiecutter.__await }}db_session.commit()

    assert {{ cookiecutter.__await }}db_session.scalar(COUNT) == 1


{{ cookiecutter.__async }}def test_a_rollback_in_the_code_under_test_keeps_the_factorys_data_and_leaks_nothing(
    nothing_left_behind: None,
    db_session: {{ cookiecutter.__session }},
) -> None:
    existing = {{ cookiecutter.__await }}{{ cookiecutter.__resource_class }}Factory(name="taken")
    # Read before the rollback, which expires every object the session holds.
    existing_id{% if cookiecutter.auth == "yes" %}, owner_id{% endif %} = existing.id{% if cookiecutter.auth == "yes" %}, existing.owner.id{% endif %}
    duplicate = {{ cookiecutter.__resource_class }}Create(name="taken")

    # The service flushes, hits the unique constraint and calls session.rollback().
    with pytest.raises(ConflictError):
        {{ cookiecutter.__await }}service.create_{{ cookiecutter.resource_name }}(db_session, duplicate{% if cookiecutter.auth == "yes" %}, owner_id{% endif %})

    assert {{ cookiecutter.__await }}db_session.scalar(COUNT) == 1
    assert {{ cookiecutter.__await }}db_session.get({{ cookiecutter.__resource_class }}, existing_id) is not None


{{ cookiecutter.__async }}def test_what_a_request_commits_the_test_sees_and_the_next_test_does_not(
    nothing_left_behind: None,
    {{ cookiecutter.__api_client }}: {{ cookiecutter.__client }},
    db_session: {{ cookiecutter.__session }},
) -> None:
    # The request's own session commits its savepoint on the test's connection: visible
    # to the test's session, and rolled back with everything else when the test ends.
    url = app.url_path_for("list_{{ cookiecutter.resource_plural }}")
    response = {{ cookiecutter.__await }}{{ cookiecutter.__api_client }}.post(url, json={"name": "from a request"})

    assert response.status_code == status.HTTP_201_CREATED
    assert {{ cookiecutter.__await }}db_session.scalar(COUNT) == 1
