"""Where the tests keep their data: TEST_DATABASE_URL, or the service's own default with `_test`.

Run `python -m tests.database --drop` to drop every test database a run may have left:
one per pytest-xdist worker and per purpose, on the server TEST_DATABASE_URL names.
"""

import argparse
{%- if cookiecutter.mode == "async" %}
import asyncio
{%- endif %}
import atexit
import hashlib
import os
import re
import shutil
import tempfile
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from pydantic_settings import BaseSettings, SettingsConfigDict
{%- if cookiecutter.mode == "async" %}
from sqlalchemy import URL, Connection, MetaData, event, make_url, text
from sqlalchemy.exc import ArgumentError, InvalidRequestError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
{%- else %}
from sqlalchemy import URL, Connection, Engine, MetaData, create_engine, event, make_url, text
from sqlalchemy.exc import ArgumentError, InvalidRequestError
{%- endif %}

from app.core.config import Settings
from app.core.db import Base, create_db_engine
from app.core.models import import_every_model

# The database a server lets anyone connect to, to create the others from.
_MAINTENANCE_DATABASE = {"postgresql": "postgres", "mysql": "information_schema"}
_EXISTS = {
    "postgresql": "SELECT 1 FROM pg_database WHERE datname = :name",
    "mysql": "SELECT 1 FROM information_schema.schemata WHERE schema_name = :name",
}
# Per connection, so that commits do not wait for the disk: see commit_without_waiting_for_the_disk.
_NO_FSYNC_WAIT = {"postgresql": "SET synchronous_commit TO OFF", "sqlite": "PRAGMA synchronous=OFF"}
# The longest database name each server takes: PostgreSQL's identifiers stop at 63 bytes,
# MySQL's database names at 64 characters.
_LONGEST_NAME = {"postgresql": 63, "mysql": 64}
_HASHED = 9  # "_" and 8 hex digits
_LIKE = {
    "postgresql": "SELECT datname FROM pg_database WHERE datname = :name OR datname LIKE :like",
    "mysql": "SELECT schema_name FROM information_schema.schemata"
    " WHERE schema_name = :name OR schema_name LIKE :like",
}
# As the README creates the service's database: on MySQL and MariaDB, one whose tables
# store any text (a server whose default is latin1 would refuse most of Unicode).
_CHARSET = {"postgresql": "", "mysql": " CHARACTER SET utf8mb4"}


class DatabaseSettingsForTests(BaseSettings):
    """TEST_DATABASE_URL from the environment or `.env`: the one setting the tests take from
    outside (see tests/__init__.py). Unset, the service's default DATABASE_URL with `_test`
    after the database name; for SQLite, a file in a temporary directory."""

    model_config = SettingsConfigDict(env_file=".env", env_ignore_empty=True, extra="ignore")

    test_database_url: str | None = None


def configured_test_database_url() -> URL:
    """TEST_DATABASE_URL as given, or the default the class above describes."""
    given = DatabaseSettingsForTests().test_database_url
    if given:
        return make_url(given)
    service_default = make_url(str(Settings.model_fields["database_url"].default))
    if service_default.get_backend_name() == "sqlite":
        return URL.create(service_default.drivername)  # in memory: a temporary file, see below
    return service_default.set(database=f"{service_default.database}_test")


def unusable_url_reason() -> str | None:
    """Why the tests cannot use TEST_DATABASE_URL at all, as one line naming the driver
    this project installs; None if an engine can be made of it. Not a URL, a dialect or
    driver SQLAlchemy does not know, one this project does not install, or a
    {{ "synchronous driver in an async" if cookiecutter.mode == "async" else "driver for asyncio in a sync" }} project: each would fail every test alike.

    Checked once, before any test runs (tests/conftest.py), so that a mistyped
    TEST_DATABASE_URL is one error, not the same traceback in every test. Nothing connects.
    """
    try:
        configured_test_database_url().get_dialect()  # before the name is used
        create_db_engine(database_url_for_tests())
    except (ArgumentError, ImportError, InvalidRequestError) as exc:
        service = make_url(str(Settings.model_fields["database_url"].default))
        example = service.set(database=f"{service.database}_test")
        if service.get_backend_name() == "sqlite":
            example = service.set(database="test.db")
        cause = str(exc).splitlines()[0]
        return (
            f"TEST_DATABASE_URL cannot be used ({cause}); this project's driver is"
            f" {service.drivername}, e.g. {example.render_as_string(hide_password=False)}"
        )
    return None


# What a test may want a database of its own for: `database_url_for_tests(suffix)` takes only
# these, so that the drop command knows every name a run can make, and no other.
PURPOSES = ("concurrency", "migrations", "models", "schema")


def database_url_for_tests(suffix: str = "") -> URL:
    """The test database: one per pytest-xdist worker and per `suffix`, so that parallel runs
    and tests that need a database of their own never meet.

    Server databases get `_<suffix>_<worker>` after their name, SQLite files the same before
    their extension. SQLite in memory is a single connection, which cannot show what two
    connections do (a request's commit beside the test's session); it becomes a file in a
    temporary directory of this process, removed when the process ends.
    """
    if suffix and suffix not in PURPOSES:
        raise ValueError(f"{suffix!r} is not one of PURPOSES {PURPOSES}: add it there first")
    url = configured_test_database_url()
    parts = [part for part in (suffix, os.environ.get("PYTEST_XDIST_WORKER")) if part]
    backend = url.get_backend_name()
    if backend != "sqlite":
        return url.set(database=fitted_name("_".join([str(url.database), *parts]), backend))
    if url.database in (None, "", ":memory:"):
        return url.set(database=str(_temporary_directory() / "_".join(["test", *parts])) + ".db")
    path = Path(str(url.database))
    return url.set(database=str(path.with_stem("_".join([path.stem, *parts]))))


def fitted_name(name: str, backend: str) -> str:
    """`name`, or, when the server would refuse it as too long (a long project name with a
    worker's suffix), its start and 8 hex digits of its SHA-256: the same name every run."""
    limit = _LONGEST_NAME[backend]
    if len(name.encode()) <= limit:
        return name
    start = name.encode()[: limit - _HASHED].decode(errors="ignore")
    return f"{start}_{hashlib.sha256(name.encode()).hexdigest()[:8]}"


def is_a_test_database(name: str, test_database: str, backend: str) -> bool:
    """Whether `name` is the test database or one of the variants a run makes of it (per
    purpose in PURPOSES, per pytest-xdist worker), shortened as `fitted_name` does. Any other
    database, `<test database>_keep` included, is not."""
    if re.fullmatch(re.escape(test_database) + _VARIANT, name):
        return True
    hashed = re.fullmatch("(.+)_[0-9a-f]{8}", name)
    if hashed is None:
        return False
    start = hashed.group(1)  # what fitted_name kept of the name before its hash
    if test_database.startswith(start):
        cut = _LONGEST_NAME[backend] - _HASHED
        return start == test_database.encode()[:cut].decode(errors="ignore")
    return start.startswith(test_database) and _starts_a_variant(start[len(test_database) :])


# The suffixes database_url_for_tests adds: a purpose, a worker, or both.
_VARIANT = "(?:_(?:" + "|".join(PURPOSES) + "))?(?:_gw[0-9]+)?"


def _starts_a_variant(rest: str) -> bool:
    # fitted_name may have cut a suffix anywhere: "_concurrency_gw11" may be left as "_c".
    whole = ["_gw", *(f"_{purpose}_gw" for purpose in PURPOSES), *(f"_{p}" for p in PURPOSES)]
    bare = re.sub("(?<=_gw)[0-9]+$", "", rest)
    return any(suffix.startswith(bare) for suffix in whole)


@cache
def _temporary_directory() -> Path:
    directory = Path(tempfile.mkdtemp(prefix="tests-"))
    atexit.register(shutil.rmtree, directory, ignore_errors=True)
    return directory


{{ cookiecutter.__async }}def create_database_if_missing(url: URL) -> None:
    """Creates the server database `url` names, if it does not exist (SQLite: nothing to do)."""
    backend = url.get_backend_name()
    if backend == "sqlite":
        return
    server = create_db_engine(
        url.set(database=_MAINTENANCE_DATABASE[backend]), isolation_level="AUTOCOMMIT"
    )
    try:
        {{ cookiecutter.__async }}with server.connect() as connection:
            exists = {{ cookiecutter.__await }}connection.scalar(text(_EXISTS[backend]), {"name": url.database})
            if not exists:
                quoted = connection.dialect.identifier_preparer.quote(str(url.database))
                {{ cookiecutter.__await }}connection.execute(text(f"CREATE DATABASE {quoted}{_CHARSET[backend]}"))
    finally:
        {{ cookiecutter.__await }}server.dispose()


{{ cookiecutter.__async }}def create_empty_database(url: URL) -> None:
    """The database at `url`, created if missing and stripped of every table."""
    {{ cookiecutter.__await }}create_database_if_missing(url)
    {{ cookiecutter.__await }}run_in_transaction(url, drop_every_table)


{{ cookiecutter.__async }}def run_in_transaction(url: URL, work: Callable[[Connection], Any]) -> Any:
    """What `work(connection)` returns, run on a new engine for `url` in a transaction that
    commits when it returns."""
    engine = create_db_engine(url)
    try:
        {{ cookiecutter.__async }}with engine.begin() as connection:
{%- if cookiecutter.mode == "async" %}
            return await connection.run_sync(work)
{%- else %}
            return work(connection)
{%- endif %}
    finally:
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


def delete_every_row(connection: Connection) -> None:
    """Empties every model's table, children first, in the caller's transaction.

    DELETE rather than TRUNCATE: on tables of a few rows it is the faster of the two on
    every database here, and it needs no privilege beyond what the tests already use.
    """
    for table in reversed(Base.metadata.sorted_tables):
        connection.execute(table.delete())


def create_test_session_engine(url: URL) -> {{ "AsyncEngine" if cookiecutter.mode == "async" else "Engine" }}:
    """The engine of the test's own session (db_session): a second client of the database,
    as a person running queries beside the service would be.

    It reads what is committed when each statement runs, on every database: READ COMMITTED
    on the servers (MySQL's default would keep the first snapshot), and on SQLite the
    driver's own transactions, which begin only when a statement writes.
    """
    if url.get_backend_name() == "sqlite":
        engine = create_{{ "async_" if cookiecutter.mode == "async" else "" }}engine(url)
        event.listen(engine{{ ".sync_engine" if cookiecutter.mode == "async" else "" }}, "connect", _sqlite_as_the_service_has_it)
    else:
        engine = create_db_engine(url, isolation_level="READ COMMITTED")
    return engine


def _sqlite_as_the_service_has_it(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def commit_without_waiting_for_the_disk(engine: {{ "AsyncEngine" if cookiecutter.mode == "async" else "Engine" }}) -> None:
    """Commits return before they reach the disk, for this engine's connections: on
    PostgreSQL synchronous_commit off, on SQLite synchronous=OFF (each commit of a
    connection left at SQLite's default FULL waits about 2 ms for fsync). What a commit
    makes visible, and when, is the same; only a crash of the server or the machine could
    lose the last ones, which tests do not care about."""
    statement = _NO_FSYNC_WAIT.get(engine.url.get_backend_name())
    if statement is None:
        return

    def no_fsync_wait(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute(statement)
        cursor.close()
        dbapi_connection.commit()

    event.listen(engine{{ ".sync_engine" if cookiecutter.mode == "async" else "" }}, "connect", no_fsync_wait)


def unreachable_database_url() -> URL:
    """The test database's URL, pointed where no database answers."""
    url = database_url_for_tests()
    if url.get_backend_name() == "sqlite":
        return url.set(database="/nonexistent/directory/down.db")
    return url.set(host="127.0.0.1", port=1)  # nothing listens on port 1


{{ cookiecutter.__async }}def drop_test_databases() -> list[str]:
    """Drops the test database and every variant of it (per worker, per purpose) that a run
    may have left on the server; deletes them for an SQLite file. Returns what went."""
    url = configured_test_database_url()
    backend = url.get_backend_name()
    if backend == "sqlite":
        if url.database in (None, "", ":memory:"):
            return []  # temporary files, removed by the runs that made them
        path = Path(str(url.database))
        # The file, its variants, and what SQLite keeps beside each (-wal, -shm, -journal).
        made = re.escape(path.stem) + _VARIANT + re.escape(path.suffix) + "(?:-wal|-shm|-journal)?"
        files = [file for file in path.parent.iterdir() if re.fullmatch(made, file.name)]
        for file in files:
            file.unlink()
        return [str(file) for file in files]
    server = create_db_engine(
        url.set(database=_MAINTENANCE_DATABASE[backend]), isolation_level="AUTOCOMMIT"
    )
    test_database = str(url.database)
    start = test_database[: _LONGEST_NAME[backend] - _HASHED]
    named = {"name": test_database, "like": start.replace("_", "\\_") + "%"}
    try:
        {{ cookiecutter.__async }}with server.connect() as connection:
            found = {{ cookiecutter.__await }}connection.scalars(text(_LIKE[backend]), named)
            names = [name for name in found if is_a_test_database(name, test_database, backend)]
            for name in names:
                quoted = connection.dialect.identifier_preparer.quote(name)
                {{ cookiecutter.__await }}connection.execute(text(f"DROP DATABASE IF EXISTS {quoted}"))
    finally:
        {{ cookiecutter.__await }}server.dispose()
    return names


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--drop", action="store_true", help="drop every test database")
    if parser.parse_args().drop:
{%- if cookiecutter.mode == "async" %}
        for name in asyncio.run(drop_test_databases()):
{%- else %}
        for name in drop_test_databases():
{%- endif %}
            print(f"dropped {name}")


if __name__ == "__main__":
    main()
