"""What the database itself guarantees, whatever the code above it does."""

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy.exc import IntegrityError
{{ cookiecutter.__session_import }}

{% if cookiecutter.auth == "yes" -%}
from app.core.errors import is_foreign_key_violation

{% endif -%}
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
{%- if cookiecutter.auth == "yes" %}


{{ cookiecutter.__async }}def test_the_driver_tells_a_missing_owner_from_a_taken_name(
    db_session: {{ cookiecutter.__session }}, owner: Owner, make_{{ cookiecutter.resource_name }}: Callable[..., Any]
) -> None:
    # What the service answers rests on it: a 401 for an account deleted meanwhile, a 409
    # for a name taken (is_foreign_key_violation reads each driver's own code).
    existing = {{ cookiecutter.__await }}make_{{ cookiecutter.resource_name }}()
    attempts = {
        "missing owner": Owner(uuid.uuid4()).claim({{ cookiecutter.__resource_class }}(name="orphan")),
        "taken name": owner.claim({{ cookiecutter.__resource_class }}(name=existing.name)),
    }
    verdicts = {}
    for attempt, row in attempts.items():
        savepoint = {{ cookiecutter.__await }}db_session.begin_nested()  # only this insert is rolled back
        db_session.add(row)
        with pytest.raises(IntegrityError) as refused:
            {{ cookiecutter.__await }}db_session.flush()
        {{ cookiecutter.__await }}savepoint.rollback()
        verdicts[attempt] = is_foreign_key_violation(refused.value)

    assert verdicts == {"missing owner": True, "taken name": False}
{%- endif %}
