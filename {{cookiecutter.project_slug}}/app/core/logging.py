"""Log lines: JSON in production, readable text elsewhere, each with its request and trace ids.

The JSON comes from python-json-logger, the timestamps from the record's own clock in UTC.
What this module adds is what no formatter knows: the request's context, secrets kept out,
and a line that a bad logging call cannot turn into a failed request.
"""

import copy
import logging
import logging.config
import re
import time
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from opentelemetry import trace
from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter as BaseJsonFormatter

request_id_var: ContextVar[str] = ContextVar("request_id", default="-")

NO_ID = "-"
# Bearer tokens, signed tokens and password fields never reach a log line, whoever logs them.
_SECRETS = re.compile(
    r"(bearer\s+)\S+|eyJ[\w-]+\.[\w-]+\.[\w-]*|(password\"?\s*[:=]\s*\"?)[^\s\",&]+", re.IGNORECASE
)
_SECRET_HINTS = ("bearer", "eyj", "password")
# Line breaks and other control characters, which would let a client's text (a path with
# %0A in it) start a line of its own in a text log.
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def redact(text: str) -> str:
    """`text` with bearer tokens, signed tokens and password values replaced by `[redacted]`."""
    # Most lines (every access line) hold no hint of a secret: skip the regex for them.
    lowered = text.lower()
    if not any(hint in lowered for hint in _SECRET_HINTS):
        return text
    return _SECRETS.sub(lambda m: (m.group(1) or m.group(2) or "") + "[redacted]", text)


def escape_controls(text: str) -> str:
    """`text` on one line: each control character written as its escape, e.g. `\\n`."""
    return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode(), text)


def current_trace_id() -> str:
    """The OpenTelemetry trace id of the current context (32 hex digits), or `-` when
    nothing is traced."""
    context = trace.get_current_span().get_span_context()
    return trace.format_trace_id(context.trace_id) if context.is_valid else NO_ID


def safe_message(record: logging.LogRecord) -> str:
    """The record's message, redacted. A call whose arguments do not fit its format
    (`log.info("%s %s", x)`) gives its format and arguments as they are, never an error."""
    try:
        message = record.getMessage()
    except Exception as error:  # a log line must never fail the code that logs it
        message = f"{record.msg} {record.args!r} (unformattable: {type(error).__name__})"
    return redact(message)


def _with_context(record: logging.LogRecord) -> logging.LogRecord:
    """A copy of `record` whose message is final and safe, and which has both ids (taken
    from the context now if the record factory did not set them)."""
    record = copy.copy(record)
    if isinstance(record.msg, str):
        record.msg, record.args = safe_message(record), None
    if not hasattr(record, "request_id"):
        record.request_id = request_id_var.get()
    if not hasattr(record, "trace_id"):
        record.trace_id = current_trace_id()
    return record


class JsonFormatter(BaseJsonFormatter):
    """One JSON object per line: `time` (ISO 8601, UTC), `level`, `logger`, `message`,
    `request_id`, `trace_id`, then whatever the call passed as `extra`, and `exception`
    when there is one. Every string value is redacted."""

    def __init__(self) -> None:
        super().__init__(
            ["levelname", "name", "message", "request_id", "trace_id"],
            rename_fields={"levelname": "level", "name": "logger", "exc_info": "exception"},
            timestamp="time",
            # uvicorn's copy of its message with terminal colours in it.
            reserved_attrs=[*RESERVED_ATTRS, "color_message"],
        )

    def format(self, record: logging.LogRecord) -> str:
        return super().format(_with_context(record))

    def process_log_record(self, log_data: dict[str, Any]) -> dict[str, Any]:
        return {
            key: redact(value) if isinstance(value, str) else value
            for key, value in log_data.items()
        }


class TextFormatter(logging.Formatter):
    """`2026-01-31T12:00:00.000Z INFO [request id] message`, one line per message (a
    traceback follows on lines of its own), in UTC, redacted."""

    default_time_format = "%Y-%m-%dT%H:%M:%S"
    default_msec_format = "%s.%03dZ"

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s [%(request_id)s] %(message)s")
        self.converter = time.gmtime

    def format(self, record: logging.LogRecord) -> str:
        record = _with_context(record)
        if isinstance(record.msg, str):
            record.msg = escape_controls(record.msg)
        return redact(super().format(record))


# uvicorn's own loggers: their start-up, shutdown and error lines.
SERVER_LOGGERS = ("uvicorn", "uvicorn.error")
# uvicorn's access line, which RequestContextMiddleware's replaces.
SERVER_ACCESS_LOGGER = "uvicorn.access"


def logging_config(*, json_lines: bool, level: str = "INFO") -> dict[str, Any]:
    """The `logging.config.dictConfig` schema of the service's logging: one handler on the
    root, to stderr; uvicorn's loggers hand their lines to it; uvicorn's access line is
    off. `logging.json` holds the production form, for uvicorn's `--log-config`."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "default": {"()": f"{__name__}.{'JsonFormatter' if json_lines else 'TextFormatter'}"}
        },
        "handlers": {"default": {"class": "logging.StreamHandler", "formatter": "default"}},
        "root": {"handlers": ["default"], "level": level},
        "loggers": {
            # uvicorn gives its loggers handlers of their own, in plain text. Handed over to
            # the root's, its lines get the same format and the same redaction.
            **{name: {"handlers": [], "propagate": True} for name in SERVER_LOGGERS},
            # Silenced, with or without `--no-access-log`: a request gets one access line,
            # the app's, which carries its request id. uvicorn logs access lines only while
            # this logger has a handler somewhere, so it must not reach the root's.
            SERVER_ACCESS_LOGGER: {"handlers": [], "propagate": False},
        },
    }


class ContextRecordFactory:
    """A log record factory (`logging.setLogRecordFactory`) that tags every record with the
    request and trace ids of the context it is logged in, read there and then: a handler
    may write the line later, or on another thread."""

    def __init__(self, base: Callable[..., logging.LogRecord]) -> None:
        self.base = base

    def __call__(self, *args: Any, **kwargs: Any) -> logging.LogRecord:
        record = self.base(*args, **kwargs)
        record.request_id = request_id_var.get()
        record.trace_id = current_trace_id()
        return record


def configure_logging(*, json_lines: bool, level: str = "INFO") -> None:
    """Apply `logging_config` and install `ContextRecordFactory` (once)."""
    logging.config.dictConfig(logging_config(json_lines=json_lines, level=level))
    base = logging.getLogRecordFactory()
    if not isinstance(base, ContextRecordFactory):
        logging.setLogRecordFactory(ContextRecordFactory(base))
    if json_lines:
        # A library's warning becomes a JSON line too. Off first: captureWarnings(True) does
        # nothing while it believes itself on, and a `warnings.catch_warnings()` block that
        # ended since (pytest runs each test in one) has put the plain `showwarning` back.
        logging.captureWarnings(False)
        logging.captureWarnings(True)
