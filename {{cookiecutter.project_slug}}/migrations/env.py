{% if cookiecutter.mode == "async" -%}
import asyncio
{% endif -%}
from logging.config import fileConfig

from alembic import context
from sqlalchemy import Connection

import app.{{ cookiecutter.resource_plural }}.models  # noqa: F401  (registers every table on Base.metadata)
from app.core.config import get_settings
from app.core.db import Base, create_db_engine
from app.core.logging import configure_logging

config = context.config
if config.attributes.get("configure_logger", True):
    if get_settings().environment == "production":
        configure_logging(json_lines=True)  # the service's own format, for the same log pipeline
    elif config.config_file_name is not None:
        fileConfig(config.config_file_name, disable_existing_loggers=False)


def database_url() -> str:
    # Tests hand their own database in through the config; everything else uses settings.
    return config.attributes.get("database_url") or get_settings().database_url


def configure(connection: Connection | None = None, url: str | None = None) -> None:
    context.configure(
        connection=connection,
        url=url,
        target_metadata=Base.metadata,
        render_as_batch=True,  # SQLite can only alter a table by copying it
        compare_server_default=True,
    )


def run_migrations_offline() -> None:
    configure(url=database_url())
    with context.begin_transaction():
        context.run_migrations()
{%- if cookiecutter.mode == "async" %}


def _run_migrations(connection: Connection) -> None:
    configure(connection)
    with context.begin_transaction():
        context.run_migrations()


async def run_migrations_online() -> None:
    engine = create_db_engine(database_url())
    async with engine.connect() as connection:
        await connection.run_sync(_run_migrations)
    await engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    asyncio.run(run_migrations_online())
{%- else %}


def run_migrations_online() -> None:
    engine = create_db_engine(database_url())
    with engine.connect() as connection:
        configure(connection)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
{%- endif %}
