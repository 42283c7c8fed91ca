"""The schema each run starts from: the models' tables, whatever an earlier run left behind."""

from sqlalchemy import Column, Connection, ForeignKey, Integer, MetaData, Table, inspect

from app.core.db import Base

from tests.database import (
    create_empty_database,
    database_url_for_tests,
    rebuild_schema,
    run_in_transaction,
)

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


# On a database of its own: the DDL would otherwise change the schema other tests run on.
{{ cookiecutter.__async }}def test_a_table_no_model_knows_does_not_block_the_next_run() -> None:
    url = database_url_for_tests("schema")
    {{ cookiecutter.__await }}create_empty_database(url)
    {{ cookiecutter.__await }}run_in_transaction(url, rebuild_schema)
    {{ cookiecutter.__await }}run_in_transaction(url, leave_a_table_of_a_deleted_model)

    {{ cookiecutter.__await }}run_in_transaction(url, rebuild_schema)

    tables = {{ cookiecutter.__await }}run_in_transaction(url, table_names)
    assert tables == set(Base.metadata.tables)
