from collections.abc import Generator
from typing import Annotated, Any

from fastapi import Depends
from sqlalchemy import URL, {% if cookiecutter.database == "sqlite" %}Connection, {% endif %}Engine, create_engine{% if cookiecutter.database == "sqlite" %}, event{% endif %}
from sqlalchemy.orm import Session, sessionmaker

from app.core.config import get_settings
from app.core.models import Base

__all__ = ["Base", "SessionDep", "create_db_engine", "get_session"]


def create_db_engine(url: str | URL, **kwargs: Any) -> Engine:
    # pre_ping replaces connections that died while pooled (a database restart), so
    # readiness recovers without restarting the service.
    engine = create_engine(url, pool_pre_ping=True, **kwargs)
{%- if cookiecutter.database == "sqlite" %}
    _use_real_sqlite_transactions(engine)
{%- endif %}
    return engine
{%- if cookiecutter.database == "sqlite" %}


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
        # IMMEDIATE takes the write lock up front: concurrent requests then wait their
        # turn (busy_timeout) instead of failing with "database is locked" when a
        # transaction that has read tries to write.
        connection.exec_driver_sql("BEGIN IMMEDIATE")
{%- endif %}


engine = create_db_engine(get_settings().database_url)
SessionFactory = sessionmaker(engine, expire_on_commit=False)


def get_session() -> Generator[Session]:
    """One session per request: committed when the handler succeeds, rolled back if not."""
    with SessionFactory() as session:
        try:
            yield session
            session.commit()
        except Exception:
            session.rollback()
            raise


# scope="function" commits before the response is sent, so a client that reads right
# after a 201 always finds what it created.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
