"""The read and the create of a baked project, written by hand on the database driver.

The floor under bench_service.py's figures: the same JWT check and the same two loads (the
user, then the item; a create inserts instead of the second) as handwritten_orm.py, as SQL
on the driver the baked project uses (asyncpg, psycopg, asyncmy, PyMySQL, aiosqlite or
sqlite3), one pooled connection and one transaction per request; no ORM, no middleware.

    BENCH_MODE=async|sync  DATABASE_URL=...  SECRET_KEY=...  uvicorn handwritten_raw:app
"""

import asyncio
import os
import queue
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from datetime import UTC, datetime
from typing import Any

import jwt
from app.core.config import get_settings
from fastapi import FastAPI, Header, HTTPException
from pydantic import BaseModel, Field
from sqlalchemy.engine import make_url

settings = get_settings()
URL = make_url(settings.database_url)
BACKEND, DRIVER = URL.get_backend_name(), URL.get_driver_name()
POOL_SIZE = int(os.environ.get("BENCH_POOL_SIZE", "32"))
ASYNC = os.environ.get("BENCH_MODE", "async") == "async"
# PostgreSQL stores uuid and timestamptz; MySQL and SQLite (as SQLAlchemy maps them here)
# a naive UTC datetime, and the uuid as MariaDB's uuid type (text with dashes through the
# driver) or as 32 hex digits; UUID_TEXT is set at the first connection.
NATIVE = BACKEND == "postgresql"
UUID_TEXT = False
MARK = {"asyncpg": "${}", "pysqlite": "?", "aiosqlite": "?"}.get(DRIVER, "%s")


def sql(text: str) -> str:
    """`text` with its `:n` parameters written in the driver's own style."""
    for number in range(4, 0, -1):
        text = text.replace(f":{number}", MARK.format(number))
    return text


USER = sql("SELECT is_active FROM users WHERE id = :1")
ID_TYPE = (
    "SELECT data_type FROM information_schema.columns"
    " WHERE table_schema = DATABASE() AND table_name = 'items' AND column_name = 'id'"
)
ITEM = sql("SELECT id, name, description, created_at, owner_id FROM items WHERE id = :1")
INSERT = sql(
    "INSERT INTO items (id, created_at, name, owner_id, description) VALUES (:1, :2, :3, :4, NULL)"
)


class ItemIn(BaseModel):
    name: str = Field(min_length=1, max_length=100)
    description: str | None = Field(default=None, max_length=1000)


def user_id_of(authorization: str) -> uuid.UUID:
    try:
        claims = jwt.decode(
            authorization.removeprefix("Bearer "),
            settings.secret_key,
            algorithms=["HS256"],
            audience=settings.jwt_audience,
            issuer=settings.jwt_issuer,
            options={"require": ["exp", "iat", "sub", "iss", "aud"]},
        )
        return uuid.UUID(claims["sub"])
    except (jwt.InvalidTokenError, ValueError):
        raise HTTPException(401) from None


def key(value: uuid.UUID) -> Any:
    """A uuid as the table holds it: PostgreSQL's and MariaDB's uuid types, else 32 hex digits
    (SQLite, and MySQL, which has no uuid type)."""
    if NATIVE:
        return value
    return str(value) if UUID_TEXT else value.hex


def now() -> datetime:
    moment = datetime.now(UTC)
    return moment if NATIVE else moment.replace(tzinfo=None)


def as_item(row: Any) -> dict[str, Any]:
    item_id, name, description, created_at, _ = row
    return {
        "id": str(uuid.UUID(str(item_id))),
        "name": name,
        "description": description,
        "created_at": created_at if NATIVE else f"{created_at}+00:00",
    }


app = FastAPI()
CONNECT = {
    "host": URL.host or "127.0.0.1",
    "port": URL.port,
    "user": URL.username,
    "password": URL.password or "",
}

if ASYNC:
    pool: Any = None

    async def open_pool() -> Any:
        if DRIVER == "asyncpg":
            import asyncpg

            return await asyncpg.create_pool(
                database=URL.database, min_size=1, max_size=POOL_SIZE, **CONNECT
            )
        if DRIVER == "asyncmy":
            import asyncmy

            global UUID_TEXT
            opened = await asyncmy.create_pool(db=URL.database, maxsize=POOL_SIZE, **CONNECT)
            async with opened.acquire() as connection, connection.cursor() as cursor:
                await cursor.execute(ID_TYPE)
                UUID_TEXT = (await cursor.fetchone())[0] == "uuid"
            return opened
        import aiosqlite

        return await aiosqlite.connect(URL.database)

    @asynccontextmanager
    async def transaction() -> AsyncIterator[Any]:
        """(fetch one row, execute) on a pooled connection, in one transaction."""
        global pool
        if pool is None:
            pool = await open_pool()
        if DRIVER == "asyncpg":
            async with pool.acquire() as connection, connection.transaction():
                yield connection.fetchrow, connection.execute
        elif DRIVER == "asyncmy":
            async with pool.acquire() as connection, connection.cursor() as cursor:

                async def fetch(query: str, *args: Any) -> Any:
                    await cursor.execute(query, args)
                    return await cursor.fetchone()

                async def execute(query: str, *args: Any) -> None:
                    await cursor.execute(query, args)

                yield fetch, execute
                await connection.commit()
        else:
            async with LOCK:  # one aiosqlite connection: one transaction at a time

                async def fetch_sqlite(query: str, *args: Any) -> Any:
                    async with pool.execute(query, args) as cursor:
                        return await cursor.fetchone()

                async def execute_sqlite(query: str, *args: Any) -> None:
                    await pool.execute(query, args)

                yield fetch_sqlite, execute_sqlite
                await pool.commit()

    LOCK = asyncio.Lock()

    async def owner(fetch: Any, authorization: str) -> uuid.UUID:
        user_id = user_id_of(authorization)
        row = await fetch(USER, key(user_id))
        if row is None or not row[0]:
            raise HTTPException(401)
        return user_id

    @app.get("/api/v1/items/{item_id}")
    async def read_item(item_id: uuid.UUID, authorization: str = Header()) -> dict[str, Any]:
        async with transaction() as (fetch, _):
            user_id = await owner(fetch, authorization)
            row = await fetch(ITEM, key(item_id))
        if row is None or row[4] != key(user_id):
            raise HTTPException(404)
        return as_item(row)

    @app.post("/api/v1/items", status_code=201)
    async def create_item(item_in: ItemIn, authorization: str = Header()) -> dict[str, Any]:
        item_id, created_at = uuid.uuid4(), now()
        async with transaction() as (fetch, execute):
            user_id = await owner(fetch, authorization)
            await execute(INSERT, key(item_id), created_at, item_in.name, key(user_id))
        return as_item((key(item_id), item_in.name, None, created_at, None))

else:
    connections: queue.LifoQueue[Any] = queue.LifoQueue()
    opened = 0

    def connect() -> Any:
        if DRIVER == "psycopg":
            import psycopg

            return psycopg.connect(dbname=URL.database, **CONNECT)
        if DRIVER == "pymysql":
            import pymysql

            global UUID_TEXT
            connection = pymysql.connect(database=URL.database, **CONNECT)
            with connection.cursor() as cursor:
                cursor.execute(ID_TYPE)
                UUID_TEXT = cursor.fetchone()[0] == "uuid"
            return connection
        import sqlite3

        return sqlite3.connect(URL.database, check_same_thread=False)

    @contextmanager
    def sync_transaction() -> Iterator[Any]:
        global opened
        try:
            connection = connections.get_nowait()
        except queue.Empty:
            if opened < POOL_SIZE:
                opened += 1
                connection = connect()
            else:
                connection = connections.get()
        try:
            cursor = connection.cursor()

            def fetch(query: str, *args: Any) -> Any:
                cursor.execute(query, args)
                return cursor.fetchone()

            def execute(query: str, *args: Any) -> None:
                cursor.execute(query, args)

            yield fetch, execute
            connection.commit()
        finally:
            connections.put(connection)

    def sync_owner(fetch: Any, authorization: str) -> uuid.UUID:
        user_id = user_id_of(authorization)
        row = fetch(USER, key(user_id))
        if row is None or not row[0]:
            raise HTTPException(401)
        return user_id

    @app.get("/api/v1/items/{item_id}")
    def sync_read_item(item_id: uuid.UUID, authorization: str = Header()) -> dict[str, Any]:
        with sync_transaction() as (fetch, _):
            user_id = sync_owner(fetch, authorization)
            row = fetch(ITEM, key(item_id))
        if row is None or row[4] != key(user_id):
            raise HTTPException(404)
        return as_item(row)

    @app.post("/api/v1/items", status_code=201)
    def sync_create_item(item_in: ItemIn, authorization: str = Header()) -> dict[str, Any]:
        item_id, created_at = uuid.uuid4(), now()
        with sync_transaction() as (fetch, execute):
            user_id = sync_owner(fetch, authorization)
            execute(INSERT, key(item_id), created_at, item_in.name, key(user_id))
        return as_item((key(item_id), item_in.name, None, created_at, None))


@app.get("/hello")
async def hello() -> dict[str, str]:
    return {"message": "Hello World"}
