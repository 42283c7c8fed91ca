import asyncio
import logging
import time

import pytest
from fakeredis import FakeServer

from app.core import cache as cache_module
from app.core.cache import Cache, create_cache, create_redis, get_cache
from app.core.config import get_settings

from tests.cache.fixtures import UNREACHABLE_REDIS_URL


{{ cookiecutter.__async }}def test_a_stored_value_is_read_back(cache: Cache) -> None:
    {{ cookiecutter.__await }}cache.set("greeting", b"hello")

    assert {{ cookiecutter.__await }}cache.get("greeting") == b"hello"


{{ cookiecutter.__async }}def test_a_key_never_stored_reads_as_none(cache: Cache) -> None:
    assert {{ cookiecutter.__await }}cache.get("never stored") is None


{{ cookiecutter.__async }}def test_a_stored_value_is_kept_for_the_ttl_of_the_settings(cache: Cache) -> None:
    {{ cookiecutter.__await }}cache.set("greeting", b"hello")

    assert {{ cookiecutter.__await }}cache.redis.ttl("greeting") == get_settings().cache_ttl_seconds


{{ cookiecutter.__async }}def test_a_deleted_key_reads_as_none(cache: Cache) -> None:
    {{ cookiecutter.__await }}cache.set("greeting", b"hello")

    {{ cookiecutter.__await }}cache.delete("greeting")

    assert {{ cookiecutter.__await }}cache.get("greeting") is None


{{ cookiecutter.__async }}def test_an_add_stores_only_where_the_key_holds_nothing(cache: Cache) -> None:
    first = {{ cookiecutter.__await }}cache.add("greeting", b"hello")
    second = {{ cookiecutter.__await }}cache.add("greeting", b"hello again")

    assert (first, second) == (True, False)
    assert {{ cookiecutter.__await }}cache.get("greeting") == b"hello"
    assert {{ cookiecutter.__await }}cache.redis.ttl("greeting") == get_settings().cache_ttl_seconds


{{ cookiecutter.__async }}def test_a_forgotten_key_reads_as_none_and_refuses_adds_for_the_fence(cache: Cache) -> None:
    {{ cookiecutter.__await }}cache.set("greeting", b"hello")

    {{ cookiecutter.__await }}cache.forget("greeting")
    added = {{ cookiecutter.__await }}cache.add("greeting", b"hello, as read before the write")

    assert added is False
    assert {{ cookiecutter.__await }}cache.get("greeting") is None
    assert {{ cookiecutter.__await }}cache.redis.ttl("greeting") == cache.fence_seconds


def test_keys_start_with_the_prefix(cache: Cache) -> None:
    prefixed = Cache(cache.redis, ttl_seconds=1, prefix="svc:")

    assert prefixed.key("things", 7) == "svc:things:7"


{{ cookiecutter.__async }}def test_during_an_outage_every_call_acts_as_a_miss_and_it_is_logged_once(
    cache: Cache, redis_server: FakeServer, caplog: pytest.LogCaptureFixture
) -> None:
    redis_server.connected = False

    with caplog.at_level(logging.WARNING, logger=cache_module.__name__):
        {{ cookiecutter.__await }}cache.set("greeting", b"hello")
        added = {{ cookiecutter.__await }}cache.add("greeting", b"hello")
        read = {{ cookiecutter.__await }}cache.get("greeting")
        {{ cookiecutter.__await }}cache.forget("greeting")
        {{ cookiecutter.__await }}cache.delete("greeting")

    assert (read, added) == (None, False)
    assert [record.getMessage() for record in caplog.records] == [
        "cache unavailable, reading from the database: ConnectionError"
    ]


{{ cookiecutter.__async }}def test_the_end_of_an_outage_is_logged_once(
    cache: Cache, redis_server: FakeServer, caplog: pytest.LogCaptureFixture
) -> None:
    redis_server.connected = False
    {{ cookiecutter.__await }}cache.get("greeting")
    redis_server.connected = True
    caplog.clear()

    with caplog.at_level(logging.INFO, logger=cache_module.__name__):
        {{ cookiecutter.__await }}cache.set("greeting", b"hello")
        {{ cookiecutter.__await }}cache.get("greeting")

    assert [record.getMessage() for record in caplog.records] == ["cache available again"]


{{ cookiecutter.__async }}def test_a_delete_after_an_outage_ends_it(cache: Cache, redis_server: FakeServer) -> None:
    redis_server.connected = False
    {{ cookiecutter.__await }}cache.get("greeting")
    redis_server.connected = True

    {{ cookiecutter.__await }}cache.delete("greeting")

    assert not cache.down


{{ cookiecutter.__async }}def test_a_redis_nobody_listens_on_fails_over_at_once() -> None:
    # One refused connection, no retries with backoff: see create_redis.
    unreachable = Cache(create_redis(UNREACHABLE_REDIS_URL, timeout=1), ttl_seconds=60)
    started = time.monotonic()

    read = {{ cookiecutter.__await }}unreachable.get("greeting")

    assert read is None
    assert time.monotonic() - started < 1
    assert unreachable.down
    {{ cookiecutter.__await }}unreachable.close()


def test_every_request_gets_the_process_cache(cache: Cache) -> None:
    # The `cache` fixture put its fakeredis in place of the process's cache.
    assert asyncio.run(get_cache()) is cache_module.cache is cache


def test_the_cache_is_made_as_the_settings_say() -> None:
    settings = get_settings().model_copy(
        update={"cache_ttl_seconds": 5, "cache_key_prefix": "p:", "request_timeout": 7.5}
    )

    made = create_cache(settings)

    assert (made.ttl_seconds, made.prefix, made.fence_seconds) == (5, "p:", 8)
    {{ "asyncio.run(made.close())" if cookiecutter.mode == "async" else "made.close()" }}
