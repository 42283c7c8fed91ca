from typing import Annotated

from fastapi import APIRouter, Query, Response, status

{% filter import_order %}
{% if cookiecutter.parent_name %}from app.{{ cookiecutter.parent_plural }}.service import {{ cookiecutter.__parent_upper }}_NOT_FOUND{% elif cookiecutter.__scope_id %}from app.auth.dependencies import unauthorized{% endif %}
from app.core.db import SessionDep
from app.core.errors import {% if cookiecutter.__scope_id %}MissingReferenceError, {% endif %}{% if cookiecutter.parent_name %}NotFoundError, {% endif %}documented
from app.{{ cookiecutter.resource_plural }} import service
from app.{{ cookiecutter.resource_plural }}.dependencies import {{ cookiecutter.__resource_class }}Dep
from app.{{ cookiecutter.resource_plural }}.models import {{ cookiecutter.__resource_class }}
from app.{{ cookiecutter.resource_plural }}.owner import OwnerDep
from app.{{ cookiecutter.resource_plural }}.schemas import (
    {{ cookiecutter.__resource_class }}Create,
    {{ cookiecutter.__resource_class }}Page,
    {{ cookiecutter.__resource_class }}Read,
    {{ cookiecutter.__resource_class }}Update,
)
{% endfilter %}

MAX_PAGE_SIZE = 100

router = APIRouter(
{%- if cookiecutter.parent_name %}
    # The {{ cookiecutter.parent_name }}'s dependency runs on every route: a missing one answers 404.
    prefix="/{{ cookiecutter.parent_plural }}/{{ '{' ~ cookiecutter.parent_name ~ '_id}' }}/{{ cookiecutter.resource_plural }}",
{%- else %}
    prefix="/{{ cookiecutter.resource_plural }}",
{%- endif %}
    tags=["{{ cookiecutter.resource_plural }}"],
    responses=documented({% if cookiecutter.auth == "yes" %}401, {% endif %}{% if cookiecutter.parent_name %}404, {% endif %}503),
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
    session: SessionDep,
    owner: OwnerDep,
    {{ cookiecutter.resource_name }}_in: {{ cookiecutter.__resource_class }}Create,
) -> {{ cookiecutter.__resource_class }}:
{%- if cookiecutter.__scope_id %}
    try:
        return {{ cookiecutter.__await }}service.create_{{ cookiecutter.resource_name }}(session, {{ cookiecutter.resource_name }}_in, owner)
    except MissingReferenceError:
{%- if cookiecutter.parent_name %}
        # The {{ cookiecutter.parent_name }} was deleted since its dependency loaded it.
        raise NotFoundError({{ cookiecutter.__parent_upper }}_NOT_FOUND) from None
{%- else %}
        # The account was deleted since OwnerDep loaded it: the answer is get_current_user's.
        raise unauthorized() from None
{%- endif %}
{%- else %}
    return {{ cookiecutter.__await }}service.create_{{ cookiecutter.resource_name }}(session, {{ cookiecutter.resource_name }}_in, owner)
{%- endif %}


# async: it only returns what its dependency loaded, so it needs no worker thread.
@router.get(
    "/{{ cookiecutter.__id_path }}",
    response_model={{ cookiecutter.__resource_class }}Read,
    responses=documented(404),
)
async def read_{{ cookiecutter.resource_name }}({{ cookiecutter.resource_name }}: {{ cookiecutter.__resource_class }}Dep) -> {{ cookiecutter.__resource_class }}:
    return {{ cookiecutter.resource_name }}


@router.patch(
    "/{{ cookiecutter.__id_path }}",
    response_model={{ cookiecutter.__resource_class }}Read,
    responses=documented(400, 404, 409),
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
)
{{ cookiecutter.__async }}def delete_{{ cookiecutter.resource_name }}(
    session: SessionDep,
    {{ cookiecutter.resource_name }}: {{ cookiecutter.__resource_class }}Dep,
) -> None:
    {{ cookiecutter.__await }}service.delete_{{ cookiecutter.resource_name }}(session, {{ cookiecutter.resource_name }})
