import logging
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from fastapi import FastAPI, status
{{ cookiecutter.__client_import }}

from app.core.db import Database, create_db_engine, get_database
from app.core.errors import DATABASE_UNAVAILABLE
from app.main import app as service_app

from tests.database import unreachable_database_url

LIVE = service_app.url_path_for("live")
READY = service_app.url_path_for("ready")


@contextmanager
def database_down(app: FastAPI) -> Iterator[None]:
    """Requests get sessions on a database nobody can reach, until the block ends."""
    dead_database = Database(create_db_engine(unreachable_database_url()))

    async def database_nobody_can_reach() -> Database:
        return dead_database

    healthy = app.dependency_overrides[get_database]
    app.dependency_overrides[get_database] = database_nobody_can_reach
    try:
        yield
    finally:
        app.dependency_overrides[get_database] = healthy


{{ cookiecutter.__async }}def test_liveness_answers_200(client: {{ cookiecutter.__client }}) -> None:
    response = {{ cookiecutter.__await }}client.get(LIVE)

    assert response.status_code == status.HTTP_200_OK
    assert response.json() == {"status": "ok"}


{{ cookiecutter.__async }}def test_readiness_answers_200_when_the_database_answers(client: {{ cookiecutter.__client }}) -> None:
    response = {{ cookiecutter.__await }}client.get(READY)

    assert response.status_code == status.HTTP_200_OK


{{ cookiecutter.__async }}def test_readiness_answers_503_during_an_outage_logs_why_and_answers_200_after_it(
    app: FastAPI, client: {{ cookiecutter.__client }}, caplog: pytest.LogCaptureFixture
) -> None:
    with database_down(app), caplog.at_level(logging.WARNING, logger="app.health.router"):
        during = {{ cookiecutter.__await }}client.get(READY)

    after = {{ cookiecutter.__await }}client.get(READY)

    assert during.status_code == status.HTTP_503_SERVICE_UNAVAILABLE
    assert during.json() == {"detail": DATABASE_UNAVAILABLE}
    [why] = [r for r in caplog.records if r.name == "app.health.router"]
    assert why.levelno == logging.WARNING
    assert why.getMessage().startswith("not ready: the database check failed: ")
    assert after.status_code == status.HTTP_200_OK


{{ cookiecutter.__async }}def test_an_outage_on_any_endpoint_answers_503_without_a_traceback(
    app: FastAPI, {{ cookiecutter.__api_client }}: {{ cookiecutter.__client }}
) -> None:
    collection = service_app.url_path_for("list_{{ cookiecutter.resource_plural }}")
    with database_down(app):
        response = {{ cookiecutter.__await }}{{ cookiecutter.__api_client }}.get(collection)

    assert response.status_code == status.HTTP_503_SERVICE_UNAVAILABLE
    assert response.json() == {"detail": DATABASE_UNAVAILABLE}
