"""Whose {{ cookiecutter.resource_plural }} are whose, in the database and in the factories."""

import uuid

import factory
import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
{{ cookiecutter.__session_import }}

from app.{{ cookiecutter.resource_plural }}.models import {{ cookiecutter.__resource_class }}
from tests import factories
from tests.factories import {{ cookiecutter.__resource_class }}Factory


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


{{ cookiecutter.__async }}def test_self_attribute_reaches_through_a_sub_factory(db_session: {{ cookiecutter.__session }}) -> None:
    made = {{ cookiecutter.__await }}{{ cookiecutter.__resource_class }}Factory(description=factory.SelfAttribute("owner.email"))

    assert made.description == made.owner.email
    assert made.owner_id is not None


{{ cookiecutter.__async }}def test_a_trait_sets_its_fields(db_session: {{ cookiecutter.__session }}) -> None:
    inactive = {{ cookiecutter.__await }}factories.UserFactory(inactive=True)

    assert inactive.is_active is False
