"""Async mode: Argon2's CPU time goes to a worker thread, never to the event loop."""

import asyncio
import threading
from collections.abc import Callable
from typing import Any

import pytest
from fastapi import status
from httpx2 import AsyncClient, Response

from app.main import app
from app.users import service
from app.users.models import User

from tests.factories import TEST_PASSWORD


def held_until_another_request_is_answered(
    monkeypatch: pytest.MonkeyPatch, name: str
) -> tuple[threading.Event, threading.Event, list[bool]]:
    """Replaces service.<name> (an Argon2 call) with one that waits, up to 5 s, until the
    test has been answered another request. Run on the event loop, it would hold that
    request up instead: its wait would time out, which `waited` records as False."""
    started, answered, waited = threading.Event(), threading.Event(), list[bool]()
    real: Callable[..., Any] = getattr(service, name)

    def held(*args: Any) -> Any:
        started.set()
        waited.append(answered.wait(timeout=5))
        return real(*args)

    monkeypatch.setattr(service, name, held)
    return started, answered, waited


async def another_request_is_answered_meanwhile(
    client: AsyncClient, call: "asyncio.Task[Response]", started: threading.Event
) -> None:
    assert await asyncio.to_thread(started.wait, 5), "the password work never started"
    health = await client.get(app.url_path_for("live"))
    assert health.status_code == status.HTTP_200_OK
    assert not call.done()


async def test_checking_a_password_leaves_the_event_loop_free(
    client: AsyncClient, user: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    started, answered, waited = held_until_another_request_is_answered(
        monkeypatch, "verify_password"
    )
    form = {"username": user.email, "password": TEST_PASSWORD}
    login = asyncio.create_task(client.post(app.url_path_for("login"), data=form))

    await another_request_is_answered_meanwhile(client, login, started)
    answered.set()

    assert (await login).status_code == status.HTTP_200_OK
    assert waited == [True], "the password check held the event loop"


async def test_hashing_a_new_password_leaves_the_event_loop_free(
    client: AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    started, answered, waited = held_until_another_request_is_answered(monkeypatch, "hash_password")
    body = {"email": "new@example.com", "password": "a-long-password"}
    register = asyncio.create_task(client.post(app.url_path_for("register"), json=body))

    await another_request_is_answered_meanwhile(client, register, started)
    answered.set()

    assert (await register).status_code == status.HTTP_201_CREATED
    assert waited == [True], "hashing the password held the event loop"
