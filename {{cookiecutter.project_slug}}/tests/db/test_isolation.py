"""The promise the db_session fixture makes, checked: tests cannot see each other's data.

The code under test commits and rolls back as it would in production; the outer
transaction around each test (see conftest) must absorb both.
"""

from collections.abc import {{ cookiecutter.__iterator }}

import pytest
from sqlalchemy import func, select
{%- if cookiecutter.mode == "async" %}
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
{%- else %}
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
{%- endif %}

from app.core.errors import ConflictError
from app.{{ cookiecutter.resource_plural }} import service
from app.{{ cookiecutter.resource_plural }}.models import {{ cookiecutter.__resource_class }}
from app.{{ cookiecutter.resource_plural }}.schemas import {{ cookiecutter.__resource_class }}Create
from tests.factories import {{ cookiecutter.__resource_class }}Factory{% if cookiecutter.auth == "yes" %}, UserFactory{% endif %}

COUNT = select(func.count()).select_from({{ cookiecutter.__resource_class }})


@pytest.fixture
{{ cookiecutter.__async }}def nothing_left_behind(engine: {{ cookiecutter.__engine }}) -> {{ cookiecutter.__iterator }}[None]:
    """Fails the test if any {{ cookiecutter.resource_name }} is still in the database after its session ended."""
    yield
    {{ cookiecutter.__async }}with engine.connect() as connection:
        assert {{ cookiecutter.__await }}connection.scalar(COUNT) == 0


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
