"""A cache of reads in Redis that a Redis outage never turns into a failed request.

Every call that fails on Redis (refused, timed out, reset) is answered as if the key were
missing, so the caller reads the database instead; the outage is logged once when it
begins and once when it ends, not on every request. Values are bytes, kept for the TTL
of the settings (CACHE_TTL_SECONDS).
"""

import logging
import math
from typing import Annotated, cast

from fastapi import Depends
from redis.asyncio import Redis
from redis.backoff import NoBackoff
from redis.exceptions import RedisError
from redis.retry import Retry

from app.core.config import Settings, get_settings

logger = logging.getLogger(__name__)


def create_redis(url: str, timeout: float) -> Redis:
    """A client of the Redis at `url` whose every wait ends after `timeout` seconds.

    redis-py retries a failed command three times with a growing backoff unless told
    otherwise; a cache that is down must cost one failed attempt, not seconds.
    """
    return Redis.from_url(
        url,
        socket_timeout=timeout,
        socket_connect_timeout=timeout,
        retry=Retry(NoBackoff(), retries=0),
    )


# What forget() leaves under a key: no value get() returns, and no JSON a reader could take
# for an entry.
FORGOTTEN = b"\x00forgotten"


class Cache:
    """Bytes under string keys, each kept `ttl_seconds`; every key starts with `prefix`.

    A key forgotten (forget()) refuses add() for `fence_seconds`: the longest a request
    runs (REQUEST_TIMEOUT), so a read that looked before the write and stores after it
    cannot put back what the write replaced.
    """

    def __init__(
        self, redis: Redis, ttl_seconds: int, prefix: str = "", fence_seconds: int = 30
    ) -> None:
        self.redis = redis
        self.ttl_seconds = ttl_seconds
        self.prefix = prefix
        self.fence_seconds = fence_seconds
        self.down = False

    def key(self, *parts: object) -> str:
        """The full key of `parts`: `key("items", 7)` is `<prefix>items:7`."""
        return self.prefix + ":".join(str(part) for part in parts)

    async def get(self, key: str) -> bytes | None:
        """The value stored under `key`; None if there is none, or Redis cannot say."""
        try:
            value = await self.redis.get(key)
        except RedisError as error:
            self._note_outage(error)
            return None
        self._note_recovery()
        if value == FORGOTTEN:
            return None
        return cast("bytes | None", value)  # bytes: the client does not decode them

    async def set(self, key: str, value: bytes) -> None:
        """Stores `value` under `key` for the TTL; a Redis outage only loses the write."""
        try:
            await self.redis.set(key, value, ex=self.ttl_seconds)
        except RedisError as error:
            self._note_outage(error)
        else:
            self._note_recovery()

    async def add(self, key: str, value: bytes) -> bool:
        """Stores `value` under `key` for the TTL unless the key holds anything: a value, or
        forget()'s mark. True if stored; a Redis outage only loses the write (False).

        For a read caching what it found in the database: a write that forgot the key
        meanwhile wins (SET with NX, one round trip).
        """
        try:
            stored = await self.redis.set(key, value, ex=self.ttl_seconds, nx=True)
        except RedisError as error:
            self._note_outage(error)
            return False
        self._note_recovery()
        return bool(stored)

    async def forget(self, key: str) -> None:
        """Forgets `key` once a write to what it caches has committed: get() answers None,
        and add() stores nothing under it for `fence_seconds`. During an outage the stale
        value, if any, lives out its TTL."""
        try:
            await self.redis.set(key, FORGOTTEN, ex=self.fence_seconds)
        except RedisError as error:
            self._note_outage(error)
        else:
            self._note_recovery()

    async def delete(self, key: str) -> None:
        """Forgets `key`. During an outage the stale value, if any, lives out its TTL."""
        try:
            await self.redis.delete(key)
        except RedisError as error:
            self._note_outage(error)
        else:
            self._note_recovery()

    async def is_up(self) -> bool:
        """Whether Redis answers a PING within the client's timeout (for readiness)."""
        try:
            await self.redis.ping()
        except RedisError:
            return False
        return True

    async def close(self) -> None:
        """Closes the client's connections (when the process stops serving)."""
        await self.redis.aclose()

    def _note_outage(self, error: RedisError) -> None:
        if not self.down:
            self.down = True
            logger.warning("cache unavailable, reading from the database: %s", type(error).__name__)

    def _note_recovery(self) -> None:
        if self.down:
            self.down = False
            logger.info("cache available again")


def create_cache(
    settings: Settings, redis: Redis | None = None, *, prefix: str | None = None
) -> Cache:
    """The cache REDIS_URL, REDIS_TIMEOUT, CACHE_TTL_SECONDS and CACHE_KEY_PREFIX describe,
    its fence REQUEST_TIMEOUT (in whole seconds, rounded up). A `redis` client or a
    `prefix` given (a test's) replaces the settings' own."""
    if redis is None:
        redis = create_redis(settings.redis_url, settings.redis_timeout)
    return Cache(
        redis,
        settings.cache_ttl_seconds,
        settings.cache_key_prefix if prefix is None else prefix,
        fence_seconds=math.ceil(settings.request_timeout),
    )


# One per process, as the database's engine is (app.core.db): its client connects on first
# use, and the lifespan closes it (app.main).
cache = create_cache(get_settings())


async def get_cache() -> Cache:
    """The process's cache: a dependency tests override.

    A coroutine so that FastAPI calls it on the event loop, not in a worker thread.
    """
    return cache


CacheDep = Annotated[Cache, Depends(get_cache)]
