"""The service layer on the test database: no HTTP, a real session and plain arguments."""

import pytest
{{ cookiecutter.__session_import }}

from app.core.errors import ConflictError
{%- if cookiecutter.auth == "yes" %}
from app.users.models import User
{%- endif %}

from app.{{ cookiecutter.resource_plural }} import service
from app.{{ cookiecutter.resource_plural }}.schemas import (
    {{ cookiecutter.__resource_class }}Create,
    {{ cookiecutter.__resource_class }}Update,
)
from tests.factories import {{ cookiecutter.__resource_class }}Factory


{{ cookiecutter.__async }}def test_paging_through_the_list_returns_each_{{ cookiecutter.resource_name }}_once(
    db_session: {{ cookiecutter.__session }},
{%- if cookiecutter.auth == "yes" %}
    user: User,
{%- endif %}
) -> None:
    stored = {{ cookiecutter.__await }}{{ cookiecutter.__resource_class }}Factory.create_batch(5{% if cookiecutter.auth == "yes" %}, owner=user{% endif %})

    listed = []
    for offset in (0, 2, 4):
        rows, total = {{ cookiecutter.__await }}service.list_{{ cookiecutter.resource_plural }}(
            db_session,
{%- if cookiecutter.auth == "yes" %}
            user.id,
{%- endif %}
            limit=2,
            offset=offset,
        )
        assert total == len(stored)
        listed += [row.id for row in rows]

    assert sorted(listed) == sorted(row.id for row in stored)


{{ cookiecutter.__async }}def test_renaming_onto_an_existing_name_raises_conflict(db_session: {{ cookiecutter.__session }}) -> None:
    taken = {{ cookiecutter.__await }}{{ cookiecutter.__resource_class }}Factory()
    other = {{ cookiecutter.__await }}{{ cookiecutter.__resource_class }}Factory({% if cookiecutter.auth == "yes" %}owner=taken.owner{% endif %})

    with pytest.raises(ConflictError):
        {{ cookiecutter.__await }}service.update_{{ cookiecutter.resource_name }}(
            db_session,
            other,
            {{ cookiecutter.__resource_class }}Update(name=taken.name),
        )


{{ cookiecutter.__async }}def test_creating_stores_what_was_given(db_session: {{ cookiecutter.__session }}{% if cookiecutter.auth == "yes" %}, user: User{% endif %}) -> None:
    data = {{ cookiecutter.__resource_class }}Create(name="groceries", description="milk")

    created = {{ cookiecutter.__await }}service.create_{{ cookiecutter.resource_name }}(db_session, data{% if cookiecutter.auth == "yes" %}, user.id{% endif %})

    assert (created.name, created.description) == ("groceries", "milk")
    assert created.created_at.tzinfo is not None
