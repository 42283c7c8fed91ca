import json
import logging
import sys
import warnings
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from app.core.logging import (
    JsonFormatter,
    TextFormatter,
    configure_logging,
    logging_config,
    redact,
    request_id_var,
)

PROJECT_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def root_logger() -> Iterator[logging.Logger]:
    """The root logger, handlers and level restored after the test reconfigures it."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield root
    root.handlers[:] = handlers
    root.setLevel(level)
    logging.captureWarnings(False)


def record(msg: object, *args: object, level: int = logging.INFO) -> logging.LogRecord:
    """A record as `logging.getLogger("app").log(level, msg, *args)` makes it."""
    return logging.getLogRecordFactory()("app", level, __file__, 1, msg, args, None)


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


def test_json_lines_carry_the_request_id_and_a_utc_iso_time() -> None:
    token = request_id_var.set("req-1")
    try:
        line = json.loads(JsonFormatter().format(record("hello %s", "world")))
    finally:
        request_id_var.reset(token)

    assert line["message"] == "hello world"
    assert line["request_id"] == "req-1"
    assert line["trace_id"] == "-"  # nothing traced here
    assert datetime.fromisoformat(line["time"]).utcoffset() == timedelta(0)


def test_text_lines_take_utc_time_and_the_request_id() -> None:
    token = request_id_var.set("req-2")
    try:
        line = TextFormatter().format(record("hello"))
    finally:
        request_id_var.reset(token)

    stamp, level, request_id, message = line.split(" ", 3)
    assert stamp.endswith("Z")
    assert datetime.fromisoformat(stamp.replace("Z", "+00:00")).utcoffset() == timedelta(0)
    assert (level, request_id, message) == ("INFO", "[req-2]", "hello")


@pytest.mark.parametrize("formatter", [JsonFormatter(), TextFormatter()])
@pytest.mark.parametrize(
    ("msg", "args"), [("%s %s", ("one",)), ("%d items", ("many",)), ("%(name)s", ("positional",))]
)
def test_a_call_whose_arguments_do_not_fit_its_format_still_gives_a_line(
    formatter: logging.Formatter, msg: str, args: tuple[object, ...]
) -> None:
    line = formatter.format(record(msg, *args))

    assert msg in line
    assert "unformattable" in line


def test_a_bad_logging_call_neither_raises_nor_writes_a_logging_error(
    root_logger: logging.Logger, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging(json_lines=True)

    logging.getLogger("app").info("%s %s", "only one")

    (line,) = capsys.readouterr().err.splitlines()
    assert json.loads(line)["message"].startswith("%s %s")


def test_a_line_break_in_a_message_cannot_forge_a_text_line() -> None:
    forged = "GET /items\n2026-01-01T00:00:00.000Z INFO [admin] logged in as admin"

    line = TextFormatter().format(record("%s 404", forged))

    assert "\n" not in line
    assert "\\n2026-01-01" in line


def test_every_string_in_a_json_line_is_redacted() -> None:
    token = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl"
    line_record = record("GET %s", f"/items/{token}")
    line_record.path = f"/items/{token}"

    line = JsonFormatter().format(line_record)

    assert token not in line
    assert json.loads(line)["path"] == "/items/[redacted]"


def test_exceptions_in_json_lines_are_redacted_too() -> None:
    try:
        raise ValueError("password=hunter22")
    except ValueError:
        failed = record("failed", level=logging.ERROR)
        failed.exc_info = sys.exc_info()

    line = json.loads(JsonFormatter().format(failed))

    assert "hunter22" not in line["exception"]
    assert "ValueError" in line["exception"]


def test_records_made_in_a_request_carry_its_id(root_logger: logging.Logger) -> None:
    configure_logging(json_lines=True)
    token = request_id_var.set("req-3")
    try:
        made = record("inside")
    finally:
        request_id_var.reset(token)

    # Set where the line was logged, whenever and wherever it is written.
    assert made.request_id == "req-3"  # type: ignore[attr-defined]
    assert json.loads(JsonFormatter().format(made))["request_id"] == "req-3"


def test_production_logs_json_lines(root_logger: logging.Logger) -> None:
    configure_logging(json_lines=True)

    (handler,) = root_logger.handlers
    assert isinstance(handler.formatter, JsonFormatter)


def test_uvicorns_log_config_is_the_services_production_logging() -> None:
    # `uvicorn --log-config logging.json` formats the supervisor's lines (with --workers)
    # and each worker's until the app takes over with the same configuration.
    shipped = json.loads((PROJECT_ROOT / "logging.json").read_text(encoding="utf-8"))

    assert shipped == logging_config(json_lines=True)


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


def test_a_warning_is_a_json_line_after_a_capture_that_a_catch_warnings_block_undid(
    root_logger: logging.Logger, capsys: pytest.CaptureFixture[str]
) -> None:
    with warnings.catch_warnings():  # as pytest wraps each test, or a library's set-up ran in one
        logging.captureWarnings(True)
    configure_logging(json_lines=True)

    with warnings.catch_warnings():
        warnings.simplefilter("always")
        warnings.warn("a notice after the block", UserWarning, stacklevel=1)

    (line,) = capsys.readouterr().err.splitlines()
    assert "a notice after the block" in json.loads(line)["message"]


def test_the_servers_own_lines_take_the_same_format(root_logger: logging.Logger) -> None:
    server = logging.getLogger("uvicorn.error")
    server.addHandler(logging.NullHandler())  # as uvicorn's own logging set-up leaves it
    server.propagate = False

    configure_logging(json_lines=True)

    assert not server.handlers
    assert server.propagate


def test_a_request_gets_one_access_line_not_the_servers_too(root_logger: logging.Logger) -> None:
    server_access = logging.getLogger("uvicorn.access")
    server_access.addHandler(logging.NullHandler())  # as uvicorn's set-up leaves it

    configure_logging(json_lines=True)

    # uvicorn writes its access line only while this is true (checked per connection).
    assert not server_access.hasHandlers()


def test_a_mapping_logged_as_the_message_becomes_fields() -> None:
    line = json.loads(JsonFormatter().format(record({"event": "x"})))

    assert line["event"] == "x"
