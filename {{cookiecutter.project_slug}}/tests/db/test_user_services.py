"""The users' service on the test database: registration and authentication, no HTTP."""

import pytest
{{ cookiecutter.__session_import }}

from app.core import security
from app.users import service as users
from app.users.models import User
from app.users.schemas import UserCreate

from tests.factories import TEST_PASSWORD


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
