"""Reads and writes of {{ cookiecutter.resource_plural }}; the router turns their errors into answers."""

import uuid

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
{{ cookiecutter.__session_import }}
from sqlalchemy.orm.exc import StaleDataError

{% filter import_order %}
from app.core.db import roll_back_innermost
from app.core.errors import (
    REFERENCE_GONE,
    ConflictError,
    MissingReferenceError,
    NotFoundError,
    is_foreign_key_violation,
)
{% if cookiecutter.parent_name %}from app.{{ cookiecutter.parent_plural }}.models import {{ cookiecutter.__parent_class }}
from app.{{ cookiecutter.parent_plural }}.service import {{ cookiecutter.__parent_upper }}_NOT_FOUND{% endif %}
from app.{{ cookiecutter.resource_plural }}.models import {{ cookiecutter.__resource_class }}
from app.{{ cookiecutter.resource_plural }}.owner import Owner
from app.{{ cookiecutter.resource_plural }}.schemas import (
    {{ cookiecutter.__resource_class }}Create,
    {{ cookiecutter.__resource_class }}Update,
)
{% endfilter %}

{{ cookiecutter.__resource_upper }}_NOT_FOUND = "{{ cookiecutter.__resource_title }} not found"{{ cookiecutter.resource_name|s105_noqa }}
{{ cookiecutter.__resource_upper }}_ALREADY_EXISTS = "{{ cookiecutter.__resource_title }} with this name already exists"{{ cookiecutter.resource_name|s105_noqa }}


{{ cookiecutter.__async }}def list_{{ cookiecutter.resource_plural }}(
    session: {{ cookiecutter.__session }},
    owner: Owner,
    *,
    limit: int,
    offset: int,
) -> tuple[list[{{ cookiecutter.__resource_class }}], int]:
    """One page of {{ cookiecutter.resource_plural }}, oldest first, and how many there are in all."""
    query = owner.visible(select({{ cookiecutter.__resource_class }}))
    total = {{ cookiecutter.__await }}session.scalar(select(func.count()).select_from(query.subquery()))
    in_order = query.order_by({{ cookiecutter.__resource_class }}.created_at, {{ cookiecutter.__resource_class }}.id)
    rows = {{ cookiecutter.__await }}session.scalars(in_order.limit(limit).offset(offset))
    return list(rows), total or 0


{{ cookiecutter.__async }}def get_{{ cookiecutter.resource_name }}(
    session: {{ cookiecutter.__session }},
    {{ cookiecutter.resource_name }}_id: uuid.UUID,
    owner: Owner,
) -> {{ cookiecutter.__resource_class }}:
    """The {{ cookiecutter.resource_name }} with this id, if the owner may see it.

    Raises NotFoundError (a 404) when there is none.
    """
    found = {{ cookiecutter.__await }}session.get({{ cookiecutter.__resource_class }}, {{ cookiecutter.resource_name }}_id)
    # One the owner may not see is reported missing, not forbidden: ids reveal nothing.
    if found is None or not owner.owns(found):
        raise NotFoundError({{ cookiecutter.__resource_upper }}_NOT_FOUND)
    return found
{%- if cookiecutter.__scope_id == "owner_id" %}


{{ cookiecutter.__async }}def find_{{ cookiecutter.resource_name }}_of_active_owner(
    session: {{ cookiecutter.__session }},
    {{ cookiecutter.resource_name }}_id: uuid.UUID,
    owner: Owner,
) -> {{ cookiecutter.__resource_class }} | None:
    """The row with this id, if the owner may see it and their account is active; else
    None. One query (Owner.visible_while_active)."""
    query = owner.visible_while_active(select({{ cookiecutter.__resource_class }}))
    return {{ cookiecutter.__await }}session.scalar(query.where({{ cookiecutter.__resource_class }}.id == {{ cookiecutter.resource_name }}_id))
{%- endif %}


{{ cookiecutter.__async }}def create_{{ cookiecutter.resource_name }}(
    session: {{ cookiecutter.__session }},
    {{ cookiecutter.resource_name }}_in: {{ cookiecutter.__resource_class }}Create,
    owner: Owner,
) -> {{ cookiecutter.__resource_class }}:
    """A new {{ cookiecutter.resource_name }}, flushed; raises ConflictError when its name is taken."""
    created = owner.claim({{ cookiecutter.__resource_class }}(**{{ cookiecutter.resource_name }}_in.model_dump()))
    session.add(created)
    {{ cookiecutter.__await }}_flush_or_conflict(session)
    return created


{{ cookiecutter.__async }}def update_{{ cookiecutter.resource_name }}(
    session: {{ cookiecutter.__session }},
    {{ cookiecutter.resource_name }}: {{ cookiecutter.__resource_class }},
    {{ cookiecutter.resource_name }}_in: {{ cookiecutter.__resource_class }}Update,
) -> {{ cookiecutter.__resource_class }}:
    """Changes the fields sent; raises ConflictError when the new name is taken, and
    NotFoundError when the row was deleted since it was read."""
    locked = {{ cookiecutter.__await }}_locked(session, {{ cookiecutter.resource_name }})
    for field, value in {{ cookiecutter.resource_name }}_in.model_dump(exclude_unset=True).items():
        setattr(locked, field, value)
    {{ cookiecutter.__await }}_flush_or_conflict(session)
    return locked


{{ cookiecutter.__async }}def delete_{{ cookiecutter.resource_name }}(
    session: {{ cookiecutter.__session }},
    {{ cookiecutter.resource_name }}: {{ cookiecutter.__resource_class }},
) -> None:
    # Locked first: a DELETE of it that committed since it was read makes this one a 404,
    # where the unit of work would only warn that it deleted nothing.
    locked = {{ cookiecutter.__await }}_locked(session, {{ cookiecutter.resource_name }})
    {{ cookiecutter.__await }}session.delete(locked)
    {{ cookiecutter.__await }}session.flush()


{{ cookiecutter.__async }}def _locked(
    session: {{ cookiecutter.__session }},
    {{ cookiecutter.resource_name }}: {{ cookiecutter.__resource_class }},
) -> {{ cookiecutter.__resource_class }}:
    """`{{ cookiecutter.resource_name }}` read again under a lock on its row, held until the commit (SELECT
    ... FOR UPDATE): what another request committed to it since shows, and another write of
    it waits for this one. Raises NotFoundError (404) when it was deleted meanwhile. SQLite
    has no row locks, and lets one write transaction in at a time anyway.{% if cookiecutter.parent_name %}

    Its {{ cookiecutter.parent_name }} is locked first, for sharing: a DELETE of the {{ cookiecutter.parent_name }}
    locks it before the rows its cascade deletes, and with both in that order neither
    waits on the other's second lock (the other order deadlocked on MySQL and MariaDB).{% endif %}"""
{%- if cookiecutter.parent_name %}
    parent, parent_id = {{ cookiecutter.__parent_class }}.id, {{ cookiecutter.resource_name }}.{{ cookiecutter.parent_name }}_id
    shared = select(parent).where(parent == parent_id).with_for_update(read=True)
    if {{ cookiecutter.__await }}session.scalar(shared) is None:
        raise NotFoundError({{ cookiecutter.__parent_upper }}_NOT_FOUND)
{%- endif %}
    found = {{ cookiecutter.__await }}session.get(
        {{ cookiecutter.__resource_class }},
        {{ cookiecutter.resource_name }}.id,
        with_for_update=True,
        populate_existing=True,
    )
    if found is None:
        raise NotFoundError({{ cookiecutter.__resource_upper }}_NOT_FOUND)
    return found


{{ cookiecutter.__async }}def _flush_or_conflict(session: {{ cookiecutter.__session }}) -> None:
    # The unique constraint is the source of truth: checking first would still race.
    try:
        {{ cookiecutter.__await }}session.flush()
    except StaleDataError as exc:  # an UPDATE found no row: a DELETE committed since the read
        {{ cookiecutter.__await }}roll_back_innermost(session)
        raise NotFoundError({{ cookiecutter.__resource_upper }}_NOT_FOUND) from exc
    except IntegrityError as exc:
        {{ cookiecutter.__await }}roll_back_innermost(session)
        if is_foreign_key_violation(exc):  # a row it names was deleted since it was read
            raise MissingReferenceError(REFERENCE_GONE) from exc
        raise ConflictError({{ cookiecutter.__resource_upper }}_ALREADY_EXISTS) from exc
