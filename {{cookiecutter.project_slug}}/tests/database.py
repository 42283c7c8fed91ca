"""Where the tests keep their data: TEST_DATABASE_URL, or the default below."""

import os

from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy import URL, Connection, MetaData, make_url, text

from app.core.db import Base, create_db_engine
from app.core.models import import_every_model

DEFAULT_TEST_DATABASE_URL = "{{ cookiecutter.__default_test_database_url }}"
# The database a server lets anyone connect to, to create the others from.
_MAINTENANCE_DATABASE = {"postgresql": "postgres", "mysql": "information_schema"}
_EXISTS = {
    "postgresql": "SELECT 1 FROM pg_database WHERE datname = :name",
    "mysql": "SELECT 1 FROM information_schema.schemata WHERE schema_name = :name",
}


class DatabaseSettingsForTests(BaseSettings):
    """TEST_DATABASE_URL from the environment or `.env`, as the service reads its settings."""

    model_config = SettingsConfigDict(env_file=".env", env_ignore_empty=True, extra="ignore")

    test_database_url: str = DEFAULT_TEST_DATABASE_URL


def database_url_for_tests(suffix: str = "") -> URL:
    """The test database, one per pytest-xdist worker so parallel runs never meet."""
    url = make_url(DatabaseSettingsForTests().test_database_url)
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if url.get_backend_name() == "sqlite" or not (suffix or worker):
        return url
    name = "_".join(part for part in (url.database, suffix, worker) if part)
    return url.set(database=name)


def is_in_memory(url: URL) -> bool:
    return url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:")


{{ cookiecutter.__async }}def create_database_if_missing(url: URL) -> None:
    backend = url.get_backend_name()
    if backend == "sqlite":
        return
    server = create_db_engine(
        url.set(database=_MAINTENANCE_DATABASE[backend]),
        isolation_level="AUTOCOMMIT",
    )
    try:
        {{ cookiecutter.__async }}with server.connect() as connection:
            exists = {{ cookiecutter.__await }}connection.scalar(text(_EXISTS[backend]), {"name": url.database})
            if not exists:
                quoted = connection.dialect.identifier_preparer.quote(str(url.database))
                {{ cookiecutter.__await }}connection.execute(text(f"CREATE DATABASE {quoted}"))
    finally:
        {{ cookiecutter.__await }}server.dispose()


{{ cookiecutter.__async }}def create_empty_database(url: URL) -> None:
    """The database at `url`, created if missing and stripped of every table."""
    {{ cookiecutter.__await }}create_database_if_missing(url)
    engine = create_db_engine(url)
    {{ cookiecutter.__async }}with engine.begin() as connection:
{%- if cookiecutter.mode == "async" %}
        await connection.run_sync(drop_every_table)
{%- else %}
        drop_every_table(connection)
{%- endif %}
    {{ cookiecutter.__await }}engine.dispose()


def drop_every_table(connection: Connection) -> None:
    """Every table the database has, not only those the models know: a table of a model
    since deleted (another branch, say) would otherwise block dropping what it references."""
    tables = MetaData()
    tables.reflect(connection)
    tables.drop_all(connection)


def rebuild_schema(connection: Connection) -> None:
    """Every model's table, empty, whatever an earlier run left behind."""
    import_every_model()  # the app may not import a new model's module yet; migrations do
    drop_every_table(connection)
    Base.metadata.create_all(connection)


def unreachable_database_url() -> URL:
    """The test database's URL, pointed where no database answers."""
    url = database_url_for_tests()
    if url.get_backend_name() == "sqlite":
        return url.set(database="/nonexistent/directory/down.db")
    return url.set(host="127.0.0.1", port=1)  # nothing listens on port 1
