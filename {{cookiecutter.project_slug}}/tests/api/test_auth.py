import logging
from collections.abc import Callable
from typing import Any

import pytest
from fastapi import status
{{ cookiecutter.__client_import }}

from app.auth.router import INCORRECT_CREDENTIALS
from app.main import app
from app.users.models import User
from app.users.service import EMAIL_ALREADY_EXISTS

from tests.factories import TEST_PASSWORD, UserFactory

REGISTER = app.url_path_for("register")
LOGIN = app.url_path_for("login")


{{ cookiecutter.__async }}def test_registering_returns_201_with_the_user_and_no_password(client: {{ cookiecutter.__client }}) -> None:
    body = {"email": "ada@example.com", "password": "a-long-password", "full_name": "Ada"}

    response = {{ cookiecutter.__await }}client.post(REGISTER, json=body)

    assert response.status_code == status.HTTP_201_CREATED
    created = response.json()
    assert (created["email"], created["full_name"]) == ("ada@example.com", "Ada")
    assert not {"password", "hashed_password"} & created.keys()
    assert "a-long-password" not in response.text


def compatibility_forms(text: str, first: int) -> str:
    """`text` with each ASCII letter as its form in a Unicode block of compatibility
    letters starting at code point `first` (for "a"): NFKC folds them all back."""
    return "".join(chr(first + ord(c) - ord("a")) if "a" <= c <= "z" else c for c in text.lower())


@pytest.mark.parametrize(
    "written",
    [
        pytest.param(str.upper, id="upper-case"),
        pytest.param(lambda email: compatibility_forms(email, 0xFF41), id="fullwidth"),
        pytest.param(lambda email: compatibility_forms(email, 0x1D41A), id="mathematical-bold"),
        pytest.param(lambda email: compatibility_forms(email, 0x1D5BA), id="sans-serif"),
    ],
)
{{ cookiecutter.__async }}def test_registering_an_email_twice_returns_409(
    client: {{ cookiecutter.__client }}, user: User, written: Callable[[str], str]
) -> None:
    body = {"email": written(user.email), "password": "a-long-password"}

    response = {{ cookiecutter.__await }}client.post(REGISTER, json=body)

    assert response.status_code == status.HTTP_409_CONFLICT
    assert response.json() == {"detail": EMAIL_ALREADY_EXISTS}


@pytest.mark.parametrize(
    "body",
    [
        pytest.param({"email": "ada@example.com", "password": "short"}, id="short-password"),
        pytest.param({"email": "not-an-email", "password": "a-long-password"}, id="bad-email"),
        pytest.param({"email": "ada@example.com"}, id="missing-password"),
        pytest.param({"password": "a-long-password"}, id="missing-email"),
        pytest.param(
            {"email": "ada@example.com", "password": "a-long-password", "full_name": "A\x00"},
            id="nul-in-full-name",
        ),
    ],
)
{{ cookiecutter.__async }}def test_registering_with_an_invalid_body_returns_422(
    client: {{ cookiecutter.__client }},
    body: dict[str, Any],
) -> None:
    response = {{ cookiecutter.__await }}client.post(REGISTER, json=body)

    assert response.status_code == status.HTTP_422_UNPROCESSABLE_CONTENT
    # The answer says what is wrong, never what was sent: a password would be in it.
    assert all("input" not in error for error in response.json()["detail"])
    assert "a-long-password" not in response.text


{{ cookiecutter.__async }}def test_logging_in_returns_a_bearer_token(client: {{ cookiecutter.__client }}, user: User) -> None:
    form = {"username": user.email, "password": TEST_PASSWORD}

    response = {{ cookiecutter.__await }}client.post(LOGIN, data=form)

    assert response.status_code == status.HTTP_200_OK
    assert response.json()["token_type"] == "bearer"
    assert response.json()["access_token"]
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Pragma"] == "no-cache"


{{ cookiecutter.__async }}def test_the_email_to_log_in_with_is_not_case_sensitive(
    client: {{ cookiecutter.__client }},
    user: User,
) -> None:
    form = {"username": user.email.upper(), "password": TEST_PASSWORD}

    response = {{ cookiecutter.__await }}client.post(LOGIN, data=form)

    assert response.status_code == status.HTTP_200_OK


@pytest.mark.parametrize(
    "written",
    [
        pytest.param("  Carol@Example.com ", id="spaces"),
        pytest.param("Carol Smith <carol@example.com>", id="display-name"),
    ],
)
{{ cookiecutter.__async }}def test_an_email_logs_in_written_as_it_was_registered(
    client: {{ cookiecutter.__client }},
    written: str,
) -> None:
    body = {"email": written, "password": "a-long-password"}
    registered = {{ cookiecutter.__await }}client.post(REGISTER, json=body)
    assert registered.status_code == status.HTTP_201_CREATED

    form = {"username": written, "password": "a-long-password"}
    response = {{ cookiecutter.__await }}client.post(LOGIN, data=form)

    assert response.status_code == status.HTTP_200_OK


@pytest.mark.parametrize("known_email", [True, False], ids=["wrong-password", "unknown-email"])
{{ cookiecutter.__async }}def test_bad_credentials_get_the_same_401_whether_or_not_the_email_exists(
    client: {{ cookiecutter.__client }}, user: User, known_email: bool
) -> None:
    email = user.email if known_email else "nobody@example.com"

    form = {"username": email, "password": "wrong-password"}

    response = {{ cookiecutter.__await }}client.post(LOGIN, data=form)

    assert response.status_code == status.HTTP_401_UNAUTHORIZED
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert response.json() == {"detail": INCORRECT_CREDENTIALS}


@pytest.mark.parametrize(
    "username",
    [
        # Looked up as it comes, PostgreSQL would fail on U+0000.
        pytest.param("ada\x00@example.com", id="nul"),
        pytest.param("no address at all", id="not-an-email"),
    ],
)
{{ cookiecutter.__async }}def test_a_username_that_is_no_storable_email_gets_the_same_401(
    client: {{ cookiecutter.__client }}, username: str
) -> None:
    form = {"username": username, "password": "a-long-password"}

    response = {{ cookiecutter.__await }}client.post(LOGIN, data=form)

    assert response.status_code == status.HTTP_401_UNAUTHORIZED
    assert response.json() == {"detail": INCORRECT_CREDENTIALS}


{{ cookiecutter.__async }}def test_an_inactive_user_cannot_log_in(client: {{ cookiecutter.__client }}) -> None:
    inactive = {{ cookiecutter.__await }}UserFactory(inactive=True)

    form = {"username": inactive.email, "password": TEST_PASSWORD}

    response = {{ cookiecutter.__await }}client.post(LOGIN, data=form)

    assert response.status_code == status.HTTP_401_UNAUTHORIZED


{{ cookiecutter.__async }}def test_logging_in_without_a_form_returns_422(client: {{ cookiecutter.__client }}) -> None:
    response = {{ cookiecutter.__await }}client.post(LOGIN, json={"username": "a", "password": "b"})

    assert response.status_code == status.HTTP_422_UNPROCESSABLE_CONTENT


{{ cookiecutter.__async }}def test_passwords_and_tokens_never_reach_the_logs(
    client: {{ cookiecutter.__client }}, caplog: pytest.LogCaptureFixture
) -> None:
    password = "a-very-secret-password"
    credentials = {"email": "quiet@example.com", "password": password}

    with caplog.at_level(logging.DEBUG):
        {{ cookiecutter.__await }}client.post(REGISTER, json=credentials)
        form = {"username": credentials["email"], "password": password}
        logged_in = {{ cookiecutter.__await }}client.post(LOGIN, data=form)
        token = logged_in.json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        {{ cookiecutter.__await }}client.get(app.url_path_for("read_current_user"), headers=headers)

    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert caplog.records
    assert password not in logged
    assert token not in logged
