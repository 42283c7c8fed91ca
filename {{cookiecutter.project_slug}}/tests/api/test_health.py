from collections.abc import {% if cookiecutter.mode == "async" %}AsyncIterator, {% endif %}Iterator
from contextlib import contextmanager

from fastapi import FastAPI, status
{{ cookiecutter.__client_import }}
{{ cookiecutter.__session_import }}

from app.core.db import create_db_engine, get_session
from app.core.errors import DATABASE_UNAVAILABLE
from app.main import app as service_app
from tests.database import unreachable_database_url

LIVE = service_app.url_path_for("live")
READY = service_app.url_path_for("ready")


@contextmanager
def database_down(app: FastAPI) -> Iterator[None]:
    """Requests get sessions on a database nobody can reach, until the block ends."""
    dead_engine = create_db_engine(unreachable_database_url())

    {{ cookiecutter.__async }}def session_on_a_dead_database() -> {{ cookiecutter.__iterator }}[{{ cookiecutter.__session }}]:
        {{ cookiecutter.__async }}with {{ cookiecutter.__session }}(dead_engine) as session:
            yield session

    healthy = app.dependency_overrides[get_session]
    app.dependency_overrides[get_session] = session_on_a_dead_database
    try:
        yield
    finally:
        app.dependency_overrides[get_session] = healthy


{{ cookiecutter.__async }}def test_liveness_answers_200(client: {{ cookiecutter.__client }}) -> None:
    response = {{ cookiecutter.__await }}client.get(LIVE)

    assert response.status_code == status.HTTP_200_OK
    assert response.json() == {"status": "ok"}


{{ cookiecutter.__async }}def test_readiness_answers_200_when_the_database_answers(client: {{ cookiecutter.__client }}) -> None:
    response = {{ cookiecutter.__await }}client.get(READY)

    assert response.status_code == status.HTTP_200_OK


{{ cookiecutter.__async }}def test_readiness_answers_503_during_an_outage_and_200_after_it(
    app: FastAPI,
    client: {{ cookiecutter.__client }},
) -> None:
    with database_down(app):
        during = {{ cookiecutter.__await }}client.get(READY)

    after = {{ cookiecutter.__await }}client.get(READY)

    assert during.status_code == status.HTTP_503_SERVICE_UNAVAILABLE
    assert during.json() == {"detail": DATABASE_UNAVAILABLE}
    assert after.status_code == status.HTTP_200_OK


{{ cookiecutter.__async }}def test_an_outage_on_any_endpoint_answers_503_without_a_traceback(
    app: FastAPI,
    {{ cookiecutter.__api_client }}: {{ cookiecutter.__client }},
) -> None:
    collection = service_app.url_path_for("list_{{ cookiecutter.resource_plural }}")
    with database_down(app):
        response = {{ cookiecutter.__await }}{{ cookiecutter.__api_client }}.get(collection)

    assert response.status_code == status.HTTP_503_SERVICE_UNAVAILABLE
    assert response.json() == {"detail": DATABASE_UNAVAILABLE}
