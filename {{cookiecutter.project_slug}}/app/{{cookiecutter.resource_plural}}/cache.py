"""Reads of one {{ cookiecutter.resource_name }} through the cache, and the writes that make it forget.

A read answers from Redis when it holds the {{ cookiecutter.resource_name }} (`X-Cache: HIT`), else from the
database, and keeps the answer for CACHE_TTL_SECONDS (`X-Cache: MISS`). An update or a
delete forgets it once committed, and for REQUEST_TIMEOUT after that reads of it are not
cached: one that loaded the row before the write would put the old one back. Pages of the
list are not cached: every create, update and delete would change some of them, and they
are one indexed query anyway.
"""

import uuid
from collections.abc import {{ cookiecutter.__iterator }}
from typing import Annotated

from fastapi import Depends, Response
from pydantic import ValidationError

from app.core.cache import CacheDep
from app.core.db import SessionDep

from app.{{ cookiecutter.resource_plural }} import service
from app.{{ cookiecutter.resource_plural }}.owner import OwnerDep
from app.{{ cookiecutter.resource_plural }}.schemas import {{ cookiecutter.__resource_class }}Read

# Says where an answer came from, for clients and tests alike.
CACHE_HEADER = "X-Cache"
HIT = "HIT"
MISS = "MISS"
{%- if cookiecutter.auth == "yes" %}


class Cached{{ cookiecutter.__resource_class }}({{ cookiecutter.__resource_class }}Read):
    """What the cache keeps: the answer to a read, and whose {{ cookiecutter.resource_name }} it is (not sent)."""

    owner_id: uuid.UUID
{%- else %}


# All a read answers: what the cache keeps.
Cached{{ cookiecutter.__resource_class }} = {{ cookiecutter.__resource_class }}Read
{%- endif %}


def _entry(cached: bytes | None) -> Cached{{ cookiecutter.__resource_class }} | None:
    """The cached entry; None if there is none, or it was written to another schema (by an
    earlier version of the service)."""
    if cached is None:
        return None
    try:
        return Cached{{ cookiecutter.__resource_class }}.model_validate_json(cached)
    except ValidationError:
        return None


{{ cookiecutter.__async }}def get_cached_{{ cookiecutter.resource_name }}(
    {{ cookiecutter.resource_name }}_id: uuid.UUID,
    session: SessionDep,
    owner: OwnerDep,
    cache: CacheDep,
    response: Response,
) -> {{ cookiecutter.__resource_class }}Read:
    """The {{ cookiecutter.resource_name }}, from the cache if it holds it, else from the database (and then
    cached). Raises NotFoundError (404) as the database read does; a Redis outage only
    makes it a miss."""
    key = cache.key("{{ cookiecutter.resource_plural }}", {{ cookiecutter.resource_name }}_id)
    found = _entry({{ cookiecutter.__await }}cache.get(key))
    # One the owner may not see is read from the database, which answers 404.
    if found is not None and owner.owns(found):
        response.headers[CACHE_HEADER] = HIT
        return found
    stored = {{ cookiecutter.__await }}service.get_{{ cookiecutter.resource_name }}(session, {{ cookiecutter.resource_name }}_id, owner)
    fresh = Cached{{ cookiecutter.__resource_class }}.model_validate(stored)
    # Only where the key holds nothing: a write that forgot it since wins (Cache.add).
    {{ cookiecutter.__await }}cache.add(key, fresh.model_dump_json().encode())
    response.headers[CACHE_HEADER] = MISS
    return fresh


Cached{{ cookiecutter.__resource_class }}Dep = Annotated[
    {{ cookiecutter.__resource_class }}Read,
    Depends(get_cached_{{ cookiecutter.resource_name }}),
]


{{ cookiecutter.__async }}def forget_cached_{{ cookiecutter.resource_name }}(
    {{ cookiecutter.resource_name }}_id: uuid.UUID,
    cache: CacheDep,
) -> {{ cookiecutter.__iterator }}[None]:
    """Forgets the cached {{ cookiecutter.resource_name }} once a write to it has committed.

    Listed in the route's `dependencies`, it is set up before the request's session and,
    in the same scope ("function": before the response is sent), ends after it: FastAPI
    ends dependencies in reverse order. So the key goes after the commit, and before the
    response, where a client that reads right after it cannot get the old row. A read that
    loaded the old row before the commit and caches it after finds the key forgotten
    (Cache.forget) and stores nothing. A write that fails forgets nothing.
    """
    yield
    {{ cookiecutter.__await }}cache.forget(cache.key("{{ cookiecutter.resource_plural }}", {{ cookiecutter.resource_name }}_id))
