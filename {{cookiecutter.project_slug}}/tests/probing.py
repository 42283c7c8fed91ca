"""The service with short bounds and a route that reads, for tests that make the database
fail: a session engine of their own, and requests timed from outside."""

import time

from fastapi import FastAPI, status
from httpx2 import ASGITransport, AsyncClient, Response
from sqlalchemy import {% if cookiecutter.mode == "sync" %}Engine, {% endif %}text
{%- if cookiecutter.mode == "async" %}
from sqlalchemy.ext.asyncio import AsyncEngine
{%- endif %}

from app.core.config import Settings, get_settings
from app.core.db import Database, SessionDep, get_database
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
    """The service's answer for a database it cannot use: 503, its detail, Retry-After."""
    assert response.status_code == status.HTTP_503_SERVICE_UNAVAILABLE, response.text
    assert response.json() == {"detail": DATABASE_UNAVAILABLE}
    assert int(response.headers["Retry-After"]) > 0
