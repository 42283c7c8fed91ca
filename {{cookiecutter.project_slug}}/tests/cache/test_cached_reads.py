import logging
from collections.abc import Callable
from typing import Any

import pytest
from fakeredis import FakeServer
from fastapi import status
{{ cookiecutter.__client_import }}
{{ cookiecutter.__session_import }}

from app.core import cache as cache_module
from app.core.cache import Cache
from app.core.config import get_settings
from app.main import app

from app.{{ cookiecutter.resource_plural }} import service
from app.{{ cookiecutter.resource_plural }}.cache import CACHE_HEADER, HIT, MISS

READY = app.url_path_for("ready")


def one(id_: object) -> str:
    return app.url_path_for("read_{{ cookiecutter.resource_name }}", {{ cookiecutter.resource_name }}_id=str(id_))


{{ cookiecutter.__async }}def test_the_first_read_is_a_miss_and_the_next_one_a_hit_with_the_same_body(
    {{ cookiecutter.__api_client }}: {{ cookiecutter.__client }},
    make_{{ cookiecutter.resource_name }}: Callable[..., Any],
) -> None:
    stored = {{ cookiecutter.__await }}make_{{ cookiecutter.resource_name }}()

    first = {{ cookiecutter.__await }}{{ cookiecutter.__api_client }}.get(one(stored.id))
    second = {{ cookiecutter.__await }}{{ cookiecutter.__api_client }}.get(one(stored.id))

    assert first.status_code == second.status_code == status.HTTP_200_OK
    assert (first.headers[CACHE_HEADER], second.headers[CACHE_HEADER]) == (MISS, HIT)
    assert second.json() == first.json()


{{ cookiecutter.__async }}def test_a_hit_is_served_without_reading_the_database(
    {{ cookiecutter.__api_client }}: {{ cookiecutter.__client }},
    db_session: {{ cookiecutter.__session }},
    make_{{ cookiecutter.resource_name }}: Callable[..., Any],
) -> None:
    stored = {{ cookiecutter.__await }}make_{{ cookiecutter.resource_name }}(name="cached")
    {{ cookiecutter.__await }}{{ cookiecutter.__api_client }}.get(one(stored.id))
    # Changed behind the service's back: only a read of the database would see it.
    stored.name = "changed in the database"
    {{ cookiecutter.__await }}db_session.commit()

    response = {{ cookiecutter.__await }}{{ cookiecutter.__api_client }}.get(one(stored.id))

    assert response.headers[CACHE_HEADER] == HIT
    assert response.json()["name"] == "cached"


{{ cookiecutter.__async }}def test_a_read_is_cached_for_the_ttl_of_the_settings(
    {{ cookiecutter.__api_client }}: {{ cookiecutter.__client }},
    cache: Cache,
    make_{{ cookiecutter.resource_name }}: Callable[..., Any],
) -> None:
    stored = {{ cookiecutter.__await }}make_{{ cookiecutter.resource_name }}()

    {{ cookiecutter.__await }}{{ cookiecutter.__api_client }}.get(one(stored.id))

    key = cache.key("{{ cookiecutter.resource_plural }}", stored.id)
    assert {{ cookiecutter.__await }}cache.redis.ttl(key) == get_settings().cache_ttl_seconds


{{ cookiecutter.__async }}def test_an_update_makes_the_next_read_a_miss_with_the_new_values(
    {{ cookiecutter.__api_client }}: {{ cookiecutter.__client }},
    make_{{ cookiecutter.resource_name }}: Callable[..., Any],
) -> None:
    stored = {{ cookiecutter.__await }}make_{{ cookiecutter.resource_name }}(name="before")
    {{ cookiecutter.__await }}{{ cookiecutter.__api_client }}.get(one(stored.id))

    {{ cookiecutter.__await }}{{ cookiecutter.__api_client }}.patch(one(stored.id), json={"name": "after"})
    response = {{ cookiecutter.__await }}{{ cookiecutter.__api_client }}.get(one(stored.id))

    assert response.headers[CACHE_HEADER] == MISS
    assert response.json()["name"] == "after"


{{ cookiecutter.__async }}def test_a_delete_makes_the_next_read_a_404(
    {{ cookiecutter.__api_client }}: {{ cookiecutter.__client }},
    make_{{ cookiecutter.resource_name }}: Callable[..., Any],
) -> None:
    stored = {{ cookiecutter.__await }}make_{{ cookiecutter.resource_name }}()
    {{ cookiecutter.__await }}{{ cookiecutter.__api_client }}.get(one(stored.id))

    {{ cookiecutter.__await }}{{ cookiecutter.__api_client }}.delete(one(stored.id))
    response = {{ cookiecutter.__await }}{{ cookiecutter.__api_client }}.get(one(stored.id))

    assert response.status_code == status.HTTP_404_NOT_FOUND


{{ cookiecutter.__async }}def test_a_read_that_loaded_the_row_before_a_write_forgot_it_does_not_cache_it(
    {{ cookiecutter.__api_client }}: {{ cookiecutter.__client }},
    cache: Cache,
    make_{{ cookiecutter.resource_name }}: Callable[..., Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    stored = {{ cookiecutter.__await }}make_{{ cookiecutter.resource_name }}()
    load = service.get_{{ cookiecutter.resource_name }}

    {{ cookiecutter.__async }}def load_then_a_write_commits(*args: Any, **kwargs: Any) -> Any:
        row = {{ cookiecutter.__await }}load(*args, **kwargs)
        # An update or delete commits now, while this read holds the row as it was, and
        # forgets the cached one as its route does (forget_cached_{{ cookiecutter.resource_name }}).
        {{ cookiecutter.__await }}cache.forget(cache.key("{{ cookiecutter.resource_plural }}", stored.id))
        return row

    monkeypatch.setattr(service, "get_{{ cookiecutter.resource_name }}", load_then_a_write_commits)
    {{ cookiecutter.__await }}{{ cookiecutter.__api_client }}.get(one(stored.id))
    monkeypatch.undo()
    after = {{ cookiecutter.__await }}{{ cookiecutter.__api_client }}.get(one(stored.id))

    # A HIT would serve the row as it was before the write, for the whole TTL.
    assert after.headers[CACHE_HEADER] == MISS


{{ cookiecutter.__async }}def test_a_failed_update_keeps_the_cached_{{ cookiecutter.resource_name }}(
    {{ cookiecutter.__api_client }}: {{ cookiecutter.__client }},
    make_{{ cookiecutter.resource_name }}: Callable[..., Any],
) -> None:
    {{ cookiecutter.__await }}make_{{ cookiecutter.resource_name }}(name="taken")
    stored = {{ cookiecutter.__await }}make_{{ cookiecutter.resource_name }}(name="free")
    {{ cookiecutter.__await }}{{ cookiecutter.__api_client }}.get(one(stored.id))

    refused = {{ cookiecutter.__await }}{{ cookiecutter.__api_client }}.patch(one(stored.id), json={"name": "taken"})
    response = {{ cookiecutter.__await }}{{ cookiecutter.__api_client }}.get(one(stored.id))

    assert refused.status_code == status.HTTP_409_CONFLICT
    assert response.headers[CACHE_HEADER] == HIT
    assert response.json()["name"] == "free"


{{ cookiecutter.__async }}def test_an_entry_written_to_another_schema_is_read_as_a_miss(
    {{ cookiecutter.__api_client }}: {{ cookiecutter.__client }},
    cache: Cache,
    make_{{ cookiecutter.resource_name }}: Callable[..., Any],
) -> None:
    stored = {{ cookiecutter.__await }}make_{{ cookiecutter.resource_name }}()
    key = cache.key("{{ cookiecutter.resource_plural }}", stored.id)
    {{ cookiecutter.__await }}cache.set(key, b'{"written by": "an older version"}')

    response = {{ cookiecutter.__await }}{{ cookiecutter.__api_client }}.get(one(stored.id))

    assert response.status_code == status.HTTP_200_OK
    assert response.headers[CACHE_HEADER] == MISS


{{ cookiecutter.__async }}def test_during_a_redis_outage_reads_come_from_the_database_and_it_is_logged_once(
    {{ cookiecutter.__api_client }}: {{ cookiecutter.__client }},
    redis_server: FakeServer,
    caplog: pytest.LogCaptureFixture,
    make_{{ cookiecutter.resource_name }}: Callable[..., Any],
) -> None:
    stored = {{ cookiecutter.__await }}make_{{ cookiecutter.resource_name }}()
    redis_server.connected = False

    with caplog.at_level(logging.WARNING, logger=cache_module.__name__):
        responses = [
            {{ cookiecutter.__await }}{{ cookiecutter.__api_client }}.get(one(stored.id)),
            {{ cookiecutter.__await }}{{ cookiecutter.__api_client }}.get(one(stored.id)),
        ]

    assert [response.status_code for response in responses] == [status.HTTP_200_OK] * 2
    assert [response.headers[CACHE_HEADER] for response in responses] == [MISS, MISS]
    assert len(caplog.records) == 1


{{ cookiecutter.__async }}def test_readiness_reports_the_cache(client: {{ cookiecutter.__client }}) -> None:
    response = {{ cookiecutter.__await }}client.get(READY)

    assert response.status_code == status.HTTP_200_OK
    assert response.json() == {"status": "ok", "cache": "ok"}


{{ cookiecutter.__async }}def test_a_cache_that_is_down_leaves_the_service_ready(
    client: {{ cookiecutter.__client }}, redis_server: FakeServer
) -> None:
    redis_server.connected = False

    response = {{ cookiecutter.__await }}client.get(READY)

    assert response.status_code == status.HTTP_200_OK
    assert response.json() == {"status": "ok", "cache": "unavailable"}
