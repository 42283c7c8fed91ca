import json
import logging
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request, status
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.exc import DBAPIError, IntegrityError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

logger = logging.getLogger(__name__)

ALREADY_EXISTS = "Resource already exists"
DATABASE_UNAVAILABLE = "Database unavailable, try again shortly"
# Seconds a client is asked to wait before retrying a 503 (the Retry-After header).
RETRY_AFTER_SECONDS = 5
RETRY_AFTER = {"Retry-After": str(RETRY_AFTER_SECONDS)}

# Failures a retry can get past, whatever exception class the driver chose for them.
# PostgreSQL SQLSTATEs (class 08 is the connection's): the server shutting down or
# terminating the backend (57P01-57P03), a statement cancelled by statement_timeout
# (57014), too many connections (53300), a lock wait timed out (55P03), serialization
# failures and deadlocks (40001, 40P01).
TRANSIENT_SQLSTATES = frozenset(
    {"57P01", "57P02", "57P03", "57014", "53300", "55P03", "40001", "40P01"}
)
# MySQL and MariaDB error numbers: too many connections (1040), lock wait timeout (1205),
# deadlock (1213), cannot connect (2002, 2003), server gone or connection lost (2006,
# 2013), statement timeouts (3024 MySQL, 1969 MariaDB).
TRANSIENT_MYSQL_ERRORS = frozenset({1040, 1205, 1213, 1969, 2002, 2003, 2006, 2013, 3024})
# A foreign key naming a row that is not there: PostgreSQL's SQLSTATE, MySQL's and MariaDB's
# error numbers (1452; 1216 from older servers), SQLite's extended result code.
FOREIGN_KEY_SQLSTATE = "23503"
FOREIGN_KEY_MYSQL_ERRORS = frozenset({1216, 1452})
SQLITE_CONSTRAINT_FOREIGNKEY = 787
REFERENCE_GONE = "A row this one refers to no longer exists"

# Descriptions by their names since Python 3.13 (RFC 9110): HTTPStatus gives the older ones
# on earlier Pythons, and the published schema would differ between them.
_PHRASES = {
    status.HTTP_413_CONTENT_TOO_LARGE: "Content Too Large",
    status.HTTP_422_UNPROCESSABLE_CONTENT: "Unprocessable Content",
}


class ErrorResponse(BaseModel):
    detail: str


def documented(*status_codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI entries for the error answers a route can give, all in one shape.

    400 is what the framework answers for a body it cannot even decode (bytes that are
    not UTF-8; JSON that does not parse is a 422): routes that take a body list it, and
    get 413 with it, the answer to a body past MAX_REQUEST_BODY_BYTES (app.core.limits).
    """
    if status.HTTP_400_BAD_REQUEST in status_codes:
        status_codes = (*status_codes, status.HTTP_413_CONTENT_TOO_LARGE)
    return {
        code: {"model": ErrorResponse, "description": _PHRASES.get(code, HTTPStatus(code).phrase)}
        for code in dict.fromkeys(status_codes)  # each once, in the order given
    }


class AppError(Exception):
    """A failure the client caused or can act on; the handler turns it into JSON."""

    status_code = status.HTTP_400_BAD_REQUEST

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail
        self.headers: dict[str, str] = {}


class NotFoundError(AppError):
    status_code = status.HTTP_404_NOT_FOUND


class ConflictError(AppError):
    status_code = status.HTTP_409_CONFLICT


class MissingReferenceError(AppError):
    """A write named a row that is not there, its foreign key failed: deleted, as a rule, by
    another request since this one loaded it. A route that knows which row that was gives
    the answer due for it instead (a 401 for the caller's account, a 404 for a parent)."""

    status_code = status.HTTP_409_CONFLICT


class TooManyRequestsError(AppError):
    """A 429 that says, in Retry-After, how many seconds to wait."""

    status_code = status.HTTP_429_TOO_MANY_REQUESTS

    def __init__(self, detail: str, retry_after: int) -> None:
        super().__init__(detail)
        self.headers = {"Retry-After": str(retry_after)}


class BusyError(AppError):
    """The service is at capacity for this kind of work: a 503 to retry shortly."""

    status_code = status.HTTP_503_SERVICE_UNAVAILABLE

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.headers = dict(RETRY_AFTER)


class AsciiJSONResponse(JSONResponse):
    """JSON with every non-ASCII character escaped: any Python string can be sent."""

    def render(self, content: Any) -> bytes:
        return json.dumps(content, allow_nan=False, separators=(",", ":")).encode()


async def _validation_error(_request: Request, exc: Exception) -> JSONResponse:
    # FastAPI's own 422 answer, less the rejected input it would echo: a password that was
    # too short, or a megabyte of text, has no business in an answer that proxies and error
    # trackers keep. Sent as ASCII: a `loc` may still hold a lone surrogate (JSON allows
    # "\ud800", UTF-8 cannot encode it), and rendered as UTF-8 it would fail with a 500.
    errors = exc.errors() if isinstance(exc, RequestValidationError) else []
    shown = [{key: value for key, value in error.items() if key != "input"} for error in errors]
    return AsciiJSONResponse(
        {"detail": jsonable_encoder(shown)}, status_code=status.HTTP_422_UNPROCESSABLE_CONTENT
    )


async def _app_error(_request: Request, exc: Exception) -> JSONResponse:
    error = exc if isinstance(exc, AppError) else AppError(str(exc))
    return JSONResponse(
        {"detail": error.detail}, status_code=error.status_code, headers=error.headers
    )


async def _integrity_error(_request: Request, exc: Exception) -> JSONResponse:
    # Services turn the violations they expect into ConflictError or MissingReferenceError;
    # this catches the rest (a constraint added later, a race on another column) as a
    # conflict too, and says which kind it was.
    logger.warning("integrity error: %s", type(exc.__cause__ or exc).__name__)
    missing = isinstance(exc, IntegrityError) and is_foreign_key_violation(exc)
    detail = REFERENCE_GONE if missing else ALREADY_EXISTS
    return JSONResponse({"detail": detail}, status_code=status.HTTP_409_CONFLICT)


def is_transient(error: DBAPIError) -> bool:
    """Whether a database error is the database being unreachable, slow or busy (a 503 the
    client may retry) rather than a bug in the statement (a 500).

    Drivers disagree on classes: asyncpg reports a connection lost mid-request as a bare
    DBAPIError. So besides SQLAlchemy's own verdict (OperationalError, InterfaceError, a
    connection it invalidated), the driver's error code counts, and a socket error or a
    timeout anywhere among its causes.
    """
    if error.connection_invalidated or isinstance(error, OperationalError | InterfaceError):
        return True
    original = error.orig
    sqlstate = getattr(original, "sqlstate", None) or getattr(original, "pgcode", None)
    if isinstance(sqlstate, str) and (sqlstate.startswith("08") or sqlstate in TRANSIENT_SQLSTATES):
        return True
    code = original.args[0] if original is not None and original.args else None
    if isinstance(code, int) and code in TRANSIENT_MYSQL_ERRORS:
        return True
    cause: BaseException | None = original
    while cause is not None:
        if isinstance(cause, OSError):  # TimeoutError included
            return True
        cause = cause.__cause__ or cause.__context__
    return False


def is_foreign_key_violation(error: IntegrityError) -> bool:
    """Whether `error` is a foreign key naming a missing row, rather than a duplicate (a
    unique constraint) or a NOT NULL: by the driver's code, as SQLAlchemy raises
    IntegrityError for them all."""
    original = error.orig
    sqlstate = getattr(original, "sqlstate", None) or getattr(original, "pgcode", None)
    if sqlstate == FOREIGN_KEY_SQLSTATE:
        return True
    if getattr(original, "sqlite_errorcode", None) == SQLITE_CONSTRAINT_FOREIGNKEY:
        return True
    code = original.args[0] if original is not None and original.args else None
    return isinstance(code, int) and code in FOREIGN_KEY_MYSQL_ERRORS


def unavailable() -> JSONResponse:
    """The 503 every database failure answers: the same detail, and when to retry."""
    return JSONResponse(
        {"detail": DATABASE_UNAVAILABLE},
        status_code=status.HTTP_503_SERVICE_UNAVAILABLE,
        headers=RETRY_AFTER,
    )


async def _database_error(_request: Request, exc: Exception) -> JSONResponse:
    # With the traceback: the client learns nothing, the log must say what failed and where.
    # The engine hides statement parameters (app.core.db), so no row's values reach it.
    logger.error("database error: %s", type(exc.__cause__ or exc).__name__, exc_info=exc)
    return unavailable()


async def _driver_error(request: Request, exc: Exception) -> JSONResponse:
    if isinstance(exc, DBAPIError) and is_transient(exc):
        return await _database_error(request, exc)
    raise exc  # a bug (a ProgrammingError, say): the 500 of an unexpected error


def register_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(AppError, _app_error)
    app.add_exception_handler(IntegrityError, _integrity_error)
    # Failures of the database, not of the statement: see is_transient. A ProgrammingError
    # is a bug and stays a 500. Some async drivers report a refused connection as a bare
    # OSError, and a bounded wait ends in TimeoutError (an OSError). PoolTimeoutError: no
    # pooled connection came free in time, an overload the client may retry.
    app.add_exception_handler(DBAPIError, _driver_error)
    for error in (OSError, PoolTimeoutError):
        app.add_exception_handler(error, _database_error)
