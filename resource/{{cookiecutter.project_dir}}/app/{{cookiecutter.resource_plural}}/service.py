{%- set model = cookiecutter.__resource_class -%}
{%- set name = cookiecutter.resource_name -%}
"""Reads and writes of {{ cookiecutter.resource_plural }}; the router turns their errors into answers."""

import uuid

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
{{ cookiecutter.__session_import }}

{% filter import_order %}
from app.core.errors import ConflictError, NotFoundError
from app.{{ cookiecutter.resource_plural }}.models import {{ model }}
from app.{{ cookiecutter.resource_plural }}.owner import Owner
from app.{{ cookiecutter.resource_plural }}.schemas import (
    {{ model }}Create,
    {{ model }}Update,
)
{% endfilter %}

{{ cookiecutter.__resource_upper }}_NOT_FOUND = "{{ cookiecutter.__resource_title }} not found"
{{ cookiecutter.__resource_upper }}_ALREADY_EXISTS = "{{ cookiecutter.__resource_title }} with this name already exists"


{{ cookiecutter.__async }}def list_{{ cookiecutter.resource_plural }}(
    session: {{ cookiecutter.__session }},
    owner: Owner,
    *,
    limit: int,
    offset: int,
) -> tuple[list[{{ model }}], int]:
    """One page of {{ cookiecutter.resource_plural }}, oldest first, and how many there are in all."""
    query = owner.visible(select({{ model }}))
    total = {{ cookiecutter.__await }}session.scalar(select(func.count()).select_from(query.subquery()))
    in_order = query.order_by({{ model }}.created_at, {{ model }}.id)
    rows = {{ cookiecutter.__await }}session.scalars(in_order.limit(limit).offset(offset))
    return list(rows), total or 0


{{ cookiecutter.__async }}def get_{{ name }}(
    session: {{ cookiecutter.__session }},
    {{ name }}_id: uuid.UUID,
    owner: Owner,
) -> {{ model }}:
    """The {{ name }} with this id, if the owner may see it.

    Raises NotFoundError (a 404) when there is none.
    """
    found = {{ cookiecutter.__await }}session.get({{ model }}, {{ name }}_id)
    # One the owner may not see is reported missing, not forbidden: ids reveal nothing.
    if found is None or not owner.owns(found):
        raise NotFoundError({{ cookiecutter.__resource_upper }}_NOT_FOUND)
    return found


{{ cookiecutter.__async }}def create_{{ name }}(
    session: {{ cookiecutter.__session }},
    {{ name }}_in: {{ model }}Create,
    owner: Owner,
) -> {{ model }}:
    """A new {{ name }}, flushed; raises ConflictError when its name is taken."""
    created = owner.claim({{ model }}(**{{ name }}_in.model_dump()))
    session.add(created)
    {{ cookiecutter.__await }}_flush_or_conflict(session)
    return created


{{ cookiecutter.__async }}def update_{{ name }}(
    session: {{ cookiecutter.__session }},
    {{ name }}: {{ model }},
    {{ name }}_in: {{ model }}Update,
) -> {{ model }}:
    """Changes the fields sent; raises ConflictError when the new name is taken."""
    for field, value in {{ name }}_in.model_dump(exclude_unset=True).items():
        setattr({{ name }}, field, value)
    {{ cookiecutter.__await }}_flush_or_conflict(session)
    return {{ name }}


{{ cookiecutter.__async }}def delete_{{ name }}(
    session: {{ cookiecutter.__session }},
    {{ name }}: {{ model }},
) -> None:
    {{ cookiecutter.__await }}session.delete({{ name }})
    {{ cookiecutter.__await }}session.flush()


{{ cookiecutter.__async }}def _flush_or_conflict(session: {{ cookiecutter.__session }}) -> None:
    # The unique constraint is the source of truth: checking first would still race.
    try:
        {{ cookiecutter.__await }}session.flush()
    except IntegrityError as exc:
        {{ cookiecutter.__await }}session.rollback()
        raise ConflictError({{ cookiecutter.__resource_upper }}_ALREADY_EXISTS) from exc
