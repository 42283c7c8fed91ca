"""The service's own decisions, with a stand-in for the session: no database at all.

A `Mock(spec=...)` answers only what the real session has, so a call the service does
not make on a real session fails here too. What the database itself decides (ordering,
constraints, what a commit keeps) is tested against it, in tests/db.
"""

import uuid
from unittest.mock import {{ "AsyncMock" if cookiecutter.mode == "async" else "Mock" }}

import pytest
{{ cookiecutter.__session_import }}

from app.core.errors import NotFoundError

from app.{{ cookiecutter.resource_plural }} import service
from app.{{ cookiecutter.resource_plural }}.models import {{ cookiecutter.__resource_class }}
from app.{{ cookiecutter.resource_plural }}.owner import Owner

OWNER = Owner({% if cookiecutter.auth == "yes" %}uuid.uuid4(){% endif %})


def session_that_finds(found: {{ cookiecutter.__resource_class }} | None) -> {{ "AsyncMock" if cookiecutter.mode == "async" else "Mock" }}:
    session = {{ "AsyncMock" if cookiecutter.mode == "async" else "Mock" }}(spec={{ cookiecutter.__session }})
    session.get.return_value = found
    return session


def stored(owner: Owner) -> {{ cookiecutter.__resource_class }}:
    return owner.claim({{ cookiecutter.__resource_class }}(id=uuid.uuid4(), name="groceries"))


{{ cookiecutter.__async }}def test_what_the_session_finds_is_returned() -> None:
    {{ cookiecutter.resource_name }} = stored(OWNER)
    session = session_that_finds({{ cookiecutter.resource_name }})

    found = {{ cookiecutter.__await }}service.get_{{ cookiecutter.resource_name }}(session, {{ cookiecutter.resource_name }}.id, OWNER)

    assert found is {{ cookiecutter.resource_name }}
    session.get.assert_called_once_with({{ cookiecutter.__resource_class }}, {{ cookiecutter.resource_name }}.id)


{{ cookiecutter.__async }}def test_nothing_found_is_reported_as_not_found() -> None:
    with pytest.raises(NotFoundError):
        {{ cookiecutter.__await }}service.get_{{ cookiecutter.resource_name }}(session_that_finds(None), uuid.uuid4(), OWNER)
{%- if cookiecutter.auth == "yes" %}


{{ cookiecutter.__async }}def test_another_owners_{{ cookiecutter.resource_name }}_is_reported_as_not_found_too() -> None:
    theirs = stored(Owner(uuid.uuid4()))

    with pytest.raises(NotFoundError):
        {{ cookiecutter.__await }}service.get_{{ cookiecutter.resource_name }}(session_that_finds(theirs), theirs.id, OWNER)
{%- endif %}
