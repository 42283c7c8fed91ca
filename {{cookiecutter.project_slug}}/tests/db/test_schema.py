"""The schema each run starts from: the models' tables, whatever an earlier run left behind."""

from sqlalchemy import Column, Connection, ForeignKey, Integer, MetaData, Table, inspect
{%- if cookiecutter.mode == "async" %}
from sqlalchemy.ext.asyncio import AsyncConnection
{%- endif %}

from app.core.db import Base
from tests.database import rebuild_schema

REFERENCED = "{{ cookiecutter.resource_plural }}"


def leave_a_table_of_a_deleted_model(connection: Connection) -> None:
    """What a run on another branch leaves: a table no model knows, referencing one they do."""
    tables = MetaData()
    Table(REFERENCED, tables, autoload_with=connection)
    Table(
        "from_a_deleted_model",
        tables,
        Column("id", Integer, primary_key=True),
        Column("ref", ForeignKey(f"{REFERENCED}.id")),
    ).create(connection)


def table_names(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names())


# On the test's connection: its transaction takes the DDL back afterwards (MySQL commits DDL
# at once, and then the tables are left as rebuild_schema built them, empty).
{{ cookiecutter.__async }}def test_a_table_no_model_knows_does_not_block_the_next_run(
    connection: {{ "AsyncConnection" if cookiecutter.mode == "async" else "Connection" }},
) -> None:
{%- if cookiecutter.mode == "async" %}
    await connection.run_sync(leave_a_table_of_a_deleted_model)

    await connection.run_sync(rebuild_schema)

    assert await connection.run_sync(table_names) == set(Base.metadata.tables)
{%- else %}
    leave_a_table_of_a_deleted_model(connection)

    rebuild_schema(connection)

    assert table_names(connection) == set(Base.metadata.tables)
{%- endif %}
