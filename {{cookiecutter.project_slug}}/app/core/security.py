import logging
import os
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from functools import cache

import jwt
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

from app.core.config import DEFAULT_SECRET_KEY, Settings
from app.core.errors import BusyError

ALGORITHM = "HS256"
DEVELOPMENT_KEY_WARNING = (
    "SECRET_KEY is the published development key: anyone can sign tokens for this service. "
    "Deploy it with ENVIRONMENT=production and a SECRET_KEY of your own."
)

# Argon2id at argon2-cffi's defaults (RFC 9106's low-memory profile): tens of milliseconds
# of CPU a hash, on purpose. The tests swap `password_hash` for a cheap one.
PRODUCTION_PASSWORD_HASH = PasswordHash((Argon2Hasher(),))
password_hash = PRODUCTION_PASSWORD_HASH
# Each Argon2 call also takes 64 MiB. As many at once as there are cores: a burst of
# logins queues here, rather than taking every thread's worth of memory (40 x 64 MiB)
# and all the CPU from the requests that need neither.
hashing_slots = threading.BoundedSemaphore(os.cpu_count() or 1)
# Argon2 calls let in at once, running or waiting for a slot. Past them a call is refused
# at once (a 503) rather than held: a flood of logins would otherwise hold every worker
# thread waiting here, and requests that need no Argon2 could not get a thread.
HASHING_QUEUE = 4 * (os.cpu_count() or 1)
hashing_queue = threading.BoundedSemaphore(HASHING_QUEUE)
HASHING_BUSY = "Too many sign-ins at once, try again shortly"


@cache
def _dummy_hash() -> str:
    # Verified against when the email is unknown, so a login costs one Argon2 check
    # either way and response times do not reveal which emails have accounts.
    return password_hash.hash("not-a-real-password")


@contextmanager
def hashing_slot() -> Iterator[None]:
    """A turn at Argon2: waits for one of the cores' slots, or raises BusyError at once
    when HASHING_QUEUE calls are already running or waiting."""
    if not hashing_queue.acquire(blocking=False):
        raise BusyError(HASHING_BUSY)
    try:
        with hashing_slots:
            yield
    finally:
        hashing_queue.release()


def hash_password(password: str) -> str:
    with hashing_slot():
        return password_hash.hash(password)


def verify_password(password: str, hashed: str | None) -> bool:
    with hashing_slot():
        if hashed is None:
            password_hash.verify(password, _dummy_hash())
            return False
        return password_hash.verify(password, hashed)


def create_access_token(subject: uuid.UUID, settings: Settings) -> str:
    now = datetime.now(UTC)
    claims = {
        "sub": str(subject),
        "iat": now,
        "exp": now + timedelta(minutes=settings.access_token_expire_minutes),
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
    }
    return jwt.encode(claims, settings.secret_key, algorithm=ALGORITHM)


def decode_access_token(token: str, settings: Settings) -> uuid.UUID | None:
    """The user id the token was issued for, or None if it is invalid in any way."""
    try:
        claims = jwt.decode(
            token,
            settings.secret_key,
            algorithms=[ALGORITHM],
            audience=settings.jwt_audience,
            issuer=settings.jwt_issuer,
            options={"require": ["exp", "iat", "sub", "iss", "aud"]},
        )
        return uuid.UUID(claims["sub"])
    except (jwt.InvalidTokenError, ValueError):
        return None


def warn_about_the_development_key(settings: Settings) -> None:
    """Outside production the development key is accepted (see app.core.config), and must
    not go unnoticed: the service says so when it starts."""
    if settings.secret_key == DEFAULT_SECRET_KEY:
        logging.getLogger("app").warning(DEVELOPMENT_KEY_WARNING)
