"""The production session dependency keeps its promise: commit on success, roll back on error."""

import pytest
from sqlalchemy import select
{%- if cookiecutter.mode == "async" %}
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
{%- else %}
from sqlalchemy.orm import Session, sessionmaker
{%- endif %}

from app.core import db
from app.{{ cookiecutter.resource_plural }}.models import {{ cookiecutter.__resource_class }}
{%- if cookiecutter.auth == "yes" %}
from app.users.models import User
{%- endif %}


{{ cookiecutter.__async }}def test_get_session_commits_after_success_and_rolls_back_after_an_error(
    db_session: {{ cookiecutter.__session }},
{%- if cookiecutter.auth == "yes" %}
    user: User,
{%- endif %}
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Sessions from get_session join the test's transaction, as db_session does.
    connection = {{ cookiecutter.__await }}db_session.connection()
    factory = {{ "async_sessionmaker" if cookiecutter.mode == "async" else "sessionmaker" }}(bind=connection, join_transaction_mode="create_savepoint")
    monkeypatch.setattr(db, "SessionFactory", factory)

    succeeding = db.get_session()
    session = {{ cookiecutter.__await }}{{ "anext" if cookiecutter.mode == "async" else "next" }}(succeeding)
    session.add({{ cookiecutter.__resource_class }}(name="kept"{% if cookiecutter.auth == "yes" %}, owner_id=user.id{% endif %}))
    with pytest.raises({{ "StopAsyncIteration" if cookiecutter.mode == "async" else "StopIteration" }}):
        {{ cookiecutter.__await }}{{ "anext" if cookiecutter.mode == "async" else "next" }}(succeeding)

    failing = db.get_session()
    session = {{ cookiecutter.__await }}{{ "anext" if cookiecutter.mode == "async" else "next" }}(failing)
    session.add({{ cookiecutter.__resource_class }}(name="dropped"{% if cookiecutter.auth == "yes" %}, owner_id=user.id{% endif %}))
    with pytest.raises(RuntimeError):
        {{ cookiecutter.__await }}failing.{{ "athrow" if cookiecutter.mode == "async" else "throw" }}(RuntimeError("the handler failed"))

    names = {{ cookiecutter.__await }}db_session.scalars(select({{ cookiecutter.__resource_class }}.name))
    assert list(names) == ["kept"]
