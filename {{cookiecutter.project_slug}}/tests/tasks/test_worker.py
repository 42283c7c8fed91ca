"""A real worker, in this process, on the real Redis: the job queued by a create gets done."""

import json
import time

import httpx
import respx
from fastapi import status
{{ cookiecutter.__client_import }}

from app.main import app

COLLECTION = app.url_path_for("list_{{ cookiecutter.resource_plural }}")
# How long a job may take to reach the receiver through the real broker, in seconds.
DEADLINE = 15


def wait_for_calls(route: respx.Route, count: int) -> None:
    """Returns once `route` has had `count` calls; fails after DEADLINE seconds."""
    give_up = time.monotonic() + DEADLINE
    while route.call_count < count:
        assert time.monotonic() < give_up, f"{route.call_count} of {count} calls in {DEADLINE} s"
        time.sleep(0.02)


{{ cookiecutter.__async }}def test_the_worker_delivers_the_webhook_of_a_new_{{ cookiecutter.resource_name }}(
    {{ cookiecutter.__api_client }}: {{ cookiecutter.__client }}, receiver: respx.Route, worker: None
) -> None:
    response = {{ cookiecutter.__await }}{{ cookiecutter.__api_client }}.post(COLLECTION, json={"name": "groceries"})

    assert response.status_code == status.HTTP_201_CREATED
    wait_for_calls(receiver, 1)
    assert json.loads(receiver.calls.last.request.content) == response.json()


{{ cookiecutter.__async }}def test_the_worker_retries_a_delivery_the_receiver_failed(
    {{ cookiecutter.__api_client }}: {{ cookiecutter.__client }}, receiver: respx.Route, worker: None
) -> None:
    receiver.side_effect = [httpx.Response(503), httpx.Response(204)]

    {{ cookiecutter.__await }}{{ cookiecutter.__api_client }}.post(COLLECTION, json={"name": "groceries"})

    wait_for_calls(receiver, 2)
