"""What every response carries: a request id, security headers, one access log line."""

import logging
from types import SimpleNamespace

import pytest
from fastapi import status
from fastapi.testclient import TestClient

from app.core.config import Settings
from app.core.logging import SECURITY_HEADERS
from app import main
from app.main import app, create_app

LIVE = app.url_path_for("live")


@pytest.fixture(scope="module")
def bare_client() -> TestClient:
    # /health/live touches no database, so no session override is needed.
    return TestClient(app)


def test_a_request_id_sent_by_the_client_is_echoed(bare_client: TestClient) -> None:
    response = bare_client.get(LIVE, headers={"X-Request-ID": "abc-123"})

    assert response.headers["X-Request-ID"] == "abc-123"


@pytest.mark.parametrize("sent", [None, "bad id with spaces", "x" * 65])
def test_a_missing_or_unsafe_request_id_is_replaced(
    bare_client: TestClient,
    sent: str | None,
) -> None:
    headers = {"X-Request-ID": sent} if sent else {}

    response = bare_client.get(LIVE, headers=headers)

    assert response.headers["X-Request-ID"] not in ("", sent)
    assert len(response.headers["X-Request-ID"]) == 32


def test_every_response_carries_the_security_headers(bare_client: TestClient) -> None:
    response = bare_client.get(LIVE)

    for name, value in SECURITY_HEADERS.items():
        assert response.headers[name] == value


def test_each_request_logs_one_access_line(
    bare_client: TestClient,
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.INFO, logger="app.access"):
        bare_client.get(LIVE, headers={"X-Request-ID": "logged-1"})

    lines = [r for r in caplog.records if r.name == "app.access"]
    assert len(lines) == 1
    assert lines[0].getMessage().startswith(f"GET {LIVE} 200 ")
    assert lines[0].request_id == "logged-1"  # type: ignore[attr-defined]


def test_cors_allows_only_the_configured_origins() -> None:
    client = TestClient(create_app(Settings(cors_origins=["https://app.example.com"])))
    preflight = {"Access-Control-Request-Method": "GET"}

    allowed = client.options(LIVE, headers={"Origin": "https://app.example.com", **preflight})
    refused = client.options(LIVE, headers={"Origin": "https://evil.example.com", **preflight})

    assert allowed.headers["access-control-allow-origin"] == "https://app.example.com"
    assert refused.status_code == status.HTTP_400_BAD_REQUEST


def test_a_page_on_an_allowed_origin_can_read_the_request_id() -> None:
    client = TestClient(create_app(Settings(cors_origins=["https://app.example.com"])))

    response = client.get(LIVE, headers={"Origin": "https://app.example.com"})

    assert "X-Request-ID" in response.headers["access-control-expose-headers"]


def test_a_body_over_the_limit_is_refused_before_it_is_parsed(bare_client: TestClient) -> None:
    limit = Settings().max_request_body_bytes
    create = app.url_path_for("create_{{ cookiecutter.resource_name }}")

    declared = bare_client.post(create, content=b"x" * (limit + 1))
    streamed = bare_client.post(create, content=iter([b"x" * limit, b"x"]))  # no Content-Length

    assert declared.status_code == status.HTTP_413_CONTENT_TOO_LARGE
    assert streamed.status_code == status.HTTP_413_CONTENT_TOO_LARGE


def test_health_answers_head_as_well_as_get(bare_client: TestClient) -> None:
    response = bare_client.head(LIVE)

    assert response.status_code == status.HTTP_200_OK
    assert response.content == b""


def test_a_trailing_slash_is_not_redirected_to_the_clients_host(bare_client: TestClient) -> None:
    response = bare_client.get(f"{LIVE}/", headers={"Host": "evil.example"}, follow_redirects=False)

    assert response.status_code == status.HTTP_404_NOT_FOUND
    assert "location" not in response.headers


def test_the_app_starts_and_at_shutdown_closes_its_database_connections(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    disposed: list[bool] = []

    {{ cookiecutter.__async }}def dispose() -> None:
        disposed.append(True)

    monkeypatch.setattr(main, "engine", SimpleNamespace(dispose=dispose))

    with TestClient(create_app()) as client:
        assert client.get(LIVE).status_code == status.HTTP_200_OK
        assert not disposed

    assert disposed == [True]
