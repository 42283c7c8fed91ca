"""SQLite as a server database would behave: real transactions, foreign keys, one writer.

Used by both the service's engine and the tests' engines, so the test suite's
rollback-per-test isolation runs on exactly what production runs.
"""

from typing import Any

from sqlalchemy import Connection, Engine, event

# Execution options that say how _begin starts a transaction (the default: BEGIN).
# Requests that may write (app.core.db): BEGIN IMMEDIATE. Requests that only read
# (app.core.reads): no BEGIN, so each statement is a transaction of its own.
WRITES = {"sqlite_begin": "BEGIN IMMEDIATE"}
READS: dict[str, str | None] = {"sqlite_begin": None}
PRAGMAS = (
    "PRAGMA foreign_keys=ON",  # SQLite ignores foreign keys (and ON DELETE) unless asked
    "PRAGMA journal_mode=WAL",  # readers no longer wait for the writer
    # (How long a locked database is waited for is the driver's `timeout`: app.core.db.)
    # With WAL, commits no longer wait for the disk (checkpoints do). A commit survives the
    # service crashing; a power loss or an OS crash can lose the last ones, never the file.
    "PRAGMA synchronous=NORMAL",
)
# One connection per process: SQLite has one writer at a time anyway, and waiting in the
# pool's queue is fairer and faster than the busy handler's sleep-and-retry.
POOL = {"pool_size": 1, "max_overflow": 0}


def use_real_transactions(engine: Engine) -> None:
    """Take over BEGIN from the sqlite3 driver (sync engine; for asyncio, its sync_engine).

    The driver starts transactions lazily and commits on its own before DDL, which breaks
    SAVEPOINT; with BEGIN issued here, nested transactions work as on a server database.
    """
    event.listen(engine, "connect", _configure)
    event.listen(engine, "begin", _begin)


def _configure(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    for pragma in PRAGMAS:
        cursor.execute(pragma)
    cursor.close()


def _begin(connection: Connection) -> None:
    # A transaction that will write takes the write lock up front (IMMEDIATE): writers then
    # queue instead of failing with "database is locked" when one that has read tries to
    # write. Readers never wait, thanks to WAL.
    begin = connection.get_execution_options().get("sqlite_begin", "BEGIN")
    if begin is not None:
        connection.exec_driver_sql(begin)
