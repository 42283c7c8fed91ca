"""The cache on the real Redis that TEST_REDIS_URL names: what fakeredis can only imitate."""

from collections.abc import Callable
from typing import Any

from fastapi import status
{{ cookiecutter.__client_import }}

from app.core.cache import Cache, create_redis
from app.core.config import get_settings
from app.main import app

from app.{{ cookiecutter.resource_plural }}.cache import CACHE_HEADER, HIT, MISS
from tests.cache.fixtures import UNREACHABLE_REDIS_URL, serve


def one(id_: object) -> str:
    return app.url_path_for("read_{{ cookiecutter.resource_name }}", {{ cookiecutter.resource_name }}_id=str(id_))


{{ cookiecutter.__async }}def test_reads_are_cached_in_redis_for_the_ttl(
    {{ cookiecutter.__api_client }}: {{ cookiecutter.__client }},
    real_cache: Cache,
    make_{{ cookiecutter.resource_name }}: Callable[..., Any],
) -> None:
    stored = {{ cookiecutter.__await }}make_{{ cookiecutter.resource_name }}()

    first = {{ cookiecutter.__await }}{{ cookiecutter.__api_client }}.get(one(stored.id))
    second = {{ cookiecutter.__await }}{{ cookiecutter.__api_client }}.get(one(stored.id))

    key = real_cache.key("{{ cookiecutter.resource_plural }}", stored.id)
    assert (first.headers[CACHE_HEADER], second.headers[CACHE_HEADER]) == (MISS, HIT)
    assert 0 < {{ cookiecutter.__await }}real_cache.redis.ttl(key) <= get_settings().cache_ttl_seconds


{{ cookiecutter.__async }}def test_an_expired_entry_is_read_from_the_database_again(
    {{ cookiecutter.__api_client }}: {{ cookiecutter.__client }},
    real_cache: Cache,
    make_{{ cookiecutter.resource_name }}: Callable[..., Any],
) -> None:
    stored = {{ cookiecutter.__await }}make_{{ cookiecutter.resource_name }}()
    {{ cookiecutter.__await }}{{ cookiecutter.__api_client }}.get(one(stored.id))
    key = real_cache.key("{{ cookiecutter.resource_plural }}", stored.id)
    # Redis itself ends the entry, as the TTL would, without the test waiting for it.
    {{ cookiecutter.__await }}real_cache.redis.pexpire(key, 1)
    while {{ cookiecutter.__await }}real_cache.redis.exists(key):
        pass

    response = {{ cookiecutter.__await }}{{ cookiecutter.__api_client }}.get(one(stored.id))

    assert response.headers[CACHE_HEADER] == MISS


{{ cookiecutter.__async }}def test_an_update_is_seen_by_the_next_read(
    {{ cookiecutter.__api_client }}: {{ cookiecutter.__client }},
    real_cache: Cache,
    make_{{ cookiecutter.resource_name }}: Callable[..., Any],
) -> None:
    stored = {{ cookiecutter.__await }}make_{{ cookiecutter.resource_name }}(name="before")
    {{ cookiecutter.__await }}{{ cookiecutter.__api_client }}.get(one(stored.id))

    {{ cookiecutter.__await }}{{ cookiecutter.__api_client }}.patch(one(stored.id), json={"name": "after"})
    response = {{ cookiecutter.__await }}{{ cookiecutter.__api_client }}.get(one(stored.id))

    assert response.json()["name"] == "after"


{{ cookiecutter.__async }}def test_reads_succeed_when_nothing_listens_where_redis_should_be(
    {{ cookiecutter.__api_client }}: {{ cookiecutter.__client }},
    cache: Cache,  # its teardown removes the override this test makes
    make_{{ cookiecutter.resource_name }}: Callable[..., Any],
) -> None:
    stored = {{ cookiecutter.__await }}make_{{ cookiecutter.resource_name }}()
    unreachable = Cache(create_redis(UNREACHABLE_REDIS_URL, timeout=1), ttl_seconds=60)
    serve(app, unreachable)

    response = {{ cookiecutter.__await }}{{ cookiecutter.__api_client }}.get(one(stored.id))

    assert response.status_code == status.HTTP_200_OK
    assert response.headers[CACHE_HEADER] == MISS
    {{ cookiecutter.__await }}unreachable.close()
