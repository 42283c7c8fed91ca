from fastapi import APIRouter, HTTPException, status
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from app.core.db import SessionDep
from app.core.errors import DATABASE_UNAVAILABLE, documented

router = APIRouter(prefix="/health", tags=["health"])


# HEAD as well as GET: load balancers and uptime monitors often probe with HEAD. (Out of
# the OpenAPI document, which would give both methods one operation id.)
@router.head("/live", include_in_schema=False)
@router.get("/live")
async def live() -> dict[str, str]:
    """The process is up; says nothing about its dependencies."""
    return {"status": "ok"}


@router.head("/ready", include_in_schema=False)
@router.get("/ready", responses=documented(503))
{{ cookiecutter.__async }}def ready(session: SessionDep) -> dict[str, str]:
    """The service can do its job: the database answers."""
    try:
        {{ cookiecutter.__await }}session.execute(text("SELECT 1"))
    except (DBAPIError, OSError) as exc:
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, DATABASE_UNAVAILABLE) from exc
    return {"status": "ok"}
