"""Failed logins are counted per account and per client, in the database, over a window of
the database's clock; past a limit the service answers 429 without checking a password."""

import threading
from collections.abc import Callable
from datetime import timedelta

import pytest
from fastapi import status
{{ cookiecutter.__client_import }}
from sqlalchemy import func, select, update
{{ cookiecutter.__session_import }}

from app.auth.models import LoginFailure
from app.auth.router import INCORRECT_CREDENTIALS
from app.auth.throttle import TOO_MANY_ATTEMPTS, database_now
from app.core import security
from app.core.config import Settings, get_settings
from app.main import app
from app.users.models import User

from tests.factories import TEST_PASSWORD

LOGIN = app.url_path_for("login")
# a-z to their fullwidth forms (U+FF41...), which NFKC folds back.
FULLWIDTH = {letter: letter + 0xFEE0 for letter in range(ord("a"), ord("z") + 1)}


@pytest.fixture(autouse=True)
def settings(monkeypatch: pytest.MonkeyPatch) -> Settings:
    """The service's settings with limits of a few failures: the throttle counts as it does
    with the defaults (10 per account, 50 per client) in a fraction of the requests."""
    live = get_settings()  # what the login route reads on each request
    monkeypatch.setattr(live, "login_failures_per_account", 3)
    monkeypatch.setattr(live, "login_failures_per_client", 5)
    return live


{{ cookiecutter.__async }}def fail_to_log_in(client: {{ cookiecutter.__client }}, email: str, times: int) -> list[int]:
    form = {"username": email, "password": "wrong-password"}
    statuses: list[int] = []
    for _ in range(times):
        response = {{ cookiecutter.__await }}client.post(LOGIN, data=form)
        statuses.append(response.status_code)
    return statuses


{{ cookiecutter.__async }}def test_an_account_past_its_failure_limit_gets_429_even_with_its_password(
    client: {{ cookiecutter.__client }}, user: User, settings: Settings
) -> None:
    limit = settings.login_failures_per_account

    answers = {{ cookiecutter.__await }}fail_to_log_in(client, user.email, limit)
    refused = {{ cookiecutter.__await }}client.post(LOGIN, data={"username": user.email, "password": TEST_PASSWORD})

    assert answers == [status.HTTP_401_UNAUTHORIZED] * limit
    assert refused.status_code == status.HTTP_429_TOO_MANY_REQUESTS
    assert refused.json() == {"detail": TOO_MANY_ATTEMPTS}
    assert 0 < int(refused.headers["Retry-After"]) <= settings.login_failure_window


@pytest.mark.parametrize(
    "written",
    [
        pytest.param(str.upper, id="upper-case"),
        pytest.param(lambda email: f"  {email} ", id="spaces"),
        pytest.param(lambda email: email.translate(FULLWIDTH), id="fullwidth"),
    ],
)
{{ cookiecutter.__async }}def test_an_account_is_counted_however_its_email_is_written(
    client: {{ cookiecutter.__client }}, user: User, written: Callable[[str], str], settings: Settings
) -> None:
    limit = settings.login_failures_per_account
    {{ cookiecutter.__await }}fail_to_log_in(client, user.email, limit - 1)

    answers = {{ cookiecutter.__await }}fail_to_log_in(client, written(user.email), 2)

    assert answers == [status.HTTP_401_UNAUTHORIZED, status.HTTP_429_TOO_MANY_REQUESTS]


{{ cookiecutter.__async }}def test_a_client_past_its_failure_limit_gets_429_for_any_account(
    client: {{ cookiecutter.__client }}, settings: Settings
) -> None:
    per_account = settings.login_failures_per_account
    per_client = settings.login_failures_per_client
    answers: list[int] = []
    for n in range(-(-per_client // (per_account - 1))):  # never an account's own limit
        times = min(per_account - 1, per_client - len(answers))
        answers += {{ cookiecutter.__await }}fail_to_log_in(client, f"guess-{n}@example.com", times)

    refused = {{ cookiecutter.__await }}fail_to_log_in(client, "someone-else@example.com", 1)

    assert answers == [status.HTTP_401_UNAUTHORIZED] * per_client
    assert refused == [status.HTTP_429_TOO_MANY_REQUESTS]


{{ cookiecutter.__async }}def test_a_refused_attempt_is_not_counted(
    client: {{ cookiecutter.__client }}, db_session: {{ cookiecutter.__session }}, user: User, settings: Settings
) -> None:
    limit = settings.login_failures_per_account
    {{ cookiecutter.__await }}fail_to_log_in(client, user.email, limit)

    refused = {{ cookiecutter.__await }}fail_to_log_in(client, user.email, 3)
    counted = {{ cookiecutter.__await }}db_session.scalar(select(func.count()).select_from(LoginFailure))

    assert refused == [status.HTTP_429_TOO_MANY_REQUESTS] * 3
    assert counted == limit  # a refusal does not push the oldest failure's expiry back


{{ cookiecutter.__async }}def test_failures_older_than_the_window_no_longer_count(
    client: {{ cookiecutter.__client }}, db_session: {{ cookiecutter.__session }}, user: User, settings: Settings
) -> None:
    {{ cookiecutter.__await }}fail_to_log_in(client, user.email, settings.login_failures_per_account)
    # As if the window had passed, on the database's clock (the one the throttle reads).
    window = timedelta(seconds=settings.login_failure_window)
    long_ago = {{ cookiecutter.__await }}database_now(db_session) - window
    {{ cookiecutter.__await }}db_session.execute(update(LoginFailure).values(failed_at=long_ago))
    {{ cookiecutter.__await }}db_session.commit()  # a write held open would block the request

    response = {{ cookiecutter.__await }}client.post(LOGIN, data={"username": user.email, "password": TEST_PASSWORD})

    assert response.status_code == status.HTTP_200_OK


{{ cookiecutter.__async }}def test_a_new_failure_prunes_the_ones_that_left_the_window(
    client: {{ cookiecutter.__client }}, db_session: {{ cookiecutter.__session }}, user: User, settings: Settings
) -> None:
    {{ cookiecutter.__await }}fail_to_log_in(client, user.email, 3)
    window = timedelta(seconds=settings.login_failure_window)
    long_ago = {{ cookiecutter.__await }}database_now(db_session) - window
    {{ cookiecutter.__await }}db_session.execute(update(LoginFailure).values(failed_at=long_ago))
    {{ cookiecutter.__await }}db_session.commit()  # a write held open would block the request

    {{ cookiecutter.__await }}fail_to_log_in(client, "someone-else@example.com", 1)
    left = {{ cookiecutter.__await }}db_session.scalar(select(func.count()).select_from(LoginFailure))

    assert left == 1  # the same client's old failures went with it


{{ cookiecutter.__async }}def test_a_successful_login_clears_its_accounts_failures(
    client: {{ cookiecutter.__client }}, db_session: {{ cookiecutter.__session }}, user: User, settings: Settings
) -> None:
    {{ cookiecutter.__await }}fail_to_log_in(client, user.email, settings.login_failures_per_account - 1)
    form = {"username": user.email, "password": TEST_PASSWORD}
    response = {{ cookiecutter.__await }}client.post(LOGIN, data=form)
    assert response.status_code == status.HTTP_200_OK

    left = {{ cookiecutter.__await }}db_session.scalar(select(func.count()).select_from(LoginFailure))

    assert left == 0


{{ cookiecutter.__async }}def test_the_failures_table_holds_no_email_address(
    client: {{ cookiecutter.__client }}, db_session: {{ cookiecutter.__session }}, user: User
) -> None:
    {{ cookiecutter.__await }}fail_to_log_in(client, user.email, 1)

    accounts = list({{ cookiecutter.__await }}db_session.scalars(select(LoginFailure.account)))

    assert len(accounts) == 1
    assert user.email not in accounts[0]
    assert user.email.split("@")[0] not in accounts[0]


{{ cookiecutter.__async }}def test_past_the_argon2_queue_a_login_is_refused_at_once_with_503(
    client: {{ cookiecutter.__client }}, user: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Every place in the queue taken, as by a flood of logins: the next one does not wait
    # for a turn (holding a worker thread meanwhile), it is told to come back.
    monkeypatch.setattr(security, "hashing_queue", threading.BoundedSemaphore(1))
    security.hashing_queue.acquire()

    response = {{ cookiecutter.__await }}client.post(LOGIN, data={"username": user.email, "password": TEST_PASSWORD})

    assert response.status_code == status.HTTP_503_SERVICE_UNAVAILABLE
    assert response.json() == {"detail": security.HASHING_BUSY}
    assert int(response.headers["Retry-After"]) > 0
    assert response.json()["detail"] != INCORRECT_CREDENTIALS


{{ cookiecutter.__async }}def test_an_attempt_counts_before_its_password_is_checked(
    client: {{ cookiecutter.__client }}, db_session: {{ cookiecutter.__session }}, user: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Refused a turn at Argon2 (as in the test above), so its password is never checked.
    monkeypatch.setattr(security, "hashing_queue", threading.BoundedSemaphore(1))
    security.hashing_queue.acquire()

    response = {{ cookiecutter.__await }}client.post(LOGIN, data={"username": user.email, "password": "wrong-password"})
    counted = {{ cookiecutter.__await }}db_session.scalar(select(func.count()).select_from(LoginFailure))

    assert response.status_code == status.HTTP_503_SERVICE_UNAVAILABLE
    assert counted == 1
