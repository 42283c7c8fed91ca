import importlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.middleware.cors import CORSMiddleware
from opentelemetry.trace import TracerProvider

{% if cookiecutter.cache == "redis" -%}
from app.core.cache import cache
{% endif -%}
from app.core.config import Settings, get_settings
from app.core.db import engine
from app.core.deadline import DeadlineMiddleware
from app.core.docs import add_docs
from app.core.errors import register_error_handlers
from app.core.logging import configure_logging
from app.core.middleware import RequestContextMiddleware
{%- if cookiecutter.auth == "yes" %}
from app.core.security import warn_about_the_development_key
{%- endif %}
from app.core.telemetry import exporting_tracer_provider, telemetry_config, trace_statements

API_PREFIX = "/api/v1"
# What traces call the service, unless OTEL_SERVICE_NAME says otherwise.
SERVICE_NAME = "{{ cookiecutter.project_slug }}"
# Packages whose routes are served at the root, not under API_PREFIX: probes call fixed paths.
UNVERSIONED = frozenset({"health"})


def domain_routers() -> list[tuple[str, APIRouter]]:
    """(package, its `router`) for every app/<package>/router.py, in package name order.

    A new domain is served once its package has a router module: nothing lists them by
    hand, as migrations find every app/<package>/models.py. The pattern is FastAPI's
    "Bigger Applications" (https://fastapi.tiangolo.com/tutorial/bigger-applications/).
    """
    found: list[tuple[str, APIRouter]] = []
    for package in sorted(path.parent.name for path in Path(__file__).parent.glob("*/router.py")):
        found.append((package, importlib.import_module(f"app.{package}.router").router))
    return found


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
{%- if cookiecutter.auth == "yes" %}
    warn_about_the_development_key(app.state.settings)
{%- endif %}
    yield
    {{ cookiecutter.__await }}engine.dispose()
{%- if cookiecutter.cache == "redis" %}
    {{ cookiecutter.__await }}cache.close()
{%- endif %}


def create_app(
    settings: Settings | None = None, *, tracer_provider: TracerProvider | None = None
) -> FastAPI:
    """The service, configured by `settings` (default: the environment's).

    Requests and SQL statements are traced on `tracer_provider`, else on the provider that
    `OTEL_EXPORTER_OTLP_ENDPOINT` configures, else not at all (app/core/telemetry.py).
    """
    settings = settings or get_settings()
    configure_logging(json_lines=settings.environment == "production")
    tracer_provider = tracer_provider or exporting_tracer_provider(SERVICE_NAME)
    if tracer_provider is not None:
        trace_statements({{ "engine.sync_engine" if cookiecutter.mode == "async" else "engine" }}, tracer_provider)
    app = FastAPI(
        title=settings.project_name,
        version="{{ cookiecutter.version }}",
        lifespan=lifespan,
        # A path with a trailing slash is a 404, not a redirect built from the Host header.
        redirect_slashes=False,
        telemetry=telemetry_config(tracer_provider),
        # Served by add_docs from the service's own files, or not at all (DOCS_ENABLED).
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json" if settings.serves_docs else None,
    )
    app.state.settings = settings
    app.add_middleware(DeadlineMiddleware, seconds=settings.request_timeout, cancel={{ cookiecutter.mode == "async" }})
    max_bytes = settings.max_request_body_bytes
    app.add_middleware(RequestContextMiddleware, max_body_bytes=max_bytes)
    if settings.cors_origins:
        # Outermost: every answer gets the CORS headers, the 500 and the 413 included, or a
        # browser hides them from the page behind a CORS error.
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["*"],
            allow_headers=["*"],
            expose_headers=["X-Request-ID"],
        )
    register_error_handlers(app)

    # Every route that reads a body is under API_PREFIX: FastAPI counts its bytes. Each
    # router is included in the app itself: FastAPI matches a request router by router, so
    # a router of routers would cost each request a level more.
    for package, router in domain_routers():
        if package in UNVERSIONED:
            app.include_router(router)
        else:
            app.include_router(router, prefix=API_PREFIX, max_body_size=max_bytes)
    if settings.serves_docs:
        add_docs(app)
    return app


app = create_app()
