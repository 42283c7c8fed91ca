"""What the database itself guarantees, whatever the code above it does."""

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy.exc import IntegrityError
{{ cookiecutter.__session_import }}

from app.{{ cookiecutter.resource_plural }}.models import {{ cookiecutter.__resource_class }}
from app.{{ cookiecutter.resource_plural }}.owner import Owner


{{ cookiecutter.__async }}def test_a_duplicate_name_is_refused_by_the_database(
    db_session: {{ cookiecutter.__session }}, owner: Owner, make_{{ cookiecutter.resource_name }}: Callable[..., Any]
) -> None:
    existing = {{ cookiecutter.__await }}make_{{ cookiecutter.resource_name }}()
    db_session.add(owner.claim({{ cookiecutter.__resource_class }}(name=existing.name)))

    with pytest.raises(IntegrityError):
        {{ cookiecutter.__await }}db_session.flush()


{{ cookiecutter.__async }}def test_a_name_is_required(db_session: {{ cookiecutter.__session }}, owner: Owner) -> None:
    db_session.add(owner.claim({{ cookiecutter.__resource_class }}(id=uuid.uuid4())))

    with pytest.raises(IntegrityError):
        {{ cookiecutter.__await }}db_session.flush()
