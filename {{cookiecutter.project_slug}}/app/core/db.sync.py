import math
from collections.abc import AsyncGenerator, AsyncIterator
from contextlib import asynccontextmanager
from functools import cached_property
from typing import Annotated, Any

import anyio
from anyio.lowlevel import RunVar
from fastapi import Depends, Request
from sqlalchemy import URL, Engine, create_engine, make_url, text
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool
from starlette.concurrency import run_in_threadpool

{% if cookiecutter.database == "sqlite" -%}
from app.core import sqlite
{% endif -%}
from app.core.config import Settings, get_settings
from app.core.deadline import DeadlinePassedError, may_commit
from app.core.models import Base
from app.core.reads import READING_OPTIONS, SAFE_METHODS, ReadingSession
from app.core.server_bounds import lock_wait_seconds, milliseconds, mysql_statement_bounds

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

# Sessions open at once, per process, for each kind of request (reading: GET, HEAD and
# OPTIONS; writing: the others). Both kinds together stay fewer than the 40 worker threads
# of anyio's default threadpool, which runs every `def` dependency and handler (see
# session_slots).
SESSIONS_AT_ONCE = 16
# Readiness checks in worker threads at once: a check given up on (see check_connection)
# may hold its thread until the database answers, and probes must not take every thread
# meanwhile.
PINGS_AT_ONCE = 2


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
        # libpq counts whole seconds (rounded up here); statement_timeout is the server's, in
        # milliseconds. A database that stops answering without closing the connection is
        # outside both: see app.core.deadline.
        connect_seconds = math.ceil(settings.database_connect_timeout)
        bounds: dict[str, Any] = {"connect_timeout": connect_seconds}
        if statements:
            statement_ms = milliseconds(settings.database_statement_timeout)
            bounds["options"] = f"-c statement_timeout={statement_ms}"
        return bounds
    # MySQL and MariaDB. The server stops a slow statement (mysql_statement_bounds); socket
    # timeouts, in seconds, end the wait on a database that stopped answering without
    # closing the connection ("Lost connection"), which frees the worker thread waiting.
    # They come a second after the server's longest bound (a row-lock wait, in whole
    # seconds), so that a slow statement ends in the server's error, which leaves the
    # connection usable: a lost one makes SQLAlchemy replace every pooled connection.
    bounds = {"connect_timeout": settings.database_connect_timeout}
    if statements:
        seconds = settings.database_statement_timeout
        bounds["init_command"] = mysql_statement_bounds(seconds)
        socket_seconds = lock_wait_seconds(seconds) + 1
        bounds["read_timeout"] = bounds["write_timeout"] = socket_seconds
    return bounds


def create_db_engine(url: str | URL, *, bound_statements: bool = True, **kwargs: Any) -> Engine:
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
    engine = create_engine(url, **options)
    sqlite.use_real_transactions(engine)
{%- else %}
        options.setdefault("pool_size", settings.database_pool_size)
        options.setdefault("max_overflow", settings.database_max_overflow)
        options.setdefault("pool_recycle", settings.database_pool_recycle)
    # No pool_pre_ping: it costs a round trip on every checkout. A connection that died
    # while pooled (a database restart) fails the one request that takes it with a 503
    # (app.core.errors); SQLAlchemy then sees a disconnect and invalidates the whole pool,
    # so the requests after it connect afresh (tests/faults: at most one 503).
    engine = create_engine(url, **options)
{%- endif %}
    return engine


class Database:
    """An engine and the sessions requests get from it.

    get_session takes it from the get_database dependency, which the tests override to send
    every request to their own database with the service's own session handling.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        # Requests that may write: a transaction each, committed or rolled back by get_session.
{%- if cookiecutter.database == "sqlite" %}
        # It takes SQLite's write lock when it begins (app.core.sqlite).
        self.sessions = sessionmaker(
            engine.execution_options(**sqlite.WRITES), expire_on_commit=False
        )
{%- else %}
        self.sessions = sessionmaker(engine, expire_on_commit=False)
{%- endif %}
        # Requests that only read: sessions that refuse to write (app.core.reads).
        self.reading_sessions = sessionmaker(
            engine.execution_options(**READING_OPTIONS),
            expire_on_commit=False,
            class_=ReadingSession,
        )

    @cached_property
    def probe_engine(self) -> Engine:
        """The engine of readiness checks: a new connection for each (no pool), so that a
        check says whether the database answers, not whether the requests' pool has a
        connection free (a busy service is not an unready one)."""
        return create_db_engine(self.engine.url, poolclass=NullPool)

    def session(self, method: str) -> Session:
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


async def get_session(database: DatabaseDep, request: Request) -> AsyncGenerator[Session]:
    """One session per request: committed when the handler succeeds, rolled back if not.

    A coroutine around a blocking session, to save a trip to the threadpool: opening a
    session does no I/O (it connects when first used, in a dependency's or the handler's
    worker thread), so only ending it is handed to a thread.
    """
    async with session_slots(request.method):
        session = database.session(request.method)
        async with committing(session):
            yield session


@asynccontextmanager
async def committing(session: Session) -> AsyncIterator[Session]:
    """Commits the session if the block succeeds, rolls it back if not, closes it either way:
    in a worker thread, as it blocks.

    Raises DeadlinePassedError, rolled back, when the request's deadline passed before the
    commit began: the client was told nothing changed (app.core.deadline).
    """
    try:
        yield session
    except Exception:
        await run_in_threadpool(_end_session, session, commit=False)
        raise
    # A session that only read has nothing to save: its deadline may pass as it ends.
    committed = isinstance(session, ReadingSession) or may_commit()
    await run_in_threadpool(_end_session, session, commit=committed)
    if not committed:
        raise DeadlinePassedError


async def check_connection(database: "Database", seconds: float) -> None:
    """Opens a connection of its own (Database.probe_engine) and runs SELECT 1 on it,
    within `seconds`: whether the database answers, whatever the requests' pool is doing.

    Raises TimeoutError past them, or the driver's error. A worker thread cannot be
    interrupted: one given up on is left to finish, within the driver's own bounds, and
    closes its connection when it does.
    """
    with anyio.fail_after(seconds):
        await anyio.to_thread.run_sync(
            _ping, database.probe_engine, abandon_on_cancel=True, limiter=_ping_slots()
        )


def _ping(engine: Engine) -> None:
    with engine.connect() as connection:
        connection.execute(text("SELECT 1"))


_ping_limiters: RunVar[anyio.CapacityLimiter] = RunVar("ping_slots")


def _ping_slots() -> anyio.CapacityLimiter:
    try:
        return _ping_limiters.get()
    except LookupError:
        limiter = anyio.CapacityLimiter(PINGS_AT_ONCE)
        _ping_limiters.set(limiter)
        return limiter


_session_slots: RunVar[dict[bool, anyio.Semaphore]] = RunVar("session_slots")


def session_slots(method: str) -> anyio.Semaphore:
    """The gate a request of HTTP `method` passes, on the event loop, before it gets a session.

    A session's work runs in worker threads, one at a time, and it keeps its connection
    from the first of them to the last. Requests past the pool's size wait for a
    connection inside a worker thread. Without the gate, enough of them would fill the
    threadpool, and the requests holding the connections could not get a thread to finish
    on: every request would stall until the pool gave up after 30 s. With at most
    SESSIONS_AT_ONCE sessions of each kind, some threads are always left for them.

    Reading requests (app.core.reads.SAFE_METHODS) and writing ones have a gate each: a
    flood of slow writes, such as logins waiting on their password hash with the session
    still open, fills only theirs, and a read waits behind other reads alone. One pair of
    gates per event loop, as anyio keeps its threadpool's limiter.
    """
    try:
        gates = _session_slots.get()
    except LookupError:
        gates = {reading: anyio.Semaphore(SESSIONS_AT_ONCE) for reading in (True, False)}
        _session_slots.set(gates)
    return gates[method in SAFE_METHODS]


def _end_session(session: Session, *, commit: bool) -> None:
    with session:  # closes it, which returns its connection to the pool
        if commit:
            session.commit()


def roll_back_innermost(session: Session) -> None:
    """Rolls back the innermost transaction of `session`: a savepoint its caller opened
    (begin_nested), so that what the session did before it stays, else the session's own.

    What a service calls once a flush failed (a conflict, a row gone): SQLAlchemy's
    session.rollback() would end the outermost transaction, savepoints and all.
    """
    if session.in_nested_transaction():
        nested = session.get_nested_transaction()
        if nested is not None:
            nested.rollback()
            return
    session.rollback()


# scope="function" commits before the response is sent, so a client that reads right
# after a 201 always finds what it created.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
