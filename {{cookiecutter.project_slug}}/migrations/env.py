{% if cookiecutter.mode == "async" -%}
import asyncio
{% endif -%}
import re
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal, InvalidOperation
from logging.config import fileConfig
from typing import Any, Literal

from alembic import context
from alembic.autogenerate.api import AutogenContext
from alembic.operations import ops
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Column, Connection, Enum, make_url

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


def drop_enum_types_with_their_tables(
    context: MigrationContext, _revision: Any, directives: list[ops.MigrationScript]
) -> None:
    """PostgreSQL keeps an enum's type when the table that created it is dropped, and the
    next upgrade would fail to create it again: a downgrade that drops a table drops the
    enum types no other table uses."""
    if context.dialect.name != "postgresql":
        return
    tables = Base.metadata.tables
    for script in directives:
        steps = script.downgrade_ops
        if steps is None:
            continue
        dropped = {step.table_name for step in steps.ops if isinstance(step, ops.DropTableOp)}
        kept = [table for name, table in tables.items() if name not in dropped]
        still_used = {name for table in kept for name in enum_type_names(table.c)}
        for position in reversed(range(len(steps.ops))):
            step = steps.ops[position]
            if not isinstance(step, ops.DropTableOp) or step.table_name not in tables:
                continue
            names = sorted(set(enum_type_names(tables[step.table_name].c)) - still_used)
            drops = [ops.ExecuteSQLOp(f'DROP TYPE IF EXISTS "{name}"') for name in names]
            steps.ops[position + 1 : position + 1] = drops


def enum_type_names(columns: Any) -> list[str]:
    """The names of the database enum types these columns use."""
    found: list[str] = []
    for column in columns:
        kind = column.type
        if isinstance(kind, Enum) and kind.native_enum and kind.name:
            found.append(kind.name)
    return found


def rewrite_revision(
    context: MigrationContext, revision: Any, directives: list[ops.MigrationScript]
) -> None:
    drop_tables_with_their_indexes(context, revision, directives)
    drop_enum_types_with_their_tables(context, revision, directives)


_CAST = re.compile(r"^('(?:[^']|'')*')::.+$")  # PostgreSQL: 'new'::character varying
_SAME_FUNCTIONS = {"now()": "current_timestamp", "current_timestamp()": "current_timestamp"}


def default_as_data(rendered: str) -> str:
    """A server default as the value it stands for, whichever way its database spells it:
    MySQL reports `false` as '0' and `0` on a DECIMAL(10, 2) as '0.00', PostgreSQL adds
    casts, SQLite and MySQL add parentheses."""
    value = rendered.strip()
    while value.startswith("(") and value.endswith(")"):
        value = value[1:-1].strip()
    if cast := _CAST.match(value):
        value = cast.group(1)
    if len(value) >= 2 and value[0] == value[-1] == "'":
        value = value[1:-1].replace("''", "'")
    lowered = value.lower()
    if lowered in ("true", "false"):
        return "1" if lowered == "true" else "0"
    if lowered in _SAME_FUNCTIONS:
        return _SAME_FUNCTIONS[lowered]
    try:
        return str(Decimal(value).normalize())
    except InvalidOperation:
        return value


def server_default_changed(
    _context: MigrationContext,
    _inspected_column: Column[Any],
    _metadata_column: Column[Any],
    inspected_default: str | None,
    _metadata_default: Any,
    rendered_metadata_default: str | None,
) -> bool | None:
    """Alembic's compare_server_default hook: whether the database's default differs from the
    model's as data, so that `alembic check` settles after every upgrade. None (a default added
    or removed) leaves the decision to Alembic."""
    if inspected_default is None or rendered_metadata_default is None:
        return None
    return default_as_data(inspected_default) != default_as_data(rendered_metadata_default)


def configure(backend: str, connection: Connection | None = None, url: str | None = None) -> None:
    context.configure(
        connection=connection,
        url=url,
        target_metadata=Base.metadata,
        render_as_batch=True,  # SQLite can only alter a table by copying it
        render_item=render_item,
        process_revision_directives=rewrite_revision,
        compare_server_default=server_default_changed,
        # SQLite: the whole upgrade, DDL included, commits at once or not at all (its DDL is
        # transactional where SQLAlchemy, not the driver, issues BEGIN). The servers' dialects
        # know their own: PostgreSQL's DDL is transactional, MySQL's is not.
        transactional_ddl=True if backend == "sqlite" else None,
    )


@contextmanager
def foreign_keys_off_on_sqlite(connection: Connection) -> Iterator[None]:
    """SQLite alters a table by copying it (Alembic's batch mode): create the new table, copy
    the rows, drop the old one, rename the new one.

    With foreign keys on, dropping the old table would delete every row that references it
    ON DELETE CASCADE, and fail under RESTRICT. They are off while the migration runs, and
    check_foreign_keys_on_sqlite checks every reference before it commits. SQLite ignores
    the PRAGMA inside a transaction, so it goes to the driver's connection before one begins.
    The servers alter tables in place and keep their foreign keys on.
    """
    if connection.dialect.name != "sqlite":
        yield
        return
    cursor = connection.connection.cursor()  # the driver's, past SQLAlchemy's BEGIN
    cursor.execute("PRAGMA foreign_keys=OFF")
    try:
        yield
    finally:
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()


def check_foreign_keys_on_sqlite(connection: Connection) -> None:
    """Raises, inside the migration's transaction, if a row references one that is gone."""
    if connection.dialect.name != "sqlite":
        return
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
    if broken:
        found = "; ".join(f"{table} row {rowid} -> {parent}" for table, rowid, parent, _ in broken)
        raise RuntimeError(f"the migration leaves references to nothing: {found}")


def run_migrations(connection: Connection) -> None:
    with foreign_keys_off_on_sqlite(connection):
        configure(connection.dialect.name, connection)
        with context.begin_transaction():
            context.run_migrations()
            check_foreign_keys_on_sqlite(connection)


def run_migrations_offline() -> None:
    url = database_url()
    configure(make_url(url).get_backend_name(), url=url)
    with context.begin_transaction():
        context.run_migrations()
{%- if cookiecutter.mode == "async" %}


async def run_migrations_online() -> None:
    # A migration may rewrite a large table for minutes: the bound that cuts a slow request
    # short (DATABASE_STATEMENT_TIMEOUT) would stop it half-way. Connecting stays bounded.
    engine = create_db_engine(database_url(), bound_statements=False)
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
    # A migration may rewrite a large table for minutes: the bound that cuts a slow request
    # short (DATABASE_STATEMENT_TIMEOUT) would stop it half-way. Connecting stays bounded.
    engine = create_db_engine(database_url(), bound_statements=False)
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
