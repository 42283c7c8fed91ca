"""The sessions of requests that only read: GET, HEAD and OPTIONS.

HTTP's safe methods (RFC 9110, section 9.2.1) change nothing on the server, so their
sessions need no transaction of their own: where READING_OPTIONS says so, each statement
runs in its own, which saves every read the round trips of BEGIN and COMMIT. A write from
such a session could not be rolled back with the rest of the request, so it refuses to
write, on every database alike: a flush with anything to write, or an INSERT, UPDATE or
DELETE statement sent through it (session.execute(update(...))), raises
ReadOnlySessionError, and the client gets a 500 whose log line names the mistake. SQL a
route writes as text (session.execute(text(...))) is not checked.
"""

from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction
{%- if cookiecutter.database == "sqlite" %}

from app.core import sqlite
{%- endif %}

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
WRITE_IN_A_READ = (
    "a {method} request's session only reads (app.core.reads): write from a route of another "
    "method (POST, PUT, PATCH or DELETE)"
)
{%- if cookiecutter.database == "postgresql" %}
# The connection's execution options in a reading session: each statement commits on its
# own. asyncpg and psycopg switch to it and back in the client, with no round trip.
READING_OPTIONS: dict[str, Any] = {"isolation_level": "AUTOCOMMIT"}
{%- elif cookiecutter.database == "sqlite" %}
# The connection's execution options in a reading session: no BEGIN (app.core.sqlite), so
# each statement is a transaction of its own, as on a server database in autocommit.
READING_OPTIONS: dict[str, Any] = sqlite.READS
{%- else %}
# The connection's execution options in a reading session: none, a transaction as for
# writes. MySQL and MariaDB begin it without a round trip, and ending it costs one COMMIT;
# turning autocommit on at checkout and off again at return would cost two.
READING_OPTIONS: dict[str, Any] = {}
{%- endif %}


class ReadOnlySessionError(RuntimeError):
    """A session of a request that only reads was asked to write (see the module)."""


class ReadingSession(Session):
    """The session class of GET, HEAD and OPTIONS requests: a flush with anything to write
    raises ReadOnlySessionError. In async mode it is the AsyncSession's sync_session_class."""


@event.listens_for(ReadingSession, "before_flush")
def _refuse_writes(session: Session, _flush: UOWTransaction, _instances: Any) -> None:
    # SQLAlchemy calls before_flush only when the session holds changes to write.
    raise ReadOnlySessionError(WRITE_IN_A_READ.format(method=session.info.get("method", "GET")))


@event.listens_for(ReadingSession, "do_orm_execute")
def _refuse_write_statements(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        method = state.session.info.get("method", "GET")
        raise ReadOnlySessionError(WRITE_IN_A_READ.format(method=method))
