import asyncio
from collections.abc import AsyncGenerator, AsyncIterator
from contextlib import asynccontextmanager
from functools import cached_property
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy import URL, event, make_url, text
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import NullPool

{% if cookiecutter.database == "sqlite" -%}
from app.core import sqlite
{% endif -%}
from app.core.config import Settings, get_settings
from app.core.deadline import DeadlinePassedError, may_commit
from app.core.models import Base
from app.core.reads import READING_OPTIONS, SAFE_METHODS, ReadingSession
from app.core.server_bounds import milliseconds, mysql_statement_bounds

__all__ = [
    "Base",
    "Database",
    "DatabaseDep",
    "SessionDep",
    "check_connection",
    "committing",
    "create_db_engine",
    "get_database",
    "get_session",
    "roll_back_innermost",
]


def driver_timeouts(
    settings: Settings, *, url: str | URL | None = None, statements: bool = True
) -> dict[str, Any]:
    """The bounds the driver of `url` (default: DATABASE_URL) sets itself, as its
    connect_args: on connecting and, unless `statements` is False, on a statement's run time
    (migrations go without it: see migrations/env.py)."""
    backend = make_url(settings.database_url if url is None else url).get_backend_name()
    if backend == "sqlite":
        # How long a statement waits for another connection's write lock, in seconds: a
        # wait, not a run time, so it holds with or without `statements`.
        return {"timeout": settings.database_statement_timeout}
    if backend == "postgresql":
        # statement_timeout is the server's, in milliseconds: it stops a slow query there.
        # command_timeout is asyncpg's own, in seconds: it ends the wait on a database that
        # stopped answering without closing the connection. It comes a second after the
        # server's, so that a slow query ends in the server's error, which leaves the
        # connection usable (asyncpg's own timeout costs the pool that connection).
        bounds: dict[str, Any] = {"timeout": settings.database_connect_timeout}
        if statements:
            statement_ms = milliseconds(settings.database_statement_timeout)
            bounds["command_timeout"] = settings.database_statement_timeout + 1
            bounds["server_settings"] = {"statement_timeout": str(statement_ms)}
        return bounds
    # MySQL and MariaDB: the server stops a slow statement (mysql_statement_bounds).
    # asyncmy's connect_timeout bounds the TCP connection only; the server's greeting and
    # the login are reads, which its read_timeout bounds. That one wraps every read in
    # asyncio.wait_for (a tenth of a request's CPU, measured), so it is dropped once
    # connected (_reads_unbounded_once_connected). From then on, a database that stops
    # answering without closing the connection is bounded by the request's deadline, which
    # cancels the read (app.core.deadline), and a readiness check by its own.
    bounds = {
        "connect_timeout": settings.database_connect_timeout,
        "read_timeout": settings.database_connect_timeout,
    }
    if statements:
        bounds["init_command"] = mysql_statement_bounds(settings.database_statement_timeout)
    return bounds


def create_db_engine(
    url: str | URL, *, bound_statements: bool = True, **kwargs: Any
) -> AsyncEngine:
    """An engine with every wait bounded by settings: connecting, a statement (unless
    `bound_statements` is False), and the wait for a pooled connection (pool_timeout,
    unless the caller brings its own pool).

    Statement parameters stay out of its exceptions (hide_parameters), so a logged error
    never carries a row's values: an email, a password hash.
    """
    settings = get_settings()
    options: dict[str, Any] = {"hide_parameters": True, **kwargs}
    options["connect_args"] = {
        **driver_timeouts(settings, url=url, statements=bound_statements),
        **kwargs.get("connect_args", {}),
    }
    if "poolclass" not in kwargs:
        options.setdefault("pool_timeout", settings.database_pool_timeout)
{%- if cookiecutter.database == "sqlite" %}
        # A pool of one connection (see app.core.sqlite), unless the caller brings its own.
        options = {**sqlite.POOL, **options}
    engine = create_async_engine(url, **options)
    sqlite.use_real_transactions(engine.sync_engine)
{%- else %}
        options.setdefault("pool_size", settings.database_pool_size)
        options.setdefault("max_overflow", settings.database_max_overflow)
        options.setdefault("pool_recycle", settings.database_pool_recycle)
    # No pool_pre_ping: it costs a round trip on every checkout. A connection that died
    # while pooled (a database restart) fails the one request that takes it with a 503
    # (app.core.errors); SQLAlchemy then sees a disconnect and invalidates the whole pool,
    # so the requests after it connect afresh (tests/faults: at most one 503).
    engine = create_async_engine(url, **options)
{%- endif %}
    if engine.dialect.driver == "asyncmy":
        event.listen(engine.sync_engine, "connect", _reads_unbounded_once_connected)
    if engine.dialect.driver == "asyncpg":
        event.listen(engine.sync_engine, "invalidate", _closed_at_once)
    return engine


def _closed_at_once(dbapi_connection: Any, _record: Any, _exception: Any) -> None:
    # SQLAlchemy closes an invalidated asyncpg connection politely, giving the database two
    # seconds to answer: one that stopped answering (the usual reason to invalidate) held
    # the request's 503 for them. Closed at once instead; the polite close then has nothing
    # left to do.
    if dbapi_connection is not None:
        dbapi_connection.driver_connection.terminate()


def _reads_unbounded_once_connected(dbapi_connection: Any, _record: Any) -> None:
    # The pool's connect event comes once the handshake is done (see driver_timeouts).
    # _read_timeout is declared public in asyncmy's connection.pxd, for this.
    dbapi_connection.driver_connection._read_timeout = None


class Database:
    """An engine and the sessions requests get from it.

    get_session takes it from the get_database dependency, which the tests override to send
    every request to their own database with the service's own session handling.
    """

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        # Requests that may write: a transaction each, committed or rolled back by get_session.
{%- if cookiecutter.database == "sqlite" %}
        # It takes SQLite's write lock when it begins (app.core.sqlite).
        self.sessions = async_sessionmaker(
            engine.execution_options(**sqlite.WRITES), expire_on_commit=False
        )
{%- else %}
        self.sessions = async_sessionmaker(engine, expire_on_commit=False)
{%- endif %}
        # Requests that only read: sessions that refuse to write (app.core.reads).
        self.reading_sessions = async_sessionmaker(
            engine.execution_options(**READING_OPTIONS),
            expire_on_commit=False,
            sync_session_class=ReadingSession,
        )

    @cached_property
    def probe_engine(self) -> AsyncEngine:
        """The engine of readiness checks: a new connection for each (no pool), so that a
        check says whether the database answers, not whether the requests' pool has a
        connection free (a busy service is not an unready one)."""
        return create_db_engine(self.engine.url, poolclass=NullPool)

    def session(self, method: str) -> AsyncSession:
        """A new session for a request of HTTP `method`: a reading one (app.core.reads) for
        GET, HEAD and OPTIONS, else one whose transaction get_session ends."""
        if method in SAFE_METHODS:
            return self.reading_sessions(info={"method": method})
        return self.sessions()


database = Database(create_db_engine(get_settings().database_url))
engine = database.engine


async def get_database() -> Database:
    """The database every request's session comes from: a dependency tests override.

    A coroutine so that FastAPI calls it on the event loop, not in a worker thread.
    """
    return database


DatabaseDep = Annotated[Database, Depends(get_database)]


async def get_session(database: DatabaseDep, request: Request) -> AsyncGenerator[AsyncSession]:
    """One session per request: committed when the handler succeeds, rolled back if not."""
    async with committing(database.session(request.method)) as session:
        yield session


@asynccontextmanager
async def committing(session: AsyncSession) -> AsyncIterator[AsyncSession]:
    """Commits the session if the block succeeds, rolls it back if not, closes it either way.

    Raises DeadlinePassedError, rolled back, when the request's deadline passed before the
    commit began: the client was told nothing changed (app.core.deadline).
    """
    async with session:
        try:
            yield session
            # A session that only read has nothing to save: its deadline may pass as it ends.
            if not isinstance(session.sync_session, ReadingSession) and not may_commit():
                raise DeadlinePassedError
            await session.commit()
        except Exception:
            await session.rollback()
            raise


async def check_connection(database: "Database", seconds: float) -> None:
    """Opens a connection of its own (Database.probe_engine) and runs SELECT 1 on it,
    within `seconds`: whether the database answers, whatever the requests' pool is doing.

    Raises TimeoutError past them, or the driver's error. A check given up on is cancelled
    and left to close its connection meanwhile: closing one to a database that stopped
    answering waits on it too (asyncpg gives a polite close two seconds).
    """
    check = asyncio.ensure_future(_ping(database.probe_engine))
    done, _ = await asyncio.wait({check}, timeout=seconds)
    if not done:
        check.cancel()
        _CHECKS_ENDING.add(check)  # held, or the loop could collect it half-way
        check.add_done_callback(_CHECKS_ENDING.discard)
        check.add_done_callback(_retrieve)
        raise TimeoutError(f"the database did not answer SELECT 1 within {seconds} s")
    check.result()  # the driver's error, if it failed


_CHECKS_ENDING: set["asyncio.Future[None]"] = set()


async def _ping(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        await connection.execute(text("SELECT 1"))


def _retrieve(check: "asyncio.Future[None]") -> None:
    # Whatever the abandoned check ended with, it must not be logged as never retrieved.
    if not check.cancelled():
        check.exception()


async def roll_back_innermost(session: AsyncSession) -> None:
    """Rolls back the innermost transaction of `session`: a savepoint its caller opened
    (begin_nested), so that what the session did before it stays, else the session's own.

    What a service calls once a flush failed (a conflict, a row gone): SQLAlchemy's
    session.rollback() would end the outermost transaction, savepoints and all.
    """
    if session.in_nested_transaction():
        nested = session.get_nested_transaction()
        if nested is not None:
            await nested.rollback()
            return
    await session.rollback()


# scope="function" commits before the response is sent, so a client that reads right
# after a 201 always finds what it created.
SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]
