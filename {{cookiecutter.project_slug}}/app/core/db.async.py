from collections.abc import AsyncGenerator
from typing import Annotated, Any

from fastapi import Depends
from sqlalchemy import URL{% if cookiecutter.database == "sqlite" %}, Connection, event{% endif %}
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from app.core.config import get_settings
from app.core.models import Base

__all__ = ["Base", "SessionDep", "create_db_engine", "get_session"]


def create_db_engine(url: str | URL, **kwargs: Any) -> AsyncEngine:
    # pre_ping replaces connections that died while pooled (a database restart), so
    # readiness recovers without restarting the service.
    engine = create_async_engine(url, pool_pre_ping=True, **kwargs)
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


def _use_real_sqlite_transactions(engine: AsyncEngine) -> None:
    # The sqlite3 driver (under aiosqlite too) starts transactions lazily and commits on
    # its own before DDL, which breaks SAVEPOINT. Taking over BEGIN makes nested
    # transactions (and the test suite's rollback-per-test isolation) behave as they do
    # on a server database.
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        for pragma in SQLITE_PRAGMAS:
            cursor.execute(pragma)
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Connection) -> None:
        # IMMEDIATE takes the write lock up front: concurrent requests then wait their
        # turn (busy_timeout) instead of failing with "database is locked" when a
        # transaction that has read tries to write.
        connection.exec_driver_sql("BEGIN IMMEDIATE")
{%- endif %}


engine = create_db_engine(get_settings().database_url)
SessionFactory = async_sessionmaker(engine, expire_on_commit=False)


async def get_session() -> AsyncGenerator[AsyncSession]:
    """One session per request: committed when the handler succeeds, rolled back if not."""
    async with SessionFactory() as session:
        try:
            yield session
            await session.commit()
        except Exception:
            await session.rollback()
            raise


# scope="function" commits before the response is sent, so a client that reads right
# after a 201 always finds what it created.
SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]
