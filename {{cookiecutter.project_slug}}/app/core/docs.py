"""Interactive API docs (Swagger UI) served from the service's own files: no CDN, so they
work on a network without internet access, and a page of the service loads no script
from anywhere else."""

from importlib.resources import files
from pathlib import Path

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

DOCS_URL = "/docs"
ASSETS_URL = "/docs/assets"
# Swagger UI's built files, as the fastapi-swagger package ships and updates them.
ASSETS = Path(str(files("fastapi_swagger") / "resources"))


def add_docs(app: FastAPI) -> None:
    """Serves Swagger UI at /docs for the app's OpenAPI document (app.openapi_url must be
    set), with its script and stylesheet under /docs/assets."""
    if app.openapi_url is None:
        raise ValueError("the docs need the OpenAPI document: set openapi_url")
    openapi_url = app.openapi_url
    app.mount(ASSETS_URL, StaticFiles(directory=ASSETS), name="docs_assets")

    @app.get(DOCS_URL, include_in_schema=False)
    async def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=openapi_url,
            title=f"{app.title} - API docs",
            swagger_js_url=f"{ASSETS_URL}/swagger-ui-bundle.js",
            swagger_css_url=f"{ASSETS_URL}/swagger-ui.css",
            swagger_favicon_url="data:,",  # no icon, rather than one from elsewhere
        )
