"""One address registered by two requests at once: the database decides, one account is made."""

import asyncio

from fastapi import status
from httpx2 import AsyncClient

from app.main import app


async def test_one_email_registered_at_once_gets_one_account(client: AsyncClient) -> None:
    body = {"email": "twice@example.com", "password": "a-long-password", "full_name": "Twice"}
    both = [client.post(app.url_path_for("register"), json=body) for _ in range(2)]

    statuses = sorted(response.status_code for response in await asyncio.gather(*both))

    assert statuses == [status.HTTP_201_CREATED, status.HTTP_409_CONFLICT]
