"""Wrong logins sent at once: each is counted before its password is checked, so no more than
the limit get a check, however they interleave."""

import asyncio
import threading

import pytest
from fastapi import status
from httpx2 import AsyncClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth import throttle
from app.auth.models import LoginFailure
from app.core.config import Settings, get_settings
from app.core.security import verify_password
from app.main import app
from app.users.models import User

AT_ONCE = 10
LIMIT = 3


async def test_logins_at_once_get_no_more_password_checks_than_the_limit(
    client: AsyncClient, db_session: AsyncSession, user: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(get_settings(), "login_failures_per_account", LIMIT)
    admit = throttle.admit
    decided = 0
    all_decided = threading.Event()

    async def admit_and_tell(
        session: AsyncSession, attempt: throttle.Attempt, settings: Settings
    ) -> None:
        nonlocal decided
        try:
            await admit(session, attempt, settings)
        finally:
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
    form = {"username": user.email, "password": "wrong-password"}

    at_once = await asyncio.gather(
        *(client.post(app.url_path_for("login"), data=form) for _ in range(AT_ONCE))
    )
    statuses = [response.status_code for response in at_once]
    for _ in range(LIMIT + 1):  # then one at a time, until refused
        response = await client.post(app.url_path_for("login"), data=form)
        statuses.append(response.status_code)
        if response.status_code == status.HTTP_429_TOO_MANY_REQUESTS:
            break
    counted = await db_session.scalar(select(func.count()).select_from(LoginFailure))

    assert set(statuses) == {status.HTTP_401_UNAUTHORIZED, status.HTTP_429_TOO_MANY_REQUESTS}
    assert statuses.count(status.HTTP_401_UNAUTHORIZED) == LIMIT
    assert statuses[-1] == status.HTTP_429_TOO_MANY_REQUESTS
    assert counted == LIMIT
