"""Wrong logins sent at once from several threads: each is counted before its password is
checked, so no more than the limit get a check, however they interleave; and they clear the
failures that left the window without waiting on one another."""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from fastapi import status
from httpx2 import Client
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from app.auth import throttle
from app.auth.models import LoginFailure
from app.core import security
from app.core.config import Settings, get_settings
from app.core.security import verify_password
from app.main import app
from app.users.models import User

AT_ONCE = 10
LIMIT = 3
# Rounds of the test below: a deadlock shows in some interleavings, not in every one.
ROUNDS = 10


def wrong(email: str) -> dict[str, str]:
    return {"username": email, "password": "wrong-password"}


def test_logins_at_once_get_no_more_password_checks_than_the_limit(
    client: Client, db_session: Session, user: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(get_settings(), "login_failures_per_account", LIMIT)
    admit = throttle.admit
    decided = 0
    counting = threading.Lock()  # admit runs in the requests' threads
    all_decided = threading.Event()

    def admit_and_tell(session: Session, attempt: throttle.Attempt, settings: Settings) -> None:
        nonlocal decided
        try:
            admit(session, attempt, settings)
        finally:
            with counting:
                decided += 1
                if decided == AT_ONCE:
                    all_decided.set()

    def verify_when_all_are_decided(password: str, hashed: str | None) -> bool:
        # Held until every attempt has been let through or refused: had the count come after
        # the check, every attempt would be here.
        assert all_decided.wait(timeout=10)
        return verify_password(password, hashed)

    monkeypatch.setattr(throttle, "admit", admit_and_tell)
    monkeypatch.setattr("app.users.service.verify_password", verify_when_all_are_decided)
    form = wrong(user.email)

    def log_in(_: int) -> int:
        return client.post(app.url_path_for("login"), data=form).status_code

    with ThreadPoolExecutor(max_workers=AT_ONCE) as pool:
        statuses = list(pool.map(log_in, range(AT_ONCE)))
    for _ in range(LIMIT + 1):  # then one at a time, until refused
        response = client.post(app.url_path_for("login"), data=form)
        statuses.append(response.status_code)
        if response.status_code == status.HTTP_429_TOO_MANY_REQUESTS:
            break
    counted = db_session.scalar(select(func.count()).select_from(LoginFailure))

    assert set(statuses) == {status.HTTP_401_UNAUTHORIZED, status.HTTP_429_TOO_MANY_REQUESTS}
    assert statuses.count(status.HTTP_401_UNAUTHORIZED) == LIMIT
    assert statuses[-1] == status.HTTP_429_TOO_MANY_REQUESTS
    assert counted == LIMIT


def test_logins_at_once_clear_expired_failures_without_a_deadlock(
    client: Client, db_session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Each attempt deletes its client's failures that left the window: attempts of one client
    # at once delete the same rows. On MySQL, deleted in the transaction of the attempt's own
    # insert, they deadlocked (a 503). Argon2's queue is widened: this is about the database.
    monkeypatch.setattr(security, "hashing_queue", threading.BoundedSemaphore(AT_ONCE))
    window = timedelta(seconds=get_settings().login_failure_window)
    emails = [f"guess-{n}@example.com" for n in range(3)]

    def log_in(email: str) -> int:
        return client.post(app.url_path_for("login"), data=wrong(email)).status_code

    for _ in range(ROUNDS):
        for email in emails:
            client.post(app.url_path_for("login"), data=wrong(email))
        long_ago = throttle.database_now(db_session) - window
        db_session.execute(update(LoginFailure).values(failed_at=long_ago))
        db_session.commit()  # a write held open would block the requests

        with ThreadPoolExecutor(max_workers=2 * len(emails)) as pool:
            statuses = list(pool.map(log_in, emails * 2))

        assert statuses == [status.HTTP_401_UNAUTHORIZED] * 2 * len(emails)
    counted = db_session.scalar(select(func.count()).select_from(LoginFailure))
    assert counted == 2 * len(emails)  # the last round's; every earlier one was cleared
