"""The API keeps the promises of its own OpenAPI schema, for inputs nobody thought of.

schemathesis generates requests for every operation from the schema the app publishes,
boundary values and wrong methods included; each response must be documented, match its
declared shape, and never be a 5xx. It takes seconds rather than milliseconds, so it
runs as its own step: `pytest -m contract` (CI always runs it).
"""

from typing import Any

import pytest
import schemathesis
{{ cookiecutter.__client_import }}
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from app.main import app

schema = schemathesis.openapi.from_dict(app.openapi())
# Starlette answers a wrong method with the Allow header of the first route matching the
# path (GET for a collection that also takes POST); the status code is still checked.
schema.config.checks.update(excluded_check_names=["allow_header_conformance"])
# The generator's addresses for `format: email` include domains under .test, which RFC 6761
# reserves and the validator behind EmailStr refuses; the schema has no way to say so.
schemathesis.openapi.format("email", st.emails(domains=st.sampled_from(["example.com"])))

pytestmark = pytest.mark.contract

# The fixtures' session is shared by every example of one test; a few derandomized
# examples per operation keep the run short and its failures reproducible.
CONTRACT = settings(
    max_examples=8,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def as_request(case: schemathesis.Case[Any]) -> dict[str, Any]:
    request = case.as_transport_kwargs()
    request.pop("cookies", None)  # the API reads no cookies
    if isinstance(request.get("data"), bytes | str):
        request["content"] = request.pop("data")  # raw bodies, in httpx's spelling
    if request.get("files"):
        request["files"] = [(name, as_text(part)) for name, part in request["files"]]
    return request


def as_text(part: tuple[Any, ...]) -> tuple[Any, ...]:
    """A multipart field as httpx takes it: schemathesis writes fields as requests takes
    them, which sends a number as its text and httpx does not."""
    filename, content, *rest = part
    return (filename, content if isinstance(content, bytes | str) else str(content), *rest)


@schema.parametrize()
@CONTRACT
{{ cookiecutter.__async }}def test_anonymous_requests_keep_the_contract(
    case: schemathesis.Case[Any],
    client: {{ cookiecutter.__client }},
) -> None:
    response = {{ cookiecutter.__await }}client.request(**as_request(case))
    # A multipart body goes as a stream: read it again, for the checks that look at it.
    response.request.read()

    case.validate_response(response)
{%- if cookiecutter.auth == "yes" %}


@schema.parametrize()
@CONTRACT
{{ cookiecutter.__async }}def test_authenticated_requests_keep_the_contract(
    case: schemathesis.Case[Any], authorized_client: {{ cookiecutter.__client }}
) -> None:
    response = {{ cookiecutter.__await }}authorized_client.request(**as_request(case))
    # A multipart body goes as a stream: read it again, for the checks that look at it.
    response.request.read()

    case.validate_response(response)
{%- endif %}
