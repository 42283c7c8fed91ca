import json
import logging
import sys
import warnings
from collections.abc import Iterator

import pytest

from app.core.logging import (
    JsonFormatter,
    RequestContextFilter,
    configure_logging,
    redact,
    request_id_var,
)


@pytest.fixture
def root_logger() -> Iterator[logging.Logger]:
    """The root logger, handlers and level restored after the test reconfigures it."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield root
    root.handlers[:] = handlers
    root.setLevel(level)
    logging.captureWarnings(False)


@pytest.mark.parametrize(
    "text",
    [
        "Authorization: Bearer abc.def.ghi",
        "token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl",
        '{"password": "hunter22"}',
        "password=hunter22&next=/",
    ],
)
def test_secrets_are_redacted(text: str) -> None:
    redacted = redact(text)

    assert "[redacted]" in redacted
    for secret in ("abc.def.ghi", "eyJhbGciOiJIUzI1NiJ9", "hunter22"):
        assert secret not in redacted


def test_json_lines_carry_the_request_id() -> None:
    record = logging.LogRecord("app", logging.INFO, __file__, 1, "hello %s", ("world",), None)
    token = request_id_var.set("req-1")
    try:
        RequestContextFilter().filter(record)
    finally:
        request_id_var.reset(token)

    line = json.loads(JsonFormatter().format(record))

    assert line["message"] == "hello world"
    assert line["request_id"] == "req-1"


def test_exceptions_in_json_lines_are_redacted_too() -> None:
    try:
        raise ValueError("password=hunter22")
    except ValueError:
        record = logging.LogRecord("app", logging.ERROR, __file__, 1, "failed", (), None)
        record.exc_info = sys.exc_info()

    line = json.loads(JsonFormatter().format(record))

    assert "hunter22" not in line["exception"]
    assert "ValueError" in line["exception"]


def test_production_logs_json_lines(root_logger: logging.Logger) -> None:
    configure_logging(json_lines=True)

    (handler,) = root_logger.handlers
    assert isinstance(handler.formatter, JsonFormatter)


def test_a_warning_in_production_is_a_json_line_too(
    root_logger: logging.Logger, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging(json_lines=True)  # its handler writes to the stderr capsys captures

    with warnings.catch_warnings():
        warnings.simplefilter("always")
        warnings.warn("a driver's notice", UserWarning, stacklevel=1)

    (line,) = capsys.readouterr().err.splitlines()
    assert json.loads(line)["logger"] == "py.warnings"
    assert "a driver's notice" in json.loads(line)["message"]


def test_the_servers_own_lines_take_the_same_format(root_logger: logging.Logger) -> None:
    server = logging.getLogger("uvicorn.error")
    server.addHandler(logging.NullHandler())  # as uvicorn's own logging set-up leaves it
    server.propagate = False

    configure_logging(json_lines=True)

    assert not server.handlers
    assert server.propagate


def test_a_request_gets_one_access_line_not_the_servers_too(
    root_logger: logging.Logger,
) -> None:
    server_access = logging.getLogger("uvicorn.access")
    server_access.addHandler(logging.NullHandler())  # as uvicorn's set-up leaves it

    configure_logging(json_lines=True)

    # uvicorn writes its access line only while this is true (checked per connection).
    assert not server_access.hasHandlers()


def test_records_with_non_text_messages_pass_through() -> None:
    record = logging.LogRecord("app", logging.INFO, __file__, 1, {"event": "x"}, (), None)

    assert RequestContextFilter().filter(record)
    assert record.msg == {"event": "x"}
