"""What the tests take from outside: TEST_DATABASE_URL, and nothing else.

A developer's `.env` (kept beside the code, perhaps with ENVIRONMENT=production) or shell
would otherwise change what the service does under test, and so whether the tests pass.
"""

import os

from sqlalchemy import make_url

from app.core.config import Settings, get_settings

# The settings every test starts from, on top of the defaults in app.core.config.
TEST_SETTINGS = {"ENVIRONMENT": "test"}
# Read from the environment by libraries rather than by Settings: OpenTelemetry's exporter
# configuration (https://opentelemetry.io/docs/specs/otel/configuration/sdk-environment-variables/).
LIBRARY_PREFIXES = ("OTEL_",)


def isolate_from_outside_settings() -> None:
    """Stops the service's settings reading `.env`, removes every variable of the environment
    that names one of them (whatever its case) or starts with LIBRARY_PREFIXES, then sets
    TEST_SETTINGS.

    Runs once, before the app is imported: app.core.db builds its engine from the settings
    at import, from DATABASE_URL, which is set to database_url_of_nowhere(). Tests that
    check how settings are read give their own (tests/unit/test_config.py).
    """
    Settings.model_config["env_file"] = None
    fields = set(Settings.model_fields)
    outside = [
        name
        for name in os.environ
        if name.lower() in fields or name.upper().startswith(LIBRARY_PREFIXES)
    ]
    for name in outside:
        del os.environ[name]
    os.environ.update(TEST_SETTINGS)
    # The service's own engine (app.core.db) points where no database answers: a request
    # that reaches it, not the test database the `client` fixture gives (a TestClient of
    # the app made by hand, say), fails with a 503 rather than writing to the development
    # database the README has you create.
    os.environ["DATABASE_URL"] = database_url_of_nowhere()
    get_settings.cache_clear()


def database_url_of_nowhere() -> str:
    """The service's default DATABASE_URL, pointed where no database answers."""
    url = make_url(str(Settings.model_fields["database_url"].default))
    if url.get_backend_name() == "sqlite":
        url = url.set(database="/nonexistent/directory/service.db")
    else:
        url = url.set(host="127.0.0.1", port=1)  # nothing listens on port 1
    return url.render_as_string(hide_password=False)
