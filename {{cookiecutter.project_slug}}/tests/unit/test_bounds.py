"""The pieces that bound waits and classify failures, each on its own: the request
deadline, which driver errors are a database being unavailable, the start-up error line,
and the API docs served from the service's own files."""

import asyncio
import json
import re
import time
from typing import Any

import pytest
from fastapi import FastAPI, status
from fastapi.testclient import TestClient
from pydantic import ValidationError
from sqlalchemy.exc import DBAPIError
from starlette.responses import JSONResponse, StreamingResponse
from starlette.types import Message, Receive, Scope, Send

from app.core.config import Settings, SettingsError, get_settings, settings_error
from app.core.db import driver_timeouts
from app.core.deadline import NOTHING_CHANGED, OUTCOME_UNKNOWN, DeadlineMiddleware, may_commit
from app.core.docs import ASSETS_URL, DOCS_URL, add_docs
from app.core.errors import (
    TRANSIENT_MYSQL_ERRORS,
    TRANSIENT_SQLSTATES,
    is_transient,
)
from app.main import create_app

from tests.probing import STATEMENT_SECONDS

# Short, so that the tests that wait it out take little: the bound is enforced the same way
# at 50 ms as at the 30 s the service defaults to.
DEADLINE = 0.05


def waiting_app(seconds: float, cancelled: list[bool] | None = None) -> Any:
    """An ASGI app that answers 200 after `seconds`; records in `cancelled` if it was."""

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await asyncio.sleep(seconds)
        except asyncio.CancelledError:
            if cancelled is not None:
                cancelled.append(True)
            raise
        await JSONResponse({"answered": True})(scope, receive, send)

    return app


def test_a_request_past_its_deadline_answers_503_with_retry_after_and_is_cancelled() -> None:
    cancelled: list[bool] = []
    client = TestClient(DeadlineMiddleware(waiting_app(5, cancelled), seconds=DEADLINE))

    started = time.monotonic()
    response = client.get("/")
    took = time.monotonic() - started

    assert response.status_code == status.HTTP_503_SERVICE_UNAVAILABLE
    assert response.json() == {"detail": NOTHING_CHANGED}
    assert int(response.headers["Retry-After"]) > 0
    assert took < DEADLINE + 1
    assert cancelled == [True]


def committing_app(before: float, after: float, outcome: list[str]) -> Any:
    """An ASGI app that asks to commit (may_commit) after `before` seconds, records whether
    it may in `outcome`, then takes `after` seconds more to commit and answer."""

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await asyncio.sleep(before)
        allowed = may_commit()
        outcome.append("committing" if allowed else "rolled back")
        await asyncio.sleep(after)
        if allowed:
            outcome.append("committed")
        await JSONResponse({"answered": True})(scope, receive, send)

    return app


def answer_past_the_deadline(app: Any, cancel: bool) -> Message:
    """`app` behind DeadlineMiddleware, sent one POST: the answer the client got, its start
    with the body. Returns once the work left to finish has had the time to, and checks
    that whatever it sent after the deadline's 503 was dropped."""
    sent: list[Message] = []

    async def receive() -> Message:
        return {"type": "http.request", "body": b""}

    async def send(message: Message) -> None:
        sent.append(message)

    async def past_the_deadline() -> None:
        bounded = DeadlineMiddleware(app, seconds=DEADLINE, cancel=cancel)
        await bounded({"type": "http", "method": "POST", "path": "/", "headers": []}, receive, send)
        await asyncio.sleep(DEADLINE * 4)  # asyncio.run would cancel the work were it not done

    asyncio.run(past_the_deadline())
    starts = [message for message in sent if message["type"] == "http.response.start"]
    assert [start["status"] for start in starts] == [status.HTTP_503_SERVICE_UNAVAILABLE]
    return {**starts[0], "body": sent[1]["body"]}


def test_work_left_to_finish_past_its_deadline_ends_by_itself_and_its_answer_is_dropped() -> None:
    # cancel=False, sync mode's choice: the work waits on a worker thread that still uses
    # the request's session, so it is left to end it.
    cancelled: list[bool] = []

    answer_past_the_deadline(waiting_app(DEADLINE * 2, cancelled), cancel=False)

    assert cancelled == []


@pytest.mark.parametrize("cancel", [True, False], ids=["async-mode", "sync-mode"])
def test_a_commit_begun_before_the_deadline_finishes_and_the_answer_says_it_may_be_saved(
    cancel: bool,
) -> None:
    outcome: list[str] = []

    answer = answer_past_the_deadline(committing_app(0, DEADLINE * 2, outcome), cancel)

    assert json.loads(answer["body"]) == {"detail": OUTCOME_UNKNOWN}
    assert b"retry-after" not in dict(answer["headers"])  # a retry could find it done
    assert outcome == ["committing", "committed"]


@pytest.mark.parametrize("cancel", [True, False], ids=["async-mode", "sync-mode"])
def test_past_the_deadline_a_request_may_no_longer_commit(cancel: bool) -> None:
    outcome: list[str] = []

    answer = answer_past_the_deadline(committing_app(DEADLINE * 2, 0, outcome), cancel)

    assert json.loads(answer["body"]) == {"detail": NOTHING_CHANGED}
    assert int(dict(answer["headers"])[b"retry-after"]) > 0
    assert outcome == ([] if cancel else ["rolled back"])  # cancelled, or left to find out


def test_outside_a_request_with_a_deadline_a_commit_is_never_refused() -> None:
    assert may_commit()
    assert OUTCOME_UNKNOWN != NOTHING_CHANGED


def test_a_request_within_its_deadline_gets_the_apps_answer() -> None:
    client = TestClient(DeadlineMiddleware(waiting_app(0), seconds=DEADLINE))

    assert client.get("/").json() == {"answered": True}


def test_a_response_that_started_before_the_deadline_is_left_to_finish() -> None:
    async def slow_chunks() -> Any:
        yield b"first "
        await asyncio.sleep(DEADLINE * 2)
        yield b"second"

    app = FastAPI()

    @app.get("/")
    async def stream() -> StreamingResponse:
        return StreamingResponse(slow_chunks())

    client = TestClient(DeadlineMiddleware(app, seconds=DEADLINE))

    assert client.get("/").content == b"first second"


def test_work_that_outlives_its_request_ends_without_a_stray_error(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def stubborn(scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await asyncio.sleep(5)
        except asyncio.CancelledError:
            raise RuntimeError("cleaning up failed") from None

    client = TestClient(DeadlineMiddleware(stubborn, seconds=DEADLINE))

    assert client.get("/").status_code == status.HTTP_503_SERVICE_UNAVAILABLE
    assert "never retrieved" not in caplog.text


def test_other_connections_pass_through_untimed() -> None:
    seen: list[str] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        seen.append(scope["type"])

    async def receive() -> Message:
        return {"type": "lifespan.startup"}

    async def send(_message: Message) -> None:
        pass

    asyncio.run(DeadlineMiddleware(app, seconds=DEADLINE)({"type": "lifespan"}, receive, send))

    assert seen == ["lifespan"]


class DriverError(Exception):
    """A driver's exception as SQLAlchemy wraps it: an SQLSTATE, or a MySQL error number."""

    def __init__(self, *args: object, sqlstate: str | None = None) -> None:
        super().__init__(*args)
        self.sqlstate = sqlstate


def wrapped(original: BaseException, **kwargs: Any) -> DBAPIError:
    return DBAPIError("SELECT 1", None, original, **kwargs)


def caused_by(cause: BaseException) -> DriverError:
    error = DriverError("the driver gave up")
    error.__cause__ = cause
    return error


@pytest.mark.parametrize(
    "error",
    [
        *(
            pytest.param(wrapped(DriverError(sqlstate=s)), id=s)
            for s in sorted(TRANSIENT_SQLSTATES)
        ),
        pytest.param(wrapped(DriverError(sqlstate="08006")), id="08-connection-failure"),
        *(
            pytest.param(wrapped(DriverError(n, "gone")), id=str(n))
            for n in sorted(TRANSIENT_MYSQL_ERRORS)
        ),
        pytest.param(wrapped(caused_by(ConnectionResetError())), id="socket-reset"),
        pytest.param(wrapped(caused_by(TimeoutError())), id="timeout"),
        pytest.param(wrapped(DriverError(), connection_invalidated=True), id="invalidated"),
    ],
)
def test_a_database_out_of_reach_is_transient_however_the_driver_says_it(error: DBAPIError) -> None:
    assert is_transient(error)


@pytest.mark.parametrize(
    "error",
    [
        pytest.param(wrapped(DriverError(sqlstate="42601")), id="syntax-error"),
        pytest.param(wrapped(DriverError(sqlstate="23505")), id="unique-violation"),
        pytest.param(wrapped(DriverError(1064, "syntax")), id="mysql-syntax-error"),
        pytest.param(wrapped(DriverError("no such table")), id="no-code"),
    ],
)
def test_a_statement_the_database_refuses_is_no_outage(error: DBAPIError) -> None:
    assert not is_transient(error)


def refused_settings() -> ValidationError:
    with pytest.raises(ValidationError) as refused:
        Settings.model_validate({"max_request_body_bytes": -1, "cors_origins": 7})
    return refused.value


@pytest.mark.parametrize(("environment", "is_json"), [("production", True), ("development", False)])
def test_a_refused_setting_is_said_in_one_line_naming_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Any, environment: str, is_json: bool
) -> None:
    monkeypatch.chdir(tmp_path)  # no .env
    monkeypatch.setenv("ENVIRONMENT", environment)

    line = str(settings_error(refused_settings()))

    assert "\n" not in line
    message = json.loads(line)["message"] if is_json else line
    assert "MAX_REQUEST_BODY_BYTES" in message
    assert "CORS_ORIGINS" in message
    assert "-1" not in message


def test_the_settings_the_service_reads_stop_it_when_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("MAX_REQUEST_BODY_BYTES", "-1")
    get_settings.cache_clear()
    try:
        with pytest.raises(SettingsError, match="MAX_REQUEST_BODY_BYTES") as stopped:
            get_settings()
    finally:
        get_settings.cache_clear()

    assert stopped.value.code != 0


def docs_client(**settings: Any) -> TestClient:
    return TestClient(create_app(Settings(**settings)))


def test_the_docs_page_loads_nothing_from_elsewhere_and_its_files_are_served() -> None:
    client = docs_client(docs_enabled=True)

    page = client.get(DOCS_URL)
    linked = re.findall(r'(?:src|href)="([^"]+)"', page.text)

    assert page.status_code == status.HTTP_200_OK
    assert linked
    assert all(url.startswith(("/", "data:")) for url in linked), linked
    for url in linked:
        if url.startswith(ASSETS_URL):
            assert client.get(url).status_code == status.HTTP_200_OK, url
    assert client.get("/openapi.json").status_code == status.HTTP_200_OK


def test_docs_turned_off_serve_neither_the_page_nor_the_schema() -> None:
    client = docs_client(docs_enabled=False)

    assert client.get(DOCS_URL).status_code == status.HTTP_404_NOT_FOUND
    assert client.get("/openapi.json").status_code == status.HTTP_404_NOT_FOUND


def test_the_docs_need_the_openapi_document() -> None:
    with pytest.raises(ValueError, match="openapi_url"):
        add_docs(FastAPI(openapi_url=None))


# Where each server's statement bound, in milliseconds, is in the driver's connect_args.
SERVER_BOUND_MS = {
    "postgresql": r"statement_timeout\D+(\d+)",
    "mysql": r"max_execution_time = (\d+)",
}


@pytest.mark.parametrize("seconds", STATEMENT_SECONDS)
@pytest.mark.parametrize("backend", sorted(SERVER_BOUND_MS))
def test_the_servers_statement_bound_is_the_setting_rounded_up_and_never_off(
    backend: str, seconds: float
) -> None:
    settings = get_settings().model_copy(update={"database_statement_timeout": seconds})

    bounds = driver_timeouts(settings, url=f"{backend}://user@host/db")

    found = re.search(SERVER_BOUND_MS[backend], repr(bounds))
    assert found, bounds
    assert round(seconds * 1000, 6) <= int(found.group(1)) < seconds * 1000 + 1
