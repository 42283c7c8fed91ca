{%- set holder = cookiecutter.parent_name or "owner" -%}
{%- set holders = cookiecutter.parent_plural or "owners" -%}
{%- set holder_factory = (cookiecutter.__parent_class or "User") ~ "Factory" -%}
"""What the database itself guarantees of {{ cookiecutter.resource_plural }}, whatever the code above it does."""

import uuid

import pytest
{%- if cookiecutter.__scope_id %}
from sqlalchemy import func, select
{%- endif %}
from sqlalchemy.exc import IntegrityError
{{ cookiecutter.__session_import }}

{% filter import_order %}
from app.{{ cookiecutter.resource_plural }}.models import {{ cookiecutter.__resource_class }}
{% if cookiecutter.parent_name %}from {{ cookiecutter.__parent_factories }} import {{ holder_factory }}{% elif cookiecutter.__scope_id %}from tests.factories import UserFactory{% endif %}
from tests.factories_{{ cookiecutter.resource_plural }} import {{ cookiecutter.__resource_class }}Factory
{% endfilter %}


{{ cookiecutter.__async }}def test_a_duplicate_{{ cookiecutter.resource_name }}_name_is_refused_by_the_database(
    db_session: {{ cookiecutter.__session }},
) -> None:
    existing = {{ cookiecutter.__await }}{{ cookiecutter.__resource_class }}Factory()
    db_session.add(
        {{ cookiecutter.__resource_class }}(
            name=existing.name,
{%- if cookiecutter.__scope_id %}
            {{ cookiecutter.__scope_id }}=existing.{{ cookiecutter.__scope_id }},
{%- endif %}
        ),
    )

    with pytest.raises(IntegrityError):
        {{ cookiecutter.__await }}db_session.flush()


{{ cookiecutter.__async }}def test_{{ cookiecutter.resource_name|with_article("_") }}_name_is_required(db_session: {{ cookiecutter.__session }}) -> None:
    db_session.add({{ cookiecutter.__resource_class }}(id=uuid.uuid4(){% if cookiecutter.__scope_id %}, {{ cookiecutter.__scope_id }}=uuid.uuid4(){% endif %}))

    with pytest.raises(IntegrityError):
        {{ cookiecutter.__await }}db_session.flush()
{%- if cookiecutter.__scope_id %}


{{ cookiecutter.__async }}def test_{{ cookiecutter.resource_plural }}_of_two_{{ holders }}_may_share_a_name(
    db_session: {{ cookiecutter.__session }},
) -> None:
    {{ cookiecutter.__await }}{{ cookiecutter.__resource_class }}Factory(name="groceries")
    other = {{ cookiecutter.__await }}{{ holder_factory }}()
    db_session.add({{ cookiecutter.__resource_class }}(name="groceries", {{ cookiecutter.__scope_id }}=other.id))

    {{ cookiecutter.__await }}db_session.flush()

    count = select(func.count()).select_from({{ cookiecutter.__resource_class }})
    assert {{ cookiecutter.__await }}db_session.scalar(count) == 2


{{ cookiecutter.__async }}def test_{{ cookiecutter.resource_name|with_article("_") }}_of_no_{{ holder }}_is_refused(
    db_session: {{ cookiecutter.__session }},
) -> None:
    db_session.add({{ cookiecutter.__resource_class }}(name="orphan", {{ cookiecutter.__scope_id }}=uuid.uuid4()))

    with pytest.raises(IntegrityError):
        {{ cookiecutter.__await }}db_session.flush()


{{ cookiecutter.__async }}def test_deleting_{{ "a_user" if not cookiecutter.parent_name else "its_" ~ cookiecutter.parent_name }}_deletes_its_{{ cookiecutter.resource_plural }}(
    db_session: {{ cookiecutter.__session }},
) -> None:
    {{ cookiecutter.resource_name }} = {{ cookiecutter.__await }}{{ cookiecutter.__resource_class }}Factory()
    {{ cookiecutter.__await }}{{ cookiecutter.__resource_class }}Factory()

    # ON DELETE CASCADE: the database removes the rows, not the ORM.
    {{ cookiecutter.__await }}db_session.delete({{ cookiecutter.resource_name }}.{{ holder }})
    {{ cookiecutter.__await }}db_session.flush()

    remaining = select(func.count()).select_from({{ cookiecutter.__resource_class }})
    assert {{ cookiecutter.__await }}db_session.scalar(remaining) == 1
{%- endif %}
