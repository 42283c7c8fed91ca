import json
import logging
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request, status
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.exc import IntegrityError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

logger = logging.getLogger(__name__)

ALREADY_EXISTS = "Resource already exists"
DATABASE_UNAVAILABLE = "Database unavailable, try again shortly"


class ErrorResponse(BaseModel):
    detail: str


def documented(*status_codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI entries for the error answers a route can give, all in one shape.

    400 is what the framework answers for a body it cannot even decode: routes that take
    a body list it.
    """
    return {
        code: {"model": ErrorResponse, "description": HTTPStatus(code).phrase}
        for code in status_codes
    }


class AppError(Exception):
    """A failure the client caused or can act on; the handler turns it into JSON."""

    status_code = status.HTTP_400_BAD_REQUEST

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class NotFoundError(AppError):
    status_code = status.HTTP_404_NOT_FOUND


class ConflictError(AppError):
    status_code = status.HTTP_409_CONFLICT


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
        {"detail": jsonable_encoder(shown)},
        status_code=status.HTTP_422_UNPROCESSABLE_CONTENT,
    )


async def _app_error(_request: Request, exc: Exception) -> JSONResponse:
    error = exc if isinstance(exc, AppError) else AppError(str(exc))
    return JSONResponse({"detail": error.detail}, status_code=error.status_code)


async def _integrity_error(_request: Request, exc: Exception) -> JSONResponse:
    # Services turn the unique violations they expect into ConflictError; this catches
    # the rest (a constraint added later, a race on another column) as a conflict too.
    logger.warning("integrity error: %s", type(exc.__cause__ or exc).__name__)
    return JSONResponse({"detail": ALREADY_EXISTS}, status_code=status.HTTP_409_CONFLICT)


async def _database_error(_request: Request, exc: Exception) -> JSONResponse:
    # With the traceback: the client learns nothing, the log must say what failed and where.
    logger.error("database error: %s", type(exc.__cause__ or exc).__name__, exc_info=exc)
    return JSONResponse(
        {"detail": DATABASE_UNAVAILABLE},
        status_code=status.HTTP_503_SERVICE_UNAVAILABLE,
    )


def register_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(AppError, _app_error)
    app.add_exception_handler(IntegrityError, _integrity_error)
    # Connection-level failures only: a ProgrammingError is a bug and stays a 500. Some
    # async drivers report a refused connection as a bare OSError. PoolTimeoutError: no
    # pooled connection came free in time, an overload the client may retry.
    for error in (OperationalError, InterfaceError, OSError, PoolTimeoutError):
        app.add_exception_handler(error, _database_error)
