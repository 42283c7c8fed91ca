from collections.abc import Generator
from typing import Annotated, Any

from fastapi import Depends{% if cookiecutter.database == "sqlite" %}, Request{% endif %}
from sqlalchemy import URL, {% if cookiecutter.database == "sqlite" %}Connection, {% endif %}Engine, create_engine{% if cookiecutter.database == "sqlite" %}, event{% endif %}
from sqlalchemy.orm import Session, sessionmaker

from app.core.config import get_settings
from app.core.models import Base

__all__ = ["Base", "SessionDep", "create_db_engine", "get_session"]


def create_db_engine(url: str | URL, **kwargs: Any) -> Engine:
{%- if cookiecutter.database == "sqlite" %}
    if "poolclass" not in kwargs:
        # One connection per process: SQLite has one writer at a time anyway, and waiting
        # in the pool's queue is fairer and faster than the busy handler's sleep-and-retry.
        kwargs.update(pool_size=1, max_overflow=0)
    engine = create_engine(url, **kwargs)
    _use_real_sqlite_transactions(engine)
{%- else %}
    # pre_ping replaces connections that died while pooled (a database restart), so
    # readiness recovers without restarting the service.
    engine = create_engine(url, pool_pre_ping=True, **kwargs)
{%- endif %}
    return engine
{%- if cookiecutter.database == "sqlite" %}


READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
SQLITE_PRAGMAS = (
    "PRAGMA foreign_keys=ON",  # SQLite ignores foreign keys (and ON DELETE) unless asked
    "PRAGMA journal_mode=WAL",  # readers no longer wait for the writer
    "PRAGMA busy_timeout=10000",  # a locked database is waited for, up to 10 s
)


def _use_real_sqlite_transactions(engine: Engine) -> None:
    # The sqlite3 driver starts transactions lazily and commits on its own before DDL,
    # which breaks SAVEPOINT. Taking over BEGIN makes nested transactions (and the test
    # suite's rollback-per-test isolation) behave as they do on a server database.
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        for pragma in SQLITE_PRAGMAS:
            dbapi_connection.execute(pragma)

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        # A transaction that will write takes the write lock up front (IMMEDIATE): writers
        # then queue (busy_timeout) instead of failing with "database is locked" when one
        # that has read tries to write. Readers never wait, thanks to WAL.
        writes = connection.get_execution_options().get("sqlite_writes", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writes else "BEGIN")
{%- endif %}


engine = create_db_engine(get_settings().database_url)
SessionFactory = sessionmaker(engine, expire_on_commit=False)


def get_session({% if cookiecutter.database == "sqlite" %}request: Request{% endif %}) -> Generator[Session]:
    """One session per request: committed when the handler succeeds, rolled back if not."""
    with SessionFactory() as session:
{%- if cookiecutter.database == "sqlite" %}
        if request.method not in READ_ONLY_METHODS:
            session.connection(execution_options={"sqlite_writes": True})
{%- endif %}
        try:
            yield session
            session.commit()
        except Exception:
            session.rollback()
            raise


# scope="function" commits before the response is sent, so a client that reads right
# after a 201 always finds what it created.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
