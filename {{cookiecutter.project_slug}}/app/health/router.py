import logging

from fastapi import APIRouter, HTTPException, status
from sqlalchemy.exc import DBAPIError

{% if cookiecutter.cache == "redis" -%}
from app.core.cache import CacheDep
{% endif -%}
from app.core.config import get_settings
from app.core.db import DatabaseDep, check_connection
from app.core.errors import DATABASE_UNAVAILABLE, RETRY_AFTER, documented

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/health", tags=["health"])


# HEAD, which load balancers and uptime monitors often probe with, is answered as GET
# (app.core.middleware).
@router.get("/live")
async def live() -> dict[str, str]:
    """The process is up; says nothing about its dependencies."""
    return {"status": "ok"}


@router.get("/ready", responses=documented(503))
async def ready(database: DatabaseDep{% if cookiecutter.cache == "redis" %}, cache: CacheDep{% endif %}) -> dict[str, str]:
    """The service can do its job: the database answers within READINESS_TIMEOUT (2 s)."""
    # Not through a request's session: it would wait for a free one, and a busy service
    # would look unready (app.core.db.check_connection opens a connection of its own).
    try:
        await check_connection(database, get_settings().readiness_timeout)
    except (DBAPIError, OSError) as exc:  # TimeoutError is an OSError
        # Why, for whoever looks into an unready instance: the probe's client learns nothing.
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        logger.warning("not ready: the database check failed: %s: %s", type(exc).__name__, reason)
        raise HTTPException(
            status.HTTP_503_SERVICE_UNAVAILABLE, DATABASE_UNAVAILABLE, headers=RETRY_AFTER
        ) from exc
{%- if cookiecutter.cache == "redis" %}
    # Whether Redis answers ("ok" or "unavailable"): a cache that is down slows reads but
    # fails none, so it never makes the service unready. (Not in the docstring: that is the
    # API's description, the same whatever the answers.)
    return {"status": "ok", "cache": "ok" if await cache.is_up() else "unavailable"}
{%- else %}
    return {"status": "ok"}
{%- endif %}
