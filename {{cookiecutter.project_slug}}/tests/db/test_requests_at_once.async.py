"""Requests sent at once inside one test (asyncio.gather), as the service's clients send
them: each gets a session and a connection of its own, and the answers are production's.

For requests that must meet inside the database (two inserts racing for one unique name),
see test_concurrency.py: it holds both at the point where they collide.
"""

import asyncio

from fastapi import status
from httpx2 import AsyncClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.main import app

from app.{{ cookiecutter.resource_plural }}.models import {{ cookiecutter.__resource_class }}

LIST = app.url_path_for("list_{{ cookiecutter.resource_plural }}")
COUNT = select(func.count()).select_from({{ cookiecutter.__resource_class }})
AT_ONCE = 8


async def test_reads_at_once_all_answer_200({{ cookiecutter.__api_client }}: AsyncClient) -> None:
    reads = [{{ cookiecutter.__api_client }}.get(LIST) for _ in range(AT_ONCE)]

    responses = await asyncio.gather(*reads)

    assert [response.status_code for response in responses] == [status.HTTP_200_OK] * AT_ONCE


async def test_creates_at_once_are_all_kept(
    {{ cookiecutter.__api_client }}: AsyncClient,
    db_session: AsyncSession,
) -> None:
    creates = [{{ cookiecutter.__api_client }}.post(LIST, json={"name": f"{n}"}) for n in range(AT_ONCE)]

    responses = await asyncio.gather(*creates)

    assert [response.status_code for response in responses] == [status.HTTP_201_CREATED] * AT_ONCE
    assert await db_session.scalar(COUNT) == AT_ONCE


async def test_one_name_created_at_once_is_kept_once(
    {{ cookiecutter.__api_client }}: AsyncClient, db_session: AsyncSession
) -> None:
    both = [{{ cookiecutter.__api_client }}.post(LIST, json={"name": "contested"}) for _ in range(2)]

    statuses = sorted(response.status_code for response in await asyncio.gather(*both))

    assert statuses == [status.HTTP_201_CREATED, status.HTTP_409_CONFLICT]
    assert await db_session.scalar(COUNT) == 1
