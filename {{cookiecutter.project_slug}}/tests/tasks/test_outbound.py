import httpx
import pytest
import respx
from fastapi import FastAPI, status
from fastapi.testclient import TestClient

from app.core.config import get_settings
from app.core.errors import register_error_handlers
from app.core.outbound import (
    UPSTREAM_FAILED,
    UPSTREAM_TIMEOUT,
    UPSTREAM_UNAVAILABLE,
    UpstreamError,
    UpstreamTimeoutError,
    UpstreamUnavailableError,
    create_http_client,
    post_json,
)

URL = "https://upstream.example.com/things"


@pytest.fixture
def http_client() -> httpx.Client:
    return create_http_client(get_settings())


def test_the_decoded_json_answer_is_returned(
    respx_mock: respx.MockRouter, http_client: httpx.Client
) -> None:
    route = respx_mock.post(URL).respond(201, json={"accepted": True})

    answer = post_json(http_client, URL, {"name": "x"})

    assert answer == {"accepted": True}
    assert route.calls.last.request.content == b'{"name":"x"}'


def test_an_empty_answer_is_none(respx_mock: respx.MockRouter, http_client: httpx.Client) -> None:
    respx_mock.post(URL).respond(204)

    assert post_json(http_client, URL, {}) is None


def test_a_timeout_raises_upstream_timeout(
    respx_mock: respx.MockRouter, http_client: httpx.Client
) -> None:
    respx_mock.post(URL).mock(side_effect=httpx.ReadTimeout("no answer"))

    with pytest.raises(UpstreamTimeoutError):
        post_json(http_client, URL, {})


def test_an_unreachable_upstream_raises_upstream_unavailable(
    respx_mock: respx.MockRouter, http_client: httpx.Client
) -> None:
    respx_mock.post(URL).mock(side_effect=httpx.ConnectError("refused"))

    with pytest.raises(UpstreamUnavailableError):
        post_json(http_client, URL, {})


@pytest.mark.parametrize("code", [500, 502, 503])
def test_a_5xx_raises_upstream_unavailable(
    respx_mock: respx.MockRouter, http_client: httpx.Client, code: int
) -> None:
    respx_mock.post(URL).respond(code)

    with pytest.raises(UpstreamUnavailableError):
        post_json(http_client, URL, {})


@pytest.mark.parametrize("body", [b"<html>oops</html>", b'{"cut": ', b"\xff\xfe"])
def test_an_answer_that_is_not_json_raises_upstream_error(
    respx_mock: respx.MockRouter, http_client: httpx.Client, body: bytes
) -> None:
    respx_mock.post(URL).respond(200, content=body)

    with pytest.raises(UpstreamError) as raised:
        post_json(http_client, URL, {})

    assert type(raised.value) is UpstreamError  # not worth a retry


@pytest.mark.parametrize("code", [301, 400, 404, 422])
def test_a_refusal_raises_upstream_error(
    respx_mock: respx.MockRouter, http_client: httpx.Client, code: int
) -> None:
    respx_mock.post(URL).respond(code)

    with pytest.raises(UpstreamError) as raised:
        post_json(http_client, URL, {})

    assert type(raised.value) is UpstreamError


def test_the_client_takes_its_timeouts_from_the_settings() -> None:
    settings = get_settings().model_copy(
        update={"outbound_connect_timeout": 1.5, "outbound_timeout": 7}
    )

    timeout = create_http_client(settings).timeout

    assert (timeout.connect, timeout.read, timeout.write, timeout.pool) == (1.5, 7, 7, 7)


@pytest.mark.parametrize(
    ("error", "code", "detail"),
    [
        (UpstreamError(UPSTREAM_FAILED), status.HTTP_502_BAD_GATEWAY, UPSTREAM_FAILED),
        (
            UpstreamUnavailableError(UPSTREAM_UNAVAILABLE),
            status.HTTP_502_BAD_GATEWAY,
            UPSTREAM_UNAVAILABLE,
        ),
        (UpstreamTimeoutError(UPSTREAM_TIMEOUT), status.HTTP_504_GATEWAY_TIMEOUT, UPSTREAM_TIMEOUT),
    ],
    ids=["bad-answer", "unavailable", "timeout"],
)
def test_a_request_that_meets_an_upstream_failure_gets_its_status_not_a_500(
    error: UpstreamError, code: int, detail: str
) -> None:
    app = FastAPI()
    register_error_handlers(app)

    @app.get("/calls-upstream")
    def calls_upstream() -> None:
        raise error

    with TestClient(app) as client:
        response = client.get("/calls-upstream")

    assert response.status_code == code
    assert response.json() == {"detail": detail}
