"""The delivery job alone: called as a function, or applied as Celery would run it."""

import uuid

import httpx
import pytest
import respx

from app.core.outbound import UpstreamError, UpstreamTimeoutError, UpstreamUnavailableError
from app.worker import close_http_client, http_client

from app import worker
from app.{{ cookiecutter.resource_plural }}.tasks import (
    MAX_RETRIES,
    RETRY_BACKOFF,
    RETRY_BACKOFF_MAX,
    deliver_{{ cookiecutter.resource_name }}_created,
)

# Celery's options for automatic retries, on the task.
RETRY_POLICY = (
    "autoretry_for",
    "max_retries",
    "retry_backoff",
    "retry_backoff_max",
    "retry_jitter",
)
PAYLOAD = {"id": str(uuid.UUID(int=1)), "name": "groceries", "description": None}


def test_the_payload_is_posted_to_the_url_as_json(receiver: respx.Route, webhook_url: str) -> None:
    deliver_{{ cookiecutter.resource_name }}_created(webhook_url, PAYLOAD)

    assert receiver.call_count == 1
    request = receiver.calls.last.request
    assert request.headers["content-type"] == "application/json"
    assert httpx.Response(200, content=request.content).json() == PAYLOAD


@pytest.mark.parametrize(
    ("answer", "raised"),
    [
        (httpx.Response(503), UpstreamUnavailableError),
        (httpx.ConnectTimeout("no answer"), UpstreamTimeoutError),
        (httpx.Response(400), UpstreamError),
    ],
    ids=["5xx", "timeout", "4xx"],
)
def test_a_failed_delivery_raises_what_the_retry_policy_reads(
    receiver: respx.Route,
    webhook_url: str,
    answer: httpx.Response | Exception,
    raised: type[Exception],
) -> None:
    receiver.side_effect = [answer]

    with pytest.raises(raised):
        deliver_{{ cookiecutter.resource_name }}_created(webhook_url, PAYLOAD)


# apply() runs the job here as a worker would, retries included (at once: an eager retry
# does not wait for its countdown).
def test_5xx_and_timeouts_are_retried_until_the_receiver_takes_it(
    receiver: respx.Route, webhook_url: str
) -> None:
    receiver.side_effect = [httpx.Response(502), httpx.ReadTimeout("slow"), httpx.Response(204)]

    result = deliver_{{ cookiecutter.resource_name }}_created.apply(args=(webhook_url, PAYLOAD))

    assert result.successful()
    assert receiver.call_count == 3


def test_retries_stop_after_max_retries(receiver: respx.Route, webhook_url: str) -> None:
    receiver.side_effect = lambda _request: httpx.Response(503)

    result = deliver_{{ cookiecutter.resource_name }}_created.apply(args=(webhook_url, PAYLOAD))

    assert isinstance(result.result, UpstreamUnavailableError)
    assert receiver.call_count == 1 + MAX_RETRIES


def test_a_refusal_is_not_retried(receiver: respx.Route, webhook_url: str) -> None:
    receiver.side_effect = lambda _request: httpx.Response(410)

    result = deliver_{{ cookiecutter.resource_name }}_created.apply(args=(webhook_url, PAYLOAD))

    assert type(result.result) is UpstreamError
    assert receiver.call_count == 1


def test_the_retries_back_off_exponentially_with_jitter() -> None:
    policy = {name: getattr(deliver_{{ cookiecutter.resource_name }}_created, name) for name in RETRY_POLICY}

    assert policy == {
        "autoretry_for": (UpstreamUnavailableError, UpstreamTimeoutError),
        "max_retries": MAX_RETRIES,
        "retry_backoff": RETRY_BACKOFF,
        "retry_backoff_max": RETRY_BACKOFF_MAX,
        "retry_jitter": True,
    }


def test_a_worker_process_makes_one_http_client_and_closes_it_at_shutdown() -> None:
    close_http_client()
    first = http_client()

    assert http_client() is first
    close_http_client()
    assert first.is_closed
    assert http_client() is not first
    close_http_client()


def test_the_worker_logs_in_the_services_format(monkeypatch: pytest.MonkeyPatch) -> None:
    # Recorded, not run: configuring logging again mid-run would disable the loggers that
    # exist by then, and with them what later tests capture.
    calls: list[dict[str, object]] = []
    monkeypatch.setattr(worker, "configure_logging", lambda **options: calls.append(options))

    worker.log_as_the_service_does()

    assert calls == [{"json_lines": False}]
