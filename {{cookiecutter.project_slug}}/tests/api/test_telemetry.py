"""Tracing, once it is on: one trace per request, from the route to its SQL statements,
whose id its log lines carry. Spans go to an in-memory exporter instead of a collector."""

import logging
from collections.abc import Iterator

import pytest
from fastapi import FastAPI, status
{{ cookiecutter.__client_import }}
from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, format_trace_id
{{ "from sqlalchemy.ext.asyncio import AsyncEngine" if cookiecutter.mode == "async" else "from sqlalchemy import Engine" }}

from app.core import telemetry
from app.main import create_app

from app import main

COLLECTION = main.app.url_path_for("list_{{ cookiecutter.resource_plural }}")


@pytest.fixture
def spans() -> InMemorySpanExporter:
    """Every span the traced app finishes, in the order they finish."""
    return InMemorySpanExporter()


@pytest.fixture
def app(
    spans: InMemorySpanExporter, engine: {{ cookiecutter.__engine }}, monkeypatch: pytest.MonkeyPatch
) -> Iterator[FastAPI]:
    """The service traced into `spans`, with the test engine's statements traced too.

    Replaces conftest's `app` in this module, so `client` sends its requests here.
    """
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(spans))
    monkeypatch.setattr(main, "engine", engine)
    yield create_app(tracer_provider=provider)
    SQLAlchemyInstrumentor().uninstrument()


def ancestors(span: ReadableSpan, spans: list[ReadableSpan]) -> list[ReadableSpan]:
    """The spans above `span`, its parent first."""
    by_id = {s.context.span_id: s for s in spans}
    chain = []
    while span.parent is not None and span.parent.span_id in by_id:
        span = by_id[span.parent.span_id]
        chain.append(span)
    return chain


def statement(span: ReadableSpan) -> str:
    attributes = span.attributes or {}
    return str(attributes.get("db.query.text") or attributes.get("db.statement") or "")


{{ cookiecutter.__async }}def test_a_request_is_one_trace_from_its_route_to_its_sql(
    {{ cookiecutter.__api_client }}: {{ cookiecutter.__client }}, spans: InMemorySpanExporter, caplog: pytest.LogCaptureFixture
) -> None:
    spans.clear()
    with caplog.at_level(logging.INFO, logger="app.access"):
        response = {{ cookiecutter.__await }}{{ cookiecutter.__api_client }}.get(COLLECTION)

    assert response.status_code == status.HTTP_200_OK
    finished = list(spans.get_finished_spans())
    (request,) = [s for s in finished if s.kind is SpanKind.SERVER]
    assert request.attributes is not None
    assert request.attributes["http.route"] == COLLECTION
    assert request.attributes["http.response.status_code"] == status.HTTP_200_OK
    selects = [s for s in finished if statement(s).startswith("SELECT")]
    assert selects  # the page and its count, through the request's session
    for select in selects:
        assert request in ancestors(select, finished)
        assert select.context.trace_id == request.context.trace_id
    # The request's access line names its trace: a log search leads to the trace.
    (access,) = [r for r in caplog.records if r.name == "app.access"]
    assert access.trace_id == format_trace_id(request.context.trace_id)  # type: ignore[attr-defined]


def test_without_an_endpoint_nothing_is_traced(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(telemetry.ENDPOINT_VARIABLE, raising=False)

    assert telemetry.exporting_tracer_provider("service") is None
    assert telemetry.telemetry_config(None) == telemetry.OFF


def test_with_an_endpoint_spans_are_exported_in_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(telemetry.ENDPOINT_VARIABLE, "http://127.0.0.1:4318")
    monkeypatch.setenv("OTEL_SERVICE_NAME", "checkout")

    provider = telemetry.exporting_tracer_provider("service")

    assert isinstance(provider, TracerProvider)
    assert provider.resource.attributes["service.name"] == "checkout"
    assert telemetry.telemetry_config(provider)["tracer_provider"] is provider
    provider.shutdown()  # exports nothing: no span was made
