{%- set model = cookiecutter.__resource_class -%}
{%- set name = cookiecutter.resource_name -%}
{%- set parent = cookiecutter.parent_name -%}
from typing import Annotated

from fastapi import APIRouter, Query, Response, status

{% filter import_order %}
from app.core.db import SessionDep
from app.core.errors import documented
from app.{{ cookiecutter.resource_plural }} import service
from app.{{ cookiecutter.resource_plural }}.dependencies import {{ model }}Dep
from app.{{ cookiecutter.resource_plural }}.models import {{ model }}
from app.{{ cookiecutter.resource_plural }}.owner import OwnerDep
from app.{{ cookiecutter.resource_plural }}.schemas import (
    {{ model }}Create,
    {{ model }}Page,
    {{ model }}Read,
    {{ model }}Update,
)
{% endfilter %}

MAX_PAGE_SIZE = 100

router = APIRouter(
{%- if parent %}
    # The {{ parent }}'s dependency runs on every route: a missing one answers 404.
    prefix="/{{ cookiecutter.parent_plural }}/{{ '{' ~ parent ~ '_id}' }}/{{ cookiecutter.resource_plural }}",
{%- else %}
    prefix="/{{ cookiecutter.resource_plural }}",
{%- endif %}
    tags=["{{ cookiecutter.resource_plural }}"],
    responses=documented({% if cookiecutter.auth == "yes" %}401, {% endif %}{% if parent %}404, {% endif %}503),
)


@router.get("", response_model={{ model }}Page)
{{ cookiecutter.__async }}def list_{{ cookiecutter.resource_plural }}(
    session: SessionDep,
    owner: OwnerDep,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = 20,
    offset: Annotated[int, Query(ge=0, le=2**31 - 1)] = 0,
) -> {{ model }}Page:
    rows, total = {{ cookiecutter.__await }}service.list_{{ cookiecutter.resource_plural }}(
        session,
        owner,
        limit=limit,
        offset=offset,
    )
    return {{ model }}Page(
        items=[{{ model }}Read.model_validate(row) for row in rows],
        total=total,
        limit=limit,
        offset=offset,
    )


@router.post(
    "",
    response_model={{ model }}Read,
    status_code=status.HTTP_201_CREATED,
    responses=documented(400, 409),  # 400: a body that is not even JSON
)
{{ cookiecutter.__async }}def create_{{ name }}(
    session: SessionDep,
    owner: OwnerDep,
    {{ name }}_in: {{ model }}Create,
) -> {{ model }}:
    return {{ cookiecutter.__await }}service.create_{{ name }}(
        session,
        {{ name }}_in,
        owner,
    )


# async: it only returns what its dependency loaded, so it needs no worker thread.
@router.get(
    "/{{ cookiecutter.__id_path }}",
    response_model={{ model }}Read,
    responses=documented(404),
)
async def read_{{ name }}({{ name }}: {{ model }}Dep) -> {{ model }}:
    return {{ name }}


@router.patch(
    "/{{ cookiecutter.__id_path }}",
    response_model={{ model }}Read,
    responses=documented(400, 404, 409),
)
{{ cookiecutter.__async }}def update_{{ name }}(
    session: SessionDep,
    {{ name }}: {{ model }}Dep,
    {{ name }}_in: {{ model }}Update,
) -> {{ model }}:
    return {{ cookiecutter.__await }}service.update_{{ name }}(
        session,
        {{ name }},
        {{ name }}_in,
    )


@router.delete(
    "/{{ cookiecutter.__id_path }}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,  # no body, so no content type either
    responses=documented(404),
)
{{ cookiecutter.__async }}def delete_{{ name }}(
    session: SessionDep,
    {{ name }}: {{ model }}Dep,
) -> None:
    {{ cookiecutter.__await }}service.delete_{{ name }}(
        session,
        {{ name }},
    )
