from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import jwt
import pytest
from fastapi import status
{{ cookiecutter.__client_import }}

from app.core.config import get_settings
from app.core.security import create_access_token
from app.main import app
from app.users.models import User

from tests.factories import UserFactory

ME = app.url_path_for("read_current_user")


{{ cookiecutter.__async }}def test_reading_me_returns_the_signed_in_user(
    client: {{ cookiecutter.__client }}, auth_headers: dict[str, str], user: User
) -> None:
    response = {{ cookiecutter.__await }}client.get(ME, headers=auth_headers)

    assert response.status_code == status.HTTP_200_OK
    assert response.json()["email"] == user.email
    assert "hashed_password" not in response.json()


def _token_signed_with_another_key(user: User) -> str:
    settings = get_settings().model_copy(update={"secret_key": "another-key-" * 4})
    return create_access_token(user.id, settings)


def _expired_token(user: User) -> str:
    settings = get_settings().model_copy(update={"access_token_expire_minutes": -1})
    return create_access_token(user.id, settings)


def _unsigned_token(user: User) -> str:
    return jwt.encode({"sub": str(user.id)}, key="", algorithm="none")


def _token_signed_with_another_algorithm(user: User) -> str:
    # Valid in every claim and signed with the service's own key, but with HS384.
    settings, now = get_settings(), datetime.now(UTC)
    claims = {
        "sub": str(user.id),
        "iat": now,
        "exp": now + timedelta(minutes=5),
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
    }
    return jwt.encode(claims, settings.secret_key, algorithm="HS384")


def _token_for_another_audience(user: User) -> str:
    settings = get_settings().model_copy(update={"jwt_audience": "someone-else"})
    return create_access_token(user.id, settings)


def _token_from_another_issuer(user: User) -> str:
    # Same key and audience: another service sharing the key must not sign in here.
    settings = get_settings().model_copy(update={"jwt_issuer": "another-service"})
    return create_access_token(user.id, settings)


@pytest.mark.parametrize(
    "make_headers",
    [
        pytest.param(lambda user: {}, id="no-token"),
        pytest.param(lambda user: {"Authorization": "Bearer not-a-jwt"}, id="malformed"),
        pytest.param(lambda user: {"Authorization": "Basic abc"}, id="wrong-scheme"),
        pytest.param(
            lambda user: {"Authorization": f"Bearer {_token_signed_with_another_key(user)}"},
            id="signed-with-another-key",
        ),
        pytest.param(
            lambda user: {"Authorization": f"Bearer {_expired_token(user)}"}, id="expired"
        ),
        pytest.param(
            lambda user: {"Authorization": f"Bearer {_unsigned_token(user)}"}, id="alg-none"
        ),
        pytest.param(
            lambda user: {"Authorization": f"Bearer {_token_signed_with_another_algorithm(user)}"},
            id="another-algorithm",
        ),
        pytest.param(
            lambda user: {"Authorization": f"Bearer {_token_for_another_audience(user)}"},
            id="another-audience",
        ),
        pytest.param(
            lambda user: {"Authorization": f"Bearer {_token_from_another_issuer(user)}"},
            id="another-issuer",
        ),
    ],
)
{{ cookiecutter.__async }}def test_reading_me_without_a_valid_token_returns_401(
    client: {{ cookiecutter.__client }}, user: User, make_headers: Callable[[User], dict[str, str]]
) -> None:
    response = {{ cookiecutter.__await }}client.get(ME, headers=make_headers(user))

    assert response.status_code == status.HTTP_401_UNAUTHORIZED
    assert response.headers["WWW-Authenticate"] == "Bearer"


{{ cookiecutter.__async }}def test_a_token_of_a_deactivated_user_returns_401(client: {{ cookiecutter.__client }}) -> None:
    inactive = {{ cookiecutter.__await }}UserFactory(inactive=True)
    token = create_access_token(inactive.id, get_settings())

    response = {{ cookiecutter.__await }}client.get(ME, headers={"Authorization": f"Bearer {token}"})

    assert response.status_code == status.HTTP_401_UNAUTHORIZED


def test_tokens_use_the_pinned_algorithm(user: User) -> None:
    header = jwt.get_unverified_header(create_access_token(user.id, get_settings()))

    # The literal, not security.ALGORITHM: a change of algorithm must be a decision, not
    # something a shared constant carries through unnoticed.
    assert header["alg"] == "HS256"
