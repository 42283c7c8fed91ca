import json
import logging

import pytest

from app.core.logging import JsonFormatter, RequestContextFilter, redact, request_id_var


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
