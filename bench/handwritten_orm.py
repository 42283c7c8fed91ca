"""The read and the create of a baked project, written by hand on the ORM: a baseline.

Served by bench_service.py from a baked project's directory and virtualenv, beside it: the
project's own models and schemas, the same JWT check (PyJWT, HS256, iss, aud, exp), the same
two loads by primary key (the user, then the item) and a commit, in one session per request;
and nothing else: no middleware, no request id, no access line, no deadline, no readiness.
The pool is sized like the baked service's (BENCH_POOL_SIZE, default 32) and never pings;
on SQLite it is SQLAlchemy's default for files.

    BENCH_MODE=async|sync  DATABASE_URL=...  SECRET_KEY=...  uvicorn handwritten_orm:app
"""

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Annotated

import jwt
from app.core.config import get_settings
from app.items.models import Item
from app.items.schemas import ItemCreate, ItemRead
from app.users.models import User
from fastapi import Depends, FastAPI, Header, HTTPException
from sqlalchemy import create_engine
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import Session, sessionmaker

settings = get_settings()
POOL = {"pool_size": int(os.environ.get("BENCH_POOL_SIZE", "32")), "max_overflow": 0}
if settings.database_url.startswith("sqlite"):
    POOL = {}  # SQLAlchemy's own choice for SQLite files
app = FastAPI()


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


if os.environ.get("BENCH_MODE", "async") == "async":
    engine = create_async_engine(settings.database_url, **POOL)
    sessions = async_sessionmaker(engine, expire_on_commit=False)

    async def session() -> AsyncIterator[AsyncSession]:
        async with sessions() as opened:
            yield opened
            await opened.commit()

    AsyncSessionDep = Annotated[AsyncSession, Depends(session)]

    async def current_user(db: AsyncSessionDep, authorization: str = Header()) -> User:
        user = await db.get(User, user_id_of(authorization))
        if user is None or not user.is_active:
            raise HTTPException(401)
        return user

    @app.get("/api/v1/items/{item_id}", response_model=ItemRead)
    async def read_item(
        item_id: uuid.UUID, db: AsyncSessionDep, user: Annotated[User, Depends(current_user)]
    ) -> Item:
        item = await db.get(Item, item_id)
        if item is None or item.owner_id != user.id:
            raise HTTPException(404)
        return item

    @app.post("/api/v1/items", response_model=ItemRead, status_code=201)
    async def create_item(
        item_in: ItemCreate, db: AsyncSessionDep, user: Annotated[User, Depends(current_user)]
    ) -> Item:
        item = Item(**item_in.model_dump(), owner_id=user.id)
        db.add(item)
        await db.flush()
        return item

else:
    sync_engine = create_engine(settings.database_url, **POOL)
    sync_sessions = sessionmaker(sync_engine, expire_on_commit=False)

    def sync_session() -> Iterator[Session]:
        with sync_sessions() as opened:
            yield opened
            opened.commit()

    SessionDep = Annotated[Session, Depends(sync_session)]

    def sync_current_user(db: SessionDep, authorization: str = Header()) -> User:
        user = db.get(User, user_id_of(authorization))
        if user is None or not user.is_active:
            raise HTTPException(401)
        return user

    @app.get("/api/v1/items/{item_id}", response_model=ItemRead)
    def sync_read_item(
        item_id: uuid.UUID, db: SessionDep, user: Annotated[User, Depends(sync_current_user)]
    ) -> Item:
        item = db.get(Item, item_id)
        if item is None or item.owner_id != user.id:
            raise HTTPException(404)
        return item

    @app.post("/api/v1/items", response_model=ItemRead, status_code=201)
    def sync_create_item(
        item_in: ItemCreate, db: SessionDep, user: Annotated[User, Depends(sync_current_user)]
    ) -> Item:
        item = Item(**item_in.model_dump(), owner_id=user.id)
        db.add(item)
        # Committed here, in the thread that wrote. Committed by the session dependency, in a
        # worker thread of its own, SQLite's write lock was held until that thread came, while
        # the other creates held every worker thread in SQLite's busy handler: each request
        # then waited out the busy timeout.
        db.commit()
        return item


@app.get("/hello")
async def hello() -> dict[str, str]:
    return {"message": "Hello World"}
