"""SQLite sessions: a request that may write takes the write lock when it begins; one that
only reads sends no BEGIN, so each of its statements is a transaction of its own."""

from pathlib import Path

import pytest
from fastapi import Request
from sqlalchemy import event, select

from app.core import db, sqlite
from app.core.db import create_db_engine
from app.core.reads import SAFE_METHODS
{%- if cookiecutter.mode == "sync" %}

# get_session is a coroutine in both modes (see app.core.db): anyio's plugin runs these tests.
pytestmark = pytest.mark.anyio
{%- endif %}


def request(method: str) -> Request:
    return Request({"type": "http", "method": method, "headers": []})


@pytest.mark.parametrize(
    ("method", "begins"),
    [*((method, []) for method in sorted(SAFE_METHODS)), ("POST", ["BEGIN IMMEDIATE"])],
)
async def test_only_requests_that_write_take_sqlites_write_lock_up_front(
    tmp_path: Path, method: str, begins: list[str]
) -> None:
    engine = create_db_engine(f"{{ cookiecutter.__driver }}:///{tmp_path / 'locks.db'}")
    statements: list[str] = []
    event.listen(
        engine{{ ".sync_engine" if cookiecutter.mode == "async" else "" }},
        "before_cursor_execute",
        lambda _conn, _cursor, statement, *_: statements.append(statement),
    )

    requests = db.get_session(db.Database(engine), request(method))
    session = await anext(requests)
    {{ cookiecutter.__await }}session.execute(select(1))
    with pytest.raises(StopAsyncIteration):
        await anext(requests)
    {{ cookiecutter.__await }}engine.dispose()

    assert [statement for statement in statements if statement.startswith("BEGIN")] == begins


def test_the_services_writing_sessions_take_the_write_lock() -> None:
    options = db.database.sessions.kw["bind"].get_execution_options()

    assert options.items() >= sqlite.WRITES.items()
