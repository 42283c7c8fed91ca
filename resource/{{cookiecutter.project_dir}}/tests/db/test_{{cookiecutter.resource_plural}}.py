{%- set model = cookiecutter.__resource_class -%}
{%- set name = cookiecutter.resource_name -%}
{%- set parent = cookiecutter.parent_name -%}
{%- set scope = cookiecutter.__scope_id -%}
{%- set aw = cookiecutter.__await -%}
{%- set holder = parent or "owner" -%}
{%- set holders = cookiecutter.parent_plural or "owners" -%}
{%- set holder_factory = (cookiecutter.__parent_class or "User") ~ "Factory" -%}
"""What the database itself guarantees of {{ cookiecutter.resource_plural }}, whatever the code above it does."""

import uuid

import pytest
{%- if scope %}
from sqlalchemy import func, select
{%- endif %}
from sqlalchemy.exc import IntegrityError
{{ cookiecutter.__session_import }}

{% filter import_order %}
from app.{{ cookiecutter.resource_plural }}.models import {{ model }}
{% if parent %}from {{ cookiecutter.__parent_factories }} import {{ holder_factory }}{% elif scope %}from tests.factories import UserFactory{% endif %}
from tests.factories_{{ cookiecutter.resource_plural }} import {{ model }}Factory
{% endfilter %}


{{ cookiecutter.__async }}def test_a_duplicate_{{ name }}_name_is_refused_by_the_database(
    db_session: {{ cookiecutter.__session }},
) -> None:
    existing = {{ aw }}{{ model }}Factory()
    db_session.add(
        {{ model }}(
            name=existing.name,
{%- if scope %}
            {{ scope }}=existing.{{ scope }},
{%- endif %}
        ),
    )

    with pytest.raises(IntegrityError):
        {{ aw }}db_session.flush()


{{ cookiecutter.__async }}def test_a_{{ name }}_name_is_required(db_session: {{ cookiecutter.__session }}) -> None:
    db_session.add({{ model }}(id=uuid.uuid4(){% if scope %}, {{ scope }}=uuid.uuid4(){% endif %}))

    with pytest.raises(IntegrityError):
        {{ aw }}db_session.flush()
{%- if scope %}


{{ cookiecutter.__async }}def test_{{ cookiecutter.resource_plural }}_of_two_{{ holders }}_may_share_a_name(
    db_session: {{ cookiecutter.__session }},
) -> None:
    {{ aw }}{{ model }}Factory(name="groceries")
    other = {{ aw }}{{ holder_factory }}()
    db_session.add({{ model }}(name="groceries", {{ scope }}=other.id))

    {{ aw }}db_session.flush()

    count = select(func.count()).select_from({{ model }})
    assert {{ aw }}db_session.scalar(count) == 2


{{ cookiecutter.__async }}def test_a_{{ name }}_of_no_{{ holder }}_is_refused(
    db_session: {{ cookiecutter.__session }},
) -> None:
    db_session.add({{ model }}(name="orphan", {{ scope }}=uuid.uuid4()))

    with pytest.raises(IntegrityError):
        {{ aw }}db_session.flush()


{{ cookiecutter.__async }}def test_deleting_{{ "a_user" if not parent else "its_" ~ parent }}_deletes_its_{{ cookiecutter.resource_plural }}(
    db_session: {{ cookiecutter.__session }},
) -> None:
    {{ name }} = {{ aw }}{{ model }}Factory()
    {{ aw }}{{ model }}Factory()

    # ON DELETE CASCADE: the database removes the rows, not the ORM.
    {{ aw }}db_session.delete({{ name }}.{{ holder }})
    {{ aw }}db_session.flush()

    remaining = select(func.count()).select_from({{ model }})
    assert {{ aw }}db_session.scalar(remaining) == 1
{%- endif %}
