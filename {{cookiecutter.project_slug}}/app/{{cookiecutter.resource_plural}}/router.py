from typing import Annotated

from fastapi import APIRouter, {% if cookiecutter.cache == "redis" or cookiecutter.storage == "s3" %}Depends, {% endif %}Query, Response, status

{% if cookiecutter.auth == "yes" -%}
from app.auth.dependencies import unauthorized
{% endif -%}
from app.core.db import SessionDep
from app.core.errors import {% if cookiecutter.auth == "yes" %}MissingReferenceError, {% endif %}documented

from app.{{ cookiecutter.resource_plural }} import service
{%- if cookiecutter.storage == "s3" %}
from app.{{ cookiecutter.resource_plural }}.attachments import delete_attachment_once_committed
from app.{{ cookiecutter.resource_plural }}.attachments import router as attachments_router
{%- endif %}
{%- if cookiecutter.cache == "redis" %}
from app.{{ cookiecutter.resource_plural }}.cache import (
    Cached{{ cookiecutter.__resource_class }}Dep,
    forget_cached_{{ cookiecutter.resource_name }},
)
{%- endif %}
from app.{{ cookiecutter.resource_plural }}.dependencies import {{ cookiecutter.__resource_class }}Dep
from app.{{ cookiecutter.resource_plural }}.models import {{ cookiecutter.__resource_class }}
from app.{{ cookiecutter.resource_plural }}.owner import OWNER_ERRORS, OwnerDep
from app.{{ cookiecutter.resource_plural }}.schemas import (
    {{ cookiecutter.__resource_class }}Create,
    {{ cookiecutter.__resource_class }}Page,
    {{ cookiecutter.__resource_class }}Read,
    {{ cookiecutter.__resource_class }}Update,
)
{%- if cookiecutter.tasks == "celery" %}
from app.{{ cookiecutter.resource_plural }}.webhooks import WebhookOutboxDep
{%- endif %}

MAX_PAGE_SIZE = 100

router = APIRouter(
    prefix="/{{ cookiecutter.resource_plural }}",
    tags=["{{ cookiecutter.resource_plural }}"],
    responses=documented(*OWNER_ERRORS, 503),
)


@router.get("", response_model={{ cookiecutter.__resource_class }}Page)
{{ cookiecutter.__async }}def list_{{ cookiecutter.resource_plural }}(
    session: SessionDep,
    owner: OwnerDep,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = 20,
    offset: Annotated[int, Query(ge=0, le=2**31 - 1)] = 0,
) -> {{ cookiecutter.__resource_class }}Page:
    rows, total = {{ cookiecutter.__await }}service.list_{{ cookiecutter.resource_plural }}(
        session,
        owner,
        limit=limit,
        offset=offset,
    )
    return {{ cookiecutter.__resource_class }}Page(
        items=[{{ cookiecutter.__resource_class }}Read.model_validate(row) for row in rows],
        total=total,
        limit=limit,
        offset=offset,
    )


@router.post(
    "",
    response_model={{ cookiecutter.__resource_class }}Read,
    status_code=status.HTTP_201_CREATED,
    responses=documented(400, 409),  # 400: a body that is not even text (not UTF-8)
)
{{ cookiecutter.__async }}def create_{{ cookiecutter.resource_name }}(
{%- if cookiecutter.tasks == "celery" %}
    outbox: WebhookOutboxDep,  # first, so it ends after the session's commit
{%- endif %}
    session: SessionDep,
    owner: OwnerDep,
    {{ cookiecutter.resource_name }}_in: {{ cookiecutter.__resource_class }}Create,
) -> {{ cookiecutter.__resource_class }}:
{%- if cookiecutter.auth == "yes" %}
    try:
        created = {{ cookiecutter.__await }}service.create_{{ cookiecutter.resource_name }}(session, {{ cookiecutter.resource_name }}_in, owner)
    except MissingReferenceError:
        # The account was deleted since OwnerDep loaded it: the answer is get_current_user's.
        raise unauthorized() from None
{%- else %}
    created = {{ cookiecutter.__await }}service.create_{{ cookiecutter.resource_name }}(session, {{ cookiecutter.resource_name }}_in, owner)
{%- endif %}
{%- if cookiecutter.tasks == "celery" %}
    outbox.append(created)  # its webhook is queued once committed
{%- endif %}
    return created


# async: it only returns what its dependency loaded, so it needs no worker thread.
@router.get(
    "/{{ cookiecutter.__id_path }}",
    response_model={{ cookiecutter.__resource_class }}Read,
    responses=documented(404),
)
async def read_{{ cookiecutter.resource_name }}(
{%- if cookiecutter.cache == "redis" %}
    {{ cookiecutter.resource_name }}: Cached{{ cookiecutter.__resource_class }}Dep,
) -> {{ cookiecutter.__resource_class }}Read:
{%- else %}
    {{ cookiecutter.resource_name }}: {{ cookiecutter.__resource_class }}Dep,
) -> {{ cookiecutter.__resource_class }}:
{%- endif %}
    return {{ cookiecutter.resource_name }}


@router.patch(
    "/{{ cookiecutter.__id_path }}",
    response_model={{ cookiecutter.__resource_class }}Read,
    responses=documented(400, 404, 409),
{%- if cookiecutter.cache == "redis" %}
    # Listed first, so it ends after the session's commit: see forget_cached_{{ cookiecutter.resource_name }}.
    dependencies=[Depends(forget_cached_{{ cookiecutter.resource_name }}, scope="function")],
{%- endif %}
)
{{ cookiecutter.__async }}def update_{{ cookiecutter.resource_name }}(
    session: SessionDep,
    {{ cookiecutter.resource_name }}: {{ cookiecutter.__resource_class }}Dep,
    changes: {{ cookiecutter.__resource_class }}Update,
) -> {{ cookiecutter.__resource_class }}:
    return {{ cookiecutter.__await }}service.update_{{ cookiecutter.resource_name }}(session, {{ cookiecutter.resource_name }}, changes)


@router.delete(
    "/{{ cookiecutter.__id_path }}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,  # no body, so no content type either
    responses=documented(404),
{%- if cookiecutter.cache == "redis" or cookiecutter.storage == "s3" %}
    # Listed first, so they end after the session's commit (FastAPI ends them in reverse).
    dependencies=[
{%- if cookiecutter.cache == "redis" %}
        Depends(forget_cached_{{ cookiecutter.resource_name }}, scope="function"),
{%- endif %}
{%- if cookiecutter.storage == "s3" %}
        Depends(delete_attachment_once_committed, scope="function"),
{%- endif %}
    ],
{%- endif %}
)
{{ cookiecutter.__async }}def delete_{{ cookiecutter.resource_name }}(
    session: SessionDep,
    {{ cookiecutter.resource_name }}: {{ cookiecutter.__resource_class }}Dep,
) -> None:
    {{ cookiecutter.__await }}service.delete_{{ cookiecutter.resource_name }}(session, {{ cookiecutter.resource_name }})
{%- if cookiecutter.storage == "s3" %}


router.include_router(attachments_router)
{%- endif %}
