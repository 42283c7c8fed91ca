"""The service layer on the test database: no HTTP, a real session and plain arguments."""

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import delete, select
{{ cookiecutter.__session_import }}

from app.core.errors import ConflictError, NotFoundError

from app.{{ cookiecutter.resource_plural }} import service
from app.{{ cookiecutter.resource_plural }}.models import {{ cookiecutter.__resource_class }}
from app.{{ cookiecutter.resource_plural }}.owner import Owner
from app.{{ cookiecutter.resource_plural }}.schemas import {{ cookiecutter.__resource_class }}Create, {{ cookiecutter.__resource_class }}Update


{{ cookiecutter.__async }}def test_paging_through_the_list_returns_each_{{ cookiecutter.resource_name }}_once(
    db_session: {{ cookiecutter.__session }}, owner: Owner, make_{{ cookiecutter.resource_name }}: Callable[..., Any]
) -> None:
    stored = [{{ cookiecutter.__await }}make_{{ cookiecutter.resource_name }}() for _ in range(5)]

    listed = []
    for offset in (0, 2, 4):
        rows, total = {{ cookiecutter.__await }}service.list_{{ cookiecutter.resource_plural }}(
            db_session,
            owner,
            limit=2,
            offset=offset,
        )
        assert total == len(stored)
        listed += [row.id for row in rows]

    assert sorted(listed) == sorted(row.id for row in stored)


{{ cookiecutter.__async }}def test_renaming_onto_an_existing_name_raises_conflict(
    db_session: {{ cookiecutter.__session }}, make_{{ cookiecutter.resource_name }}: Callable[..., Any]
) -> None:
    taken = {{ cookiecutter.__await }}make_{{ cookiecutter.resource_name }}()
    other = {{ cookiecutter.__await }}make_{{ cookiecutter.resource_name }}()

    with pytest.raises(ConflictError):
        {{ cookiecutter.__await }}service.update_{{ cookiecutter.resource_name }}(
            db_session,
            other,
            {{ cookiecutter.__resource_class }}Update(name=taken.name),
        )


{{ cookiecutter.__async }}def deleted_by_another_request(session: {{ cookiecutter.__session }}, row: {{ cookiecutter.__resource_class }}) -> None:
    """Deletes `row` as another request's DELETE, committed after this one read it, would:
    the session still holds the row it read (synchronize_session=False)."""
    gone = delete({{ cookiecutter.__resource_class }}).where({{ cookiecutter.__resource_class }}.id == row.id)
    {{ cookiecutter.__await }}session.execute(gone.execution_options(synchronize_session=False))


{{ cookiecutter.__async }}def test_updating_a_row_deleted_since_it_was_read_raises_not_found(
    db_session: {{ cookiecutter.__session }}, make_{{ cookiecutter.resource_name }}: Callable[..., Any]
) -> None:
    read = {{ cookiecutter.__await }}make_{{ cookiecutter.resource_name }}()
    {{ cookiecutter.__await }}deleted_by_another_request(db_session, read)
    changes = {{ cookiecutter.__resource_class }}Update(name="renamed")

    with pytest.raises(NotFoundError):
        {{ cookiecutter.__await }}service.update_{{ cookiecutter.resource_name }}(db_session, read, changes)


{{ cookiecutter.__async }}def test_deleting_a_row_deleted_since_it_was_read_raises_not_found(
    db_session: {{ cookiecutter.__session }}, make_{{ cookiecutter.resource_name }}: Callable[..., Any]
) -> None:
    read = {{ cookiecutter.__await }}make_{{ cookiecutter.resource_name }}()
    {{ cookiecutter.__await }}deleted_by_another_request(db_session, read)

    with pytest.raises(NotFoundError):
        {{ cookiecutter.__await }}service.delete_{{ cookiecutter.resource_name }}(db_session, read)


{{ cookiecutter.__async }}def test_creating_stores_what_was_given(db_session: {{ cookiecutter.__session }}, owner: Owner) -> None:
    data = {{ cookiecutter.__resource_class }}Create(name="groceries", description="milk")

    created = {{ cookiecutter.__await }}service.create_{{ cookiecutter.resource_name }}(db_session, data, owner)

    assert (created.name, created.description) == ("groceries", "milk")
    assert created.created_at.tzinfo is not None


{{ cookiecutter.__async }}def test_a_conflict_inside_a_savepoint_keeps_what_the_session_did_before_it(
    db_session: {{ cookiecutter.__session }}, owner: Owner
) -> None:
    taken = {{ cookiecutter.__resource_class }}Create(name="before")
    {{ cookiecutter.__await }}service.create_{{ cookiecutter.resource_name }}(db_session, taken, owner)

    {{ cookiecutter.__async }}def create_in_a_savepoint() -> None:
        {{ cookiecutter.__async }}with db_session.begin_nested():
            {{ cookiecutter.__await }}service.create_{{ cookiecutter.resource_name }}(db_session, taken, owner)

    with pytest.raises(ConflictError):
        {{ cookiecutter.__await }}create_in_a_savepoint()
    {{ cookiecutter.__await }}db_session.commit()

    names = {{ cookiecutter.__await }}db_session.scalars(select({{ cookiecutter.__resource_class }}.name))
    assert list(names) == ["before"]
