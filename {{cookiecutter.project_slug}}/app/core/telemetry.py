"""OpenTelemetry tracing, on by configuration only.

FastAPI traces its own requests once it has a tracer provider: a server span per request
(method, route, status) with spans for its dependencies, the endpoint and serialization
inside it. opentelemetry-instrumentation-sqlalchemy adds a span per SQL statement. With
`OTEL_EXPORTER_OTLP_ENDPOINT` set, both are exported over OTLP/HTTP; without it there is
no provider, FastAPI's telemetry is off, and nothing is recorded or sent.
"""

import os

from fastapi.telemetry import TelemetryConfig
from opentelemetry.trace import TracerProvider
from sqlalchemy import Engine

ENDPOINT_VARIABLE = "OTEL_EXPORTER_OTLP_ENDPOINT"
OFF: TelemetryConfig = {"tracing": False, "metrics": False, "logs": False}


def exporting_tracer_provider(service_name: str) -> TracerProvider | None:
    """A provider that exports spans in batches to `OTEL_EXPORTER_OTLP_ENDPOINT`, or None
    while that variable is unset. The exporter reads the endpoint and the other standard
    `OTEL_EXPORTER_OTLP_*` variables (headers, timeout) itself; `OTEL_SERVICE_NAME`, when
    set, names the service instead of `service_name`."""
    if not os.environ.get(ENDPOINT_VARIABLE):
        return None
    # Imported here: a service that does not export never loads the SDK.
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.resources import SERVICE_NAME, Resource
    from opentelemetry.sdk.trace import TracerProvider as SdkTracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    name = os.environ.get("OTEL_SERVICE_NAME") or service_name
    provider = SdkTracerProvider(resource=Resource.create({SERVICE_NAME: name}))
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    return provider


def telemetry_config(provider: TracerProvider | None) -> TelemetryConfig:
    """FastAPI's `telemetry` argument: its spans on `provider`, or no telemetry at all
    (which also spares each request FastAPI's checks for a configured provider)."""
    if provider is None:
        return OFF
    return {"tracer_provider": provider, "metrics": False, "logs": False}


def trace_statements(engine: Engine, provider: TracerProvider) -> None:
    """A span per statement `engine` runs, on `provider`, as a child of the request's span.

    Instruments once per process (a second call does nothing); undone by
    `SQLAlchemyInstrumentor().uninstrument()`.
    """
    from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor

    # The instrumentation's declared range of SQLAlchemy lags its releases; the events it
    # listens to are stable API (the span tree test shows they still fire).
    SQLAlchemyInstrumentor().instrument(
        engine=engine, tracer_provider=provider, skip_dep_check=True
    )
