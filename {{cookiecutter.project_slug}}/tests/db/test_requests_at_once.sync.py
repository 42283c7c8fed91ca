"""Requests sent at once from several threads inside one test, as the service's clients send
them: each gets a session and a connection of its own, and the answers are production's.

For requests that must meet inside the database (two inserts racing for one unique name),
see test_concurrency.py: it holds both at the point where they collide.
"""

from concurrent.futures import ThreadPoolExecutor

from fastapi import status
from httpx2 import Client
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.main import app

from app.{{ cookiecutter.resource_plural }}.models import {{ cookiecutter.__resource_class }}

LIST = app.url_path_for("list_{{ cookiecutter.resource_plural }}")
COUNT = select(func.count()).select_from({{ cookiecutter.__resource_class }})
AT_ONCE = 8


def test_reads_at_once_all_answer_200({{ cookiecutter.__api_client }}: Client) -> None:
    with ThreadPoolExecutor(max_workers=AT_ONCE) as pool:
        responses = list(pool.map({{ cookiecutter.__api_client }}.get, [LIST] * AT_ONCE))

    assert [response.status_code for response in responses] == [status.HTTP_200_OK] * AT_ONCE


def test_creates_at_once_are_all_kept({{ cookiecutter.__api_client }}: Client, db_session: Session) -> None:
    def create(number: int) -> int:
        response = {{ cookiecutter.__api_client }}.post(LIST, json={"name": f"at once {number}"})
        return response.status_code

    with ThreadPoolExecutor(max_workers=AT_ONCE) as pool:
        statuses = list(pool.map(create, range(AT_ONCE)))

    assert statuses == [status.HTTP_201_CREATED] * AT_ONCE
    assert db_session.scalar(COUNT) == AT_ONCE


def test_one_name_created_at_once_is_kept_once(
    {{ cookiecutter.__api_client }}: Client,
    db_session: Session,
) -> None:
    def create(_: int) -> int:
        return {{ cookiecutter.__api_client }}.post(LIST, json={"name": "contested"}).status_code

    with ThreadPoolExecutor(max_workers=2) as pool:
        statuses = sorted(pool.map(create, range(2)))

    assert statuses == [status.HTTP_201_CREATED, status.HTTP_409_CONFLICT]
    assert db_session.scalar(COUNT) == 1
