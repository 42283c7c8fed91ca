"""What every response carries: a request id, security headers, one access log line."""

import json
import logging
import re
import uuid
from types import SimpleNamespace

import pytest
from fastapi import Request, status
from fastapi.testclient import TestClient

from app.core.config import Settings
from app.core.limits import BODY_TOO_LARGE
from app.core.logging import JsonFormatter, TextFormatter
from app.core.middleware import SECURITY_HEADERS
from app.main import app, create_app

from app import main

LIVE = app.url_path_for("live")
# Every operation that takes a body, drawn from the published schema: (method, path).
WITH_A_BODY = sorted(
    (method.upper(), path)
    for path, operations in app.openapi()["paths"].items()
    for method, operation in operations.items()
    if "requestBody" in operation
)


@pytest.fixture(scope="module")
def bare_client() -> TestClient:
    # /health/live touches no database, so no session override is needed.
    return TestClient(app)


def test_a_request_id_sent_by_the_client_is_echoed(bare_client: TestClient) -> None:
    response = bare_client.get(LIVE, headers={"X-Request-ID": "abc-123"})

    assert response.headers["X-Request-ID"] == "abc-123"


@pytest.mark.parametrize("sent", [None, "bad id with spaces", "x" * 65])
def test_a_missing_or_unsafe_request_id_is_replaced(
    bare_client: TestClient, sent: str | None
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
    bare_client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="app.access"):
        bare_client.get(LIVE, headers={"X-Request-ID": "logged-1"})

    lines = [r for r in caplog.records if r.name == "app.access"]
    assert len(lines) == 1
    assert lines[0].getMessage().startswith(f"GET {LIVE} 200 ")
    assert lines[0].request_id == "logged-1"  # type: ignore[attr-defined]


@pytest.mark.parametrize("path", [LIVE, app.openapi_url])
def test_head_answers_as_get_with_the_same_headers_and_no_body(
    bare_client: TestClient, path: str, caplog: pytest.LogCaptureFixture
) -> None:
    got = bare_client.get(path)
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="app.access"):
        head = bare_client.head(path)

    assert head.status_code == got.status_code == status.HTTP_200_OK
    assert head.content == b""
    for name in ("content-type", "content-length", *SECURITY_HEADERS):
        assert head.headers[name.lower()] == got.headers[name.lower()], name
    [line] = [r for r in caplog.records if r.name == "app.access"]
    assert line.getMessage().startswith(f"HEAD {path} 200 ")


def test_head_of_a_route_without_get_is_still_405() -> None:
    service = create_app()

    @service.post("/only-post")
    def only_post() -> dict[str, str]:
        return {"status": "ok"}

    @service.get("/seen")
    def seen(request: Request) -> dict[str, str]:
        return {"method": request.method}

    client = TestClient(service)
    assert client.head("/only-post").status_code == status.HTTP_405_METHOD_NOT_ALLOWED
    assert client.get("/seen").json() == {"method": "GET"}
    assert client.head("/seen").headers["content-length"] == str(len(b'{"method":"GET"}'))


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

    for refused in (declared, streamed):
        assert refused.status_code == status.HTTP_413_CONTENT_TOO_LARGE
        assert refused.json() == {"detail": BODY_TOO_LARGE}
        assert refused.headers["X-Request-ID"]


@pytest.mark.parametrize(("method", "path"), WITH_A_BODY)
def test_every_route_that_takes_a_body_answers_413_past_the_limit_as_its_schema_says(
    bare_client: TestClient, method: str, path: str
) -> None:
    too_large = b"x" * (Settings().max_request_body_bytes + 1)
    url = re.sub(r"\{\w+\}", str(uuid.UUID(int=1)), path)

    response = bare_client.request(method, url, content=too_large)

    assert response.status_code == status.HTTP_413_CONTENT_TOO_LARGE
    documented = app.openapi()["paths"][path][method.lower()]["responses"]
    assert documented[str(status.HTTP_413_CONTENT_TOO_LARGE)]["description"] == BODY_TOO_LARGE


def test_a_logging_call_that_cannot_be_formatted_does_not_fail_the_request(
    capsys: pytest.CaptureFixture[str],
) -> None:
    service = create_app()

    @service.get("/careless")
    def careless() -> dict[str, str]:
        logging.getLogger("app").info("%s and %s", "one argument short")
        return {"status": "ok"}

    response = TestClient(service).get("/careless")

    assert response.status_code == status.HTTP_200_OK
    written = capsys.readouterr().err
    assert "%s and %s" in written
    assert "Logging error" not in written


def test_a_token_in_the_path_stays_out_of_the_access_line(
    bare_client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    token = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl"

    with caplog.at_level(logging.INFO, logger="app.access"):
        bare_client.get(f"{LIVE}/{token}")

    (access,) = [r for r in caplog.records if r.name == "app.access"]
    line = JsonFormatter().format(access)
    assert token not in line
    assert json.loads(line)["path"] == f"{LIVE}/[redacted]"
    assert token not in TextFormatter().format(access)


def test_a_line_break_sent_in_the_path_cannot_forge_a_text_log_line(
    bare_client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="app.access"):
        bare_client.get(f"{LIVE}%0A2026-01-01T00:00:00.000Z%20INFO%20[admin]%20forged")

    (access,) = [r for r in caplog.records if r.name == "app.access"]
    line = TextFormatter().format(access)
    assert "\n" not in line
    assert f"GET {LIVE}\\n2026-01-01" in line


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
