"""The cache every test's requests use (fakeredis), and the real Redis for the tests that ask.

fakeredis answers as Redis does, in this process, with nothing to start: each test gets an
empty one. `redis` is the server TEST_REDIS_URL names (default: redis://localhost:6379/0),
for the tests that must see the real thing; an unreachable one fails them, as an
unreachable TEST_DATABASE_URL does.
"""

import os
import uuid
from collections.abc import Iterator

import pytest
from fakeredis import FakeRedis, FakeServer
from fastapi import FastAPI
from pydantic_settings import BaseSettings, SettingsConfigDict
from redis import Redis
from redis.exceptions import RedisError

from app.core import cache as cache_module
from app.core.cache import Cache, create_cache, create_redis, get_cache
from app.core.config import get_settings


class RedisSettingsForTests(BaseSettings):
    """TEST_REDIS_URL from the environment or `.env`: a database number of the tests' own
    keeps their keys apart from a developer's data."""

    model_config = SettingsConfigDict(env_file=".env", env_ignore_empty=True, extra="ignore")

    test_redis_url: str = "redis://localhost:6379/15"


# Where nothing listens (port 1), as for the database: connections are refused at once.
UNREACHABLE_REDIS_URL = "redis://127.0.0.1:1/0"


def key_prefix() -> str:
    """A prefix no other test has, on this pytest-xdist worker or any other run:
    `test:<worker>:<32 hex digits>:`."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    return f"test:{worker}:{uuid.uuid4().hex}:"


@pytest.fixture
def redis_server() -> FakeServer:
    """The fake server behind `cache`: set `redis_server.connected = False` for an outage."""
    return FakeServer()


@pytest.fixture
def cache(
    app: FastAPI,
    redis_server: FakeServer,
    no_override_outlives_its_test: None,  # set up first, so it checks after this ends
) -> Iterator[Cache]:
    """The cache requests get (the get_cache dependency), on an empty fakeredis.

    Apps that tests build apart with create_app() have no override: for them the process's
    own cache is replaced too, so no test reaches the service's Redis.
    """
    redis = FakeRedis(server=redis_server)
    test_cache = create_cache(get_settings(), redis)
    process_cache, cache_module.cache = cache_module.cache, test_cache
    serve(app, test_cache)
    yield test_cache
    del app.dependency_overrides[get_cache]
    cache_module.cache = process_cache
    redis.close()


def serve(app: FastAPI, cache: Cache) -> None:
    """Makes `cache` the one every request gets, until the override is removed."""

    async def the_cache() -> Cache:  # a coroutine: FastAPI calls it without a worker thread
        return cache

    app.dependency_overrides[get_cache] = the_cache


@pytest.fixture(autouse=True)
def every_request_has_a_cache(cache: Cache) -> None:
    """No request of any test reaches the service's own Redis (REDIS_URL)."""


@pytest.fixture
def redis() -> Iterator[Redis]:
    """A client of the real Redis (TEST_REDIS_URL); fails the test if nothing answers."""
    url = RedisSettingsForTests().test_redis_url
    client = create_redis(url, timeout=get_settings().redis_timeout)
    try:
        client.ping()
    except RedisError as error:
        client.close()
        pytest.fail(f"TEST_REDIS_URL={url}: Redis does not answer ({error!r})", pytrace=False)
    yield client
    client.close()


@pytest.fixture
def real_cache(app: FastAPI, cache: Cache, redis: Redis) -> Iterator[Cache]:
    """The cache requests get, on the real Redis, under a key prefix of the test's own.

    The prefix keeps tests apart however many run at once (pytest-xdist workers, other
    runs on the same server); every key under it is deleted when the test ends.
    """
    prefix = key_prefix()
    real = create_cache(get_settings(), redis, prefix=prefix)
    serve(app, real)
    yield real
    serve(app, cache)
    keys = list(redis.scan_iter(match=f"{prefix}*"))
    if keys:
        redis.delete(*keys)
