"""Creating through the API queues the webhook: run at once here (Celery's eager mode)."""

import json
import logging
import socket
import time

import pytest
import respx
from fastapi import status
{{ cookiecutter.__client_import }}
from kombu.exceptions import OperationalError

from app.core.config import get_settings
from app.main import app
from app.worker import create_celery

from app.{{ cookiecutter.resource_plural }} import webhooks
from app.{{ cookiecutter.resource_plural }}.tasks import deliver_{{ cookiecutter.resource_name }}_created

COLLECTION = app.url_path_for("list_{{ cookiecutter.resource_plural }}")


{{ cookiecutter.__async }}def test_a_new_{{ cookiecutter.resource_name }}_is_posted_to_the_webhook_as_the_api_returned_it(
    {{ cookiecutter.__api_client }}: {{ cookiecutter.__client }}, receiver: respx.Route, eager_tasks: None
) -> None:
    response = {{ cookiecutter.__await }}{{ cookiecutter.__api_client }}.post(COLLECTION, json={"name": "groceries"})

    assert response.status_code == status.HTTP_201_CREATED
    assert receiver.call_count == 1
    assert json.loads(receiver.calls.last.request.content) == response.json()


{{ cookiecutter.__async }}def test_a_refused_create_announces_nothing(
    {{ cookiecutter.__api_client }}: {{ cookiecutter.__client }}, receiver: respx.Route, eager_tasks: None
) -> None:
    {{ cookiecutter.__await }}{{ cookiecutter.__api_client }}.post(COLLECTION, json={"name": "groceries"})

    response = {{ cookiecutter.__await }}{{ cookiecutter.__api_client }}.post(COLLECTION, json={"name": "groceries"})

    assert response.status_code == status.HTTP_409_CONFLICT
    assert receiver.call_count == 1


{{ cookiecutter.__async }}def test_without_a_webhook_url_nothing_is_queued(
    {{ cookiecutter.__api_client }}: {{ cookiecutter.__client }}, respx_mock: respx.MockRouter, eager_tasks: None
) -> None:
    response = {{ cookiecutter.__await }}{{ cookiecutter.__api_client }}.post(COLLECTION, json={"name": "groceries"})

    assert response.status_code == status.HTTP_201_CREATED
    assert not respx_mock.calls


{{ cookiecutter.__async }}def test_the_job_is_queued_with_the_url_and_the_{{ cookiecutter.resource_name }}_once_committed(
    {{ cookiecutter.__api_client }}: {{ cookiecutter.__client }}, webhook_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    queued: list[tuple[object, ...]] = []

    def record(*args: object) -> None:
        queued.append(args)

    monkeypatch.setattr(deliver_{{ cookiecutter.resource_name }}_created, "delay", record)

    response = {{ cookiecutter.__await }}{{ cookiecutter.__api_client }}.post(COLLECTION, json={"name": "groceries"})

    assert response.status_code == status.HTTP_201_CREATED
    assert queued == [(webhook_url, response.json())]


{{ cookiecutter.__async }}def test_a_broker_that_cannot_be_reached_loses_the_webhook_not_the_{{ cookiecutter.resource_name }}(
    {{ cookiecutter.__api_client }}: {{ cookiecutter.__client }},
    webhook_url: str,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def broker_down(*_args: object) -> None:
        raise OperationalError("Error 111 connecting to localhost:6379. Connection refused.")

    monkeypatch.setattr(deliver_{{ cookiecutter.resource_name }}_created, "delay", broker_down)

    with caplog.at_level(logging.ERROR, logger=webhooks.__name__):
        response = {{ cookiecutter.__await }}{{ cookiecutter.__api_client }}.post(COLLECTION, json={"name": "groceries"})

    assert response.status_code == status.HTTP_201_CREATED
    assert [record.getMessage() for record in caplog.records] == [
        webhooks.NOT_QUEUED % response.json()["id"]
    ]


def test_a_broker_that_accepts_and_never_answers_fails_a_publish_within_two_timeouts() -> None:
    settings = get_settings()
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()  # the kernel completes connections; nothing ever answers on them
        host, port = silent.getsockname()
        broker = f"redis://{host}:{port}/0"
        celery = create_celery(settings.model_copy(update={"celery_broker_url": broker}))

        started = time.monotonic()
        with pytest.raises(OperationalError):
            celery.send_task(
                deliver_{{ cookiecutter.resource_name }}_created.name,
                args=["https://example.com", {}],
                ignore_result=deliver_{{ cookiecutter.resource_name }}_created.ignore_result,
            )
        took = time.monotonic() - started

    assert took < 2 * settings.redis_timeout + 1  # the try and its one retry, and slack
