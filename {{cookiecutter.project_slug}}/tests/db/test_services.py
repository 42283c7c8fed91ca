"""The service layer on the test database: no HTTP, a real session and plain arguments."""

import pytest
{{ cookiecutter.__session_import }}

{% if cookiecutter.auth == "yes" -%}
from app.core import security
{% endif -%}
from app.core.errors import ConflictError
{%- if cookiecutter.auth == "yes" %}
from app.users import service as users
from app.users.models import User
from app.users.schemas import UserCreate
{%- endif %}

from app.{{ cookiecutter.resource_plural }} import service
from app.{{ cookiecutter.resource_plural }}.schemas import (
    {{ cookiecutter.__resource_class }}Create,
    {{ cookiecutter.__resource_class }}Update,
)
{%- if cookiecutter.auth == "yes" %}
from tests.factories import TEST_PASSWORD, {{ cookiecutter.__resource_class }}Factory
{%- endif %}
{%- if not (cookiecutter.auth == "yes") %}
from tests.factories import {{ cookiecutter.__resource_class }}Factory
{%- endif %}


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
{%- if cookiecutter.auth == "yes" %}


{{ cookiecutter.__async }}def test_registering_stores_a_hash_and_a_lowercased_email(db_session: {{ cookiecutter.__session }}) -> None:
    data = UserCreate(email="Ada@Example.com", password="a-long-password")

    user = {{ cookiecutter.__await }}users.register_user(db_session, data)

    assert user.email == "ada@example.com"
    assert user.hashed_password != "a-long-password"
    assert security.verify_password("a-long-password", user.hashed_password)


{{ cookiecutter.__async }}def test_authenticating_with_the_right_password_returns_the_user(
    db_session: {{ cookiecutter.__session }}, user: User
) -> None:
    assert {{ cookiecutter.__await }}users.authenticate(db_session, user.email, TEST_PASSWORD) is user


@pytest.mark.parametrize("email_exists", [True, False], ids=["known-email", "unknown-email"])
{{ cookiecutter.__async }}def test_authenticating_does_one_hash_check_whether_or_not_the_email_exists(
    db_session: {{ cookiecutter.__session }}, user: User, monkeypatch: pytest.MonkeyPatch, email_exists: bool
) -> None:
    checks: list[str] = []
    verify = security.password_hash.verify

    def counting_verify(password: str, hashed: str) -> bool:
        checks.append(hashed)
        return verify(password, hashed)

    monkeypatch.setattr(security.password_hash, "verify", counting_verify)
    email = user.email if email_exists else "nobody@example.com"

    {{ cookiecutter.__await }}users.authenticate(db_session, email, "wrong-password")

    assert len(checks) == 1


{{ cookiecutter.__async }}def test_authenticating_with_a_wrong_password_returns_nobody(
    db_session: {{ cookiecutter.__session }}, user: User
) -> None:
    assert {{ cookiecutter.__await }}users.authenticate(db_session, user.email, "wrong-password") is None
{%- endif %}
