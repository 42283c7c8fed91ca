{% if cookiecutter.mode == "async" -%}
import asyncio
{% endif -%}
from logging.config import fileConfig
from typing import Any, Literal

from alembic import context
from alembic.autogenerate.api import AutogenContext
from alembic.operations import ops
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection

{% if cookiecutter.database == "sqlite" -%}
from app.core import sqlite
{% endif -%}
from app.core.config import get_settings
from app.core.db import Base, create_db_engine
from app.core.logging import configure_logging
from app.core.models import import_every_model

# The tables of a new package's models.py reach autogenerate with no edit here.
import_every_model()

config = context.config
if config.attributes.get("configure_logger", True):
    if get_settings().environment == "production":
        configure_logging(json_lines=True)  # the service's own format, for the same log pipeline
    elif config.config_file_name is not None:
        fileConfig(config.config_file_name, disable_existing_loggers=False)


def database_url() -> str:
    # Tests hand their own database in through the config; everything else uses settings.
    return config.attributes.get("database_url") or get_settings().database_url


def render_item(kind: str, item: Any, autogen_context: AutogenContext) -> Literal[False]:
    """A type of the app's own (app.core.models.UTCDateTime) is written as its module path:
    the new revision imports that module."""
    if kind == "type" and type(item).__module__.startswith("app."):
        autogen_context.imports.add(f"import {type(item).__module__}")
    return False  # and the default rendering


def drop_tables_with_their_indexes(
    _context: MigrationContext, _revision: Any, directives: list[ops.MigrationScript]
) -> None:
    """autogenerate drops a table's indexes before the table. MySQL refuses to drop an index
    a foreign key needs, and dropping the table drops its indexes anyway: leave them to it."""
    for script in directives:
        for steps in (script.upgrade_ops, script.downgrade_ops):
            if steps is None:
                continue
            dropped = {step.table_name for step in steps.ops if isinstance(step, ops.DropTableOp)}
            for step in steps.ops:
                if isinstance(step, ops.ModifyTableOps) and step.table_name in dropped:
                    step.ops = [op for op in step.ops if not isinstance(op, ops.DropIndexOp)]
            steps.ops = [
                step
                for step in steps.ops
                if not (isinstance(step, ops.ModifyTableOps) and not step.ops)
                and not (isinstance(step, ops.DropIndexOp) and step.table_name in dropped)
            ]


def configure(connection: Connection | None = None, url: str | None = None) -> None:
    context.configure(
        connection=connection,
        url=url,
        target_metadata=Base.metadata,
        render_as_batch=True,  # SQLite can only alter a table by copying it
        render_item=render_item,
        process_revision_directives=drop_tables_with_their_indexes,
        compare_server_default=True,
{%- if cookiecutter.database == "sqlite" %}
        # app.core.sqlite issues real BEGINs, so DDL is transactional on SQLite too: the
        # whole upgrade commits at once, or not at all.
        transactional_ddl=True,
{%- endif %}
    )


def run_migrations(connection: Connection) -> None:
{%- if cookiecutter.database == "sqlite" %}
    with sqlite.foreign_keys_off(connection):
        configure(connection)
        with context.begin_transaction():
            context.run_migrations()
            sqlite.check_foreign_keys(connection)
{%- else %}
    configure(connection)
    with context.begin_transaction():
        context.run_migrations()
{%- endif %}


def run_migrations_offline() -> None:
    configure(url=database_url())
    with context.begin_transaction():
        context.run_migrations()
{%- if cookiecutter.mode == "async" %}


async def run_migrations_online() -> None:
    engine = create_db_engine(database_url())
    try:
        async with engine.connect() as connection:
            await connection.run_sync(run_migrations)
    finally:
        await engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    asyncio.run(run_migrations_online())
{%- else %}


def run_migrations_online() -> None:
    engine = create_db_engine(database_url())
    try:
        with engine.connect() as connection:
            run_migrations(connection)
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
{%- endif %}
