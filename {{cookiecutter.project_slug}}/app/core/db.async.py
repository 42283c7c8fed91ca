from collections.abc import AsyncGenerator, AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated, Any

from fastapi import Depends{% if cookiecutter.database == "sqlite" %}, Request{% endif %}
from sqlalchemy import URL
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

{% if cookiecutter.database == "sqlite" -%}
from app.core import sqlite
{% endif -%}
from app.core.config import get_settings
from app.core.models import Base

__all__ = ["Base", "SessionDep", "committing", "create_db_engine", "get_session"]


def create_db_engine(url: str | URL, **kwargs: Any) -> AsyncEngine:
{%- if cookiecutter.database == "sqlite" %}
    # A pool of one connection (see app.core.sqlite), unless the caller brings its own.
    options = kwargs if "poolclass" in kwargs else {**sqlite.POOL, **kwargs}
    engine = create_async_engine(url, **options)
    sqlite.use_real_transactions(engine.sync_engine)
{%- else %}
    # pre_ping replaces connections that died while pooled (a database restart), so
    # readiness recovers without restarting the service.
    engine = create_async_engine(url, pool_pre_ping=True, **kwargs)
{%- endif %}
    return engine


engine = create_db_engine(get_settings().database_url)
SessionFactory = async_sessionmaker(engine, expire_on_commit=False)
{%- if cookiecutter.database == "sqlite" %}
# For requests that write: their transaction takes SQLite's write lock when it begins.
WritingSessionFactory = async_sessionmaker(
    engine.execution_options(**sqlite.WRITES), expire_on_commit=False
)
{%- endif %}


async def get_session({% if cookiecutter.database == "sqlite" %}request: Request{% endif %}) -> AsyncGenerator[AsyncSession]:
    """One session per request: committed when the handler succeeds, rolled back if not."""
{%- if cookiecutter.database == "sqlite" %}
    writes = request.method not in sqlite.READ_ONLY_METHODS
    async with committing((WritingSessionFactory if writes else SessionFactory)()) as session:
{%- else %}
    async with committing(SessionFactory()) as session:
{%- endif %}
        yield session


@asynccontextmanager
async def committing(session: AsyncSession) -> AsyncIterator[AsyncSession]:
    """Commits the session if the block succeeds, rolls it back if not, closes it either way."""
    async with session:
        try:
            yield session
            await session.commit()
        except Exception:
            await session.rollback()
            raise


# scope="function" commits before the response is sent, so a client that reads right
# after a 201 always finds what it created.
SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]
