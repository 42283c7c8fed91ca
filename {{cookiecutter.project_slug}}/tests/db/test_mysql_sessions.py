"""MySQL and MariaDB sessions: the server bounds each statement, as set once per connection
by the driver's init_command (app.core.server_bounds.mysql_statement_bounds)."""

import math

import pytest
{%- if cookiecutter.mode == "async" %}
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
{%- else %}
from sqlalchemy import Connection, Engine, text
{%- endif %}

from app.core.config import get_settings
from app.core.server_bounds import mysql_statement_bounds

from tests.probing import STATEMENT_SECONDS
{%- if cookiecutter.mode == "sync" %}

pytestmark = pytest.mark.anyio
{%- endif %}


async def bounds_of(connection: {{ "AsyncConnection" if cookiecutter.mode == "async" else "Connection" }}) -> tuple[float, int]:
    """The session's statement bound, in seconds, and its row-lock wait, in whole seconds."""
    version = ({{ cookiecutter.__await }}connection.execute(text("SELECT VERSION()"))).scalar_one()
    statement = "@@max_statement_time" if "MariaDB" in version else "@@max_execution_time / 1000"
    query = text(f"SELECT {statement}, @@innodb_lock_wait_timeout")
    row = ({{ cookiecutter.__await }}connection.execute(query)).one()
    return float(row[0]), int(row[1])


@pytest.mark.parametrize("seconds", STATEMENT_SECONDS)
async def test_the_server_holds_each_bound_rounded_up_and_never_turned_off(
    engine: {{ cookiecutter.__engine }}, seconds: float
) -> None:
    {{ cookiecutter.__async }}with engine.connect() as connection:
        {{ cookiecutter.__await }}connection.execute(text(mysql_statement_bounds(seconds)))
        statement, lock_wait = await bounds_of(connection)
        # Closed, not returned to the pool: its session would keep these bounds.
        {{ cookiecutter.__await }}connection.invalidate()

    assert seconds <= statement < seconds + 0.001
    assert lock_wait == max(1, math.ceil(seconds))


async def test_the_service_engines_connections_carry_the_settings_bounds(
    engine: {{ cookiecutter.__engine }},
) -> None:
    # `engine` is made by create_db_engine, as the service's is: its connect_args hold them.
    {{ cookiecutter.__async }}with engine.connect() as connection:
        statement, lock_wait = await bounds_of(connection)

    seconds = get_settings().database_statement_timeout
    assert statement == pytest.approx(seconds, abs=0.001)
    assert lock_wait == math.ceil(seconds)
