"""Every failure leaves the service as {"detail": ...}; nothing internal reaches a client."""

import logging
import sqlite3
from collections.abc import AsyncIterator

import pytest
from fastapi import FastAPI, status
from fastapi.responses import StreamingResponse
from fastapi.testclient import TestClient
from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError

from app.core.errors import (
    ALREADY_EXISTS,
    DATABASE_UNAVAILABLE,
    FOREIGN_KEY_MYSQL_ERRORS,
    FOREIGN_KEY_SQLSTATE,
    REFERENCE_GONE,
    SQLITE_CONSTRAINT_FOREIGNKEY,
    register_error_handlers,
)
from app.core.middleware import INTERNAL_ERROR, RequestContextMiddleware


def failing_app(error: Exception) -> FastAPI:
    app = FastAPI()
    app.add_middleware(RequestContextMiddleware)
    register_error_handlers(app)

    @app.get("/fail")
    async def fail() -> None:
        raise error

    return app


def call(app: FastAPI) -> tuple[int, dict[str, str], str]:
    # raise_server_exceptions=False: the client sees what a real client would.
    response = TestClient(app, raise_server_exceptions=False).get("/fail")
    return response.status_code, response.json(), response.headers["X-Request-ID"]


def test_an_error_after_the_response_started_is_left_to_the_server() -> None:
    app = FastAPI()
    app.add_middleware(RequestContextMiddleware)

    async def chunks() -> AsyncIterator[bytes]:
        yield b"partial"
        raise RuntimeError("the stream broke")

    @app.get("/stream")
    async def stream() -> StreamingResponse:
        return StreamingResponse(chunks())

    with pytest.raises(RuntimeError):
        TestClient(app).get("/stream")


def test_an_unexpected_integrity_error_answers_409() -> None:
    error = IntegrityError("INSERT ...", {}, Exception("duplicate key"))

    assert call(failing_app(error))[:2] == (status.HTTP_409_CONFLICT, {"detail": ALREADY_EXISTS})


class DriverError(Exception):
    """An error shaped as PostgreSQL's drivers raise them: its code in `sqlstate`."""

    def __init__(self, sqlstate: str) -> None:
        super().__init__("violates a constraint")
        self.sqlstate = sqlstate


def sqlite_error(code: int) -> sqlite3.IntegrityError:
    error = sqlite3.IntegrityError("FOREIGN KEY constraint failed")
    error.sqlite_errorcode = code
    return error


# Each driver's foreign key failure, from the codes app.core.errors knows.
FOREIGN_KEY_FAILURES = {
    "postgresql": DriverError(FOREIGN_KEY_SQLSTATE),
    "sqlite": sqlite_error(SQLITE_CONSTRAINT_FOREIGNKEY),
    **{f"mysql-{code}": Exception(code, "a key fails") for code in FOREIGN_KEY_MYSQL_ERRORS},
}


@pytest.mark.parametrize("original", FOREIGN_KEY_FAILURES.values(), ids=FOREIGN_KEY_FAILURES.keys())
def test_an_unexpected_foreign_key_failure_answers_409_saying_what_is_gone(
    original: Exception,
) -> None:
    error = IntegrityError("INSERT ...", {}, original)

    assert call(failing_app(error))[:2] == (status.HTTP_409_CONFLICT, {"detail": REFERENCE_GONE})


def test_a_lost_database_connection_answers_503() -> None:
    error = OperationalError("SELECT 1", {}, Exception("connection refused"))

    assert call(failing_app(error))[:2] == (
        status.HTTP_503_SERVICE_UNAVAILABLE,
        {"detail": DATABASE_UNAVAILABLE},
    )


@pytest.mark.parametrize(
    "error",
    [RuntimeError("secret internals"), ProgrammingError("SELECT", {}, Exception("bad sql"))],
    ids=["bug", "bad-sql"],
)
def test_an_unexpected_error_answers_500_with_the_request_id_and_logs_the_rest(
    caplog: pytest.LogCaptureFixture, error: Exception
) -> None:
    with caplog.at_level(logging.ERROR):
        status_code, body, request_id = call(failing_app(error))

    assert status_code == status.HTTP_500_INTERNAL_SERVER_ERROR
    assert body == {"detail": f"{INTERNAL_ERROR} (request id {request_id})"}
    assert "internals" not in body["detail"]
    assert any(record.exc_info for record in caplog.records)
