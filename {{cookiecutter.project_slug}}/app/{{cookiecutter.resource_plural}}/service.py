import uuid

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
{{ cookiecutter.__session_import }}
from sqlalchemy.orm.exc import StaleDataError

from app.core.db import roll_back_innermost
from app.core.errors import (
    REFERENCE_GONE,
    ConflictError,
    MissingReferenceError,
    NotFoundError,
    is_foreign_key_violation,
)

from app.{{ cookiecutter.resource_plural }}.models import {{ cookiecutter.__resource_class }}
from app.{{ cookiecutter.resource_plural }}.owner import Owner
from app.{{ cookiecutter.resource_plural }}.schemas import {{ cookiecutter.__resource_class }}Create, {{ cookiecutter.__resource_class }}Update

{{ cookiecutter.__resource_upper }}_NOT_FOUND = "{{ cookiecutter.__resource_title }} not found"{{ cookiecutter.resource_name|s105_noqa }}
{{ cookiecutter.__resource_upper }}_ALREADY_EXISTS = "{{ cookiecutter.__resource_title }} with this name already exists"{{ cookiecutter.resource_name|s105_noqa }}


{{ cookiecutter.__async }}def list_{{ cookiecutter.resource_plural }}(
    session: {{ cookiecutter.__session }},
    owner: Owner,
    *,
    limit: int,
    offset: int,
) -> tuple[list[{{ cookiecutter.__resource_class }}], int]:
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
    found = {{ cookiecutter.__await }}session.get({{ cookiecutter.__resource_class }}, {{ cookiecutter.resource_name }}_id)
    # One the owner may not see is reported missing, not forbidden: ids reveal nothing.
    if found is None or not owner.owns(found):
        raise NotFoundError({{ cookiecutter.__resource_upper }}_NOT_FOUND)
    return found
{%- if cookiecutter.auth == "yes" %}


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
    created = owner.claim({{ cookiecutter.__resource_class }}(**{{ cookiecutter.resource_name }}_in.model_dump()))
    session.add(created)
    {{ cookiecutter.__await }}_flush_or_conflict(session)
    return created


{{ cookiecutter.__async }}def update_{{ cookiecutter.resource_name }}(
    session: {{ cookiecutter.__session }},
    {{ cookiecutter.resource_name }}: {{ cookiecutter.__resource_class }},
    {{ cookiecutter.resource_name }}_in: {{ cookiecutter.__resource_class }}Update,
) -> {{ cookiecutter.__resource_class }}:
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
    has no row locks, and lets one write transaction in at a time anyway."""
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
