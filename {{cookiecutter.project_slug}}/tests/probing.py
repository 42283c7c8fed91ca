"""The service with short bounds and a route that reads, for tests that make the database
fail: a session engine of their own, and requests timed from outside."""

import asyncio
import math
import random
import time

from fastapi import FastAPI, status
from httpx2 import ASGITransport, AsyncClient, Response
from sqlalchemy import {% if cookiecutter.mode == "sync" %}Engine, {% endif %}QueuePool, text
{%- if cookiecutter.mode == "async" %}
from sqlalchemy.ext.asyncio import AsyncEngine
{%- endif %}

from app.core.config import MAX_SECONDS, Settings, get_settings
from app.core.db import Database, SessionDep, get_database
from app.core.deadline import NOTHING_CHANGED
from app.core.errors import DATABASE_UNAVAILABLE
from app.main import create_app

# What production sets, smaller, so that the tests wait fractions of a second. (libpq
# counts its connect timeout in whole seconds; the others are enforced to the millisecond.)
BOUNDS = get_settings().model_copy(
    update={
        "database_connect_timeout": 1,
        "database_statement_timeout": 1,
        "database_pool_timeout": 0.05,
        "readiness_timeout": 0.5,
        "request_timeout": 0.5,
    }
)
# Time a 503 may take past its bound: the scheduling of a busy test machine.
SLACK = 1.5
# Statement bounds in seconds to try a setting with: the edges (under a millisecond, where
# rounding to the nearest gives 0, which servers read as no bound; products such as
# 1.1 * 1000 that land just above a whole number; the largest allowed), then 40 drawn from a
# fixed seed over the orders of magnitude between.
_EDGES = [1e-6, 0.0004, 0.0005, 0.001, 0.0015, 0.5, 1, 1.1, 2.3, 10, 59.999, 3600, MAX_SECONDS]
_draw = random.Random(2024)  # noqa: S311 (test cases, not secrets)
STATEMENT_SECONDS = _EDGES + [
    round(10 ** _draw.uniform(-3, math.log10(MAX_SECONDS)), 4) for _ in range(40)
]
PROBE = "/probe"


def service_with_sessions_on(engine: {{ cookiecutter.__engine }}, settings: Settings = BOUNDS) -> FastAPI:
    """A service app with `settings` whose sessions are on `engine`, plus GET PROBE, which
    reads through a session as every route does."""
    app = create_app(settings)

    @app.get(PROBE)
    {{ cookiecutter.__async }}def probe(session: SessionDep) -> None:
        {{ cookiecutter.__await }}session.execute(text("SELECT 1"))

    database = Database(engine)

    async def database_on_the_engine() -> Database:
        return database

    app.dependency_overrides[get_database] = database_on_the_engine
    return app


async def timed_get(app: FastAPI, path: str) -> tuple[Response, float]:
    """GET `path` from `app`: the response, and the seconds it took."""
    async with AsyncClient(transport=ASGITransport(app=app), base_url="http://test") as client:
        started = time.monotonic()
        response = await client.get(path)
        return response, time.monotonic() - started


def assert_unavailable(response: Response) -> None:
    """The service's answer for a database it cannot use: 503 with Retry-After, and the
    database's detail, or the deadline's when the database held the request past it."""
    assert response.status_code == status.HTTP_503_SERVICE_UNAVAILABLE, response.text
    assert response.json()["detail"] in (DATABASE_UNAVAILABLE, NOTHING_CHANGED)
    assert int(response.headers["Retry-After"]) > 0


async def every_connection_returned(engine: {{ cookiecutter.__engine }}, seconds: float) -> bool:
    """Whether, within `seconds`, no connection of `engine`'s pool is checked out: work left
    to finish past a deadline has ended its session (a test that ended first would leave
    its transaction open, and its locks, to the tests after it)."""
    pool = engine.pool
    assert isinstance(pool, QueuePool)  # the pool app.core.db gives every database
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not pool.checkedout():
            return True
        await asyncio.sleep(0.05)
    return False
