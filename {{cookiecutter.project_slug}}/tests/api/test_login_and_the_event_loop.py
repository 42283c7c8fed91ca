"""Async mode: Argon2's CPU time goes to a worker thread, never to the event loop."""

import asyncio
import threading

import pytest
from fastapi import status
from httpx2 import AsyncClient

from app.core.security import verify_password
from app.main import app
from app.users import service
from app.users.models import User
from tests.factories import TEST_PASSWORD

LOGIN = app.url_path_for("login")


async def test_checking_a_password_leaves_the_event_loop_free(
    client: AsyncClient,
    user: User,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Argon2 costs tens of milliseconds of CPU. Here the check blocks until another request
    # has been answered: run on the event loop, it would hold that request up instead.
    check_started, other_request_answered = threading.Event(), threading.Event()

    def blocking_verify(password: str, hashed: str | None) -> bool:
        check_started.set()
        other_request_answered.wait(timeout=5)
        return verify_password(password, hashed)

    monkeypatch.setattr(service, "verify_password", blocking_verify)
    form = {"username": user.email, "password": TEST_PASSWORD}
    login = asyncio.create_task(client.post(LOGIN, data=form))
    assert await asyncio.to_thread(check_started.wait, 5)

    health = await client.get(app.url_path_for("live"))
    assert health.status_code == status.HTTP_200_OK
    assert not login.done(), "the password check held the event loop"
    other_request_answered.set()
    assert (await login).status_code == status.HTTP_200_OK
