"""What the database itself guarantees, whatever the code above it does."""

import uuid

import pytest
{%- if cookiecutter.auth == "yes" %}
from sqlalchemy import func, select
{%- endif %}
from sqlalchemy.exc import IntegrityError
{{ cookiecutter.__session_import }}

from app.{{ cookiecutter.resource_plural }}.models import {{ cookiecutter.__resource_class }}
from tests.factories import {{ cookiecutter.__resource_class }}Factory


{{ cookiecutter.__async }}def test_a_duplicate_name_is_refused_by_the_database(db_session: {{ cookiecutter.__session }}) -> None:
    existing = {{ cookiecutter.__await }}{{ cookiecutter.__resource_class }}Factory()
    db_session.add({{ cookiecutter.__resource_class }}(name=existing.name{% if cookiecutter.auth == "yes" %}, owner_id=existing.owner.id{% endif %}))

    with pytest.raises(IntegrityError):
        {{ cookiecutter.__await }}db_session.flush()


{{ cookiecutter.__async }}def test_a_name_is_required(db_session: {{ cookiecutter.__session }}) -> None:
    db_session.add({{ cookiecutter.__resource_class }}(id=uuid.uuid4(){% if cookiecutter.auth == "yes" %}, owner_id=uuid.uuid4(){% endif %}))

    with pytest.raises(IntegrityError):
        {{ cookiecutter.__await }}db_session.flush()
{%- if cookiecutter.auth == "yes" %}


{{ cookiecutter.__async }}def test_an_owner_must_exist(db_session: {{ cookiecutter.__session }}) -> None:
    db_session.add({{ cookiecutter.__resource_class }}(name="orphan", owner_id=uuid.uuid4()))

    with pytest.raises(IntegrityError):
        {{ cookiecutter.__await }}db_session.flush()


{{ cookiecutter.__async }}def test_deleting_a_user_deletes_their_{{ cookiecutter.resource_plural }}(db_session: {{ cookiecutter.__session }}) -> None:
    {{ cookiecutter.resource_name }} = {{ cookiecutter.__await }}{{ cookiecutter.__resource_class }}Factory()
    {{ cookiecutter.__await }}{{ cookiecutter.__resource_class }}Factory()

    {{ cookiecutter.__await }}db_session.delete({{ cookiecutter.resource_name }}.owner)
    {{ cookiecutter.__await }}db_session.flush()

    remaining = select(func.count()).select_from({{ cookiecutter.__resource_class }})
    assert {{ cookiecutter.__await }}db_session.scalar(remaining) == 1
{%- endif %}
