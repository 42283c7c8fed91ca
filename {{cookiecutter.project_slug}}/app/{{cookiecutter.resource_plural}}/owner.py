{% if cookiecutter.auth == "yes" -%}
"""Whose {{ cookiecutter.resource_plural }} a request sees: the signed-in user's, and no one else's.

The service takes an Owner wherever it reads or writes, so the rule lives here once. The
list, which must know the account is active before it runs, takes OwnerDep; a create, and
a read, update or delete by id, take ClaimedOwnerDep and check the account in the statement
that inserts or loads the row (Owner.insert_while_active, Owner.visible_while_active), which
saves a query.
"""

import uuid
from dataclasses import dataclass
from typing import Annotated, Any, Protocol, TypeVar

from fastapi import Depends
from sqlalchemy import Select, insert, inspect, literal, select
from sqlalchemy.sql.dml import ReturningInsert

from app.auth.dependencies import CurrentUser, TokenUserId
from app.users.models import User

from app.{{ cookiecutter.resource_plural }}.models import {{ cookiecutter.__resource_class }}

Query = TypeVar("Query", bound=Select[Any])


class Owned(Protocol):
    @property
    def owner_id(self) -> uuid.UUID: ...


@dataclass(frozen=True)
class Owner:
    id: uuid.UUID

    def visible(self, query: Query) -> Query:
        """`query` narrowed to the rows this owner may see (a SELECT of the model)."""
        return query.where({{ cookiecutter.__resource_class }}.owner_id == self.id)

    def visible_while_active(self, query: Query) -> Query:
        """`query` narrowed as by visible(), and to nothing unless the owner's account is
        active: get_current_user's check, joined into the query (a condition added to one
        belongs in the other)."""
        return self.visible(query).join({{ cookiecutter.__resource_class }}.owner).where(User.is_active)

    def owns(self, row: Owned) -> bool:
        """Whether this owner may see and change `row`."""
        return row.owner_id == self.id

    def claim(self, row: {{ cookiecutter.__resource_class }}) -> {{ cookiecutter.__resource_class }}:
        """`row`, made this owner's before it is added to the session."""
        row.owner_id = self.id
        return row

    def active_account(self) -> Select[Any]:
        """A SELECT of this owner's id that finds nothing unless their account is active:
        get_current_user's check as a query (a condition added to one belongs in the other)."""
        return select(User.id).where(User.id == self.id, User.is_active)

    def insert_while_active(self, row_values: dict[str, Any]) -> ReturningInsert[Any]:
        """An INSERT of one row with `row_values` (column attributes by name), made this
        owner's, that inserts nothing unless the owner's account is active, RETURNING the
        row: one statement, `INSERT ... SELECT` from active_account(). Only for a database
        that returns inserted rows (`dialect.insert_returning`: PostgreSQL, SQLite 3.35+,
        MariaDB 10.5+; not MySQL). SQLAlchemy adds the columns' Python-side defaults (the
        id, the creation time) to the SELECT, as for any INSERT."""
        columns = inspect({{ cookiecutter.__resource_class }}).columns
        source = self.active_account().add_columns(
            *(literal(value, columns[name].type) for name, value in row_values.items())
        )
        into = [columns["owner_id"], *(columns[name] for name in row_values)]
        return insert({{ cookiecutter.__resource_class }}).from_select(into, source).returning({{ cookiecutter.__resource_class }})


async def current_owner(user: CurrentUser) -> Owner:
    """The Owner a request acts as, its account loaded and checked: a FastAPI dependency,
    behind OwnerDep. Raises HTTPException (401) as CurrentUser does."""
    return Owner(user.id)


async def claimed_owner(user_id: TokenUserId) -> Owner:
    """The Owner the request's token names, its account not yet checked: a FastAPI
    dependency, behind ClaimedOwnerDep, for a statement that checks the account itself
    (Owner.visible_while_active, Owner.insert_while_active). Raises HTTPException (401)
    without a valid token."""
    return Owner(user_id)


OwnerDep = Annotated[Owner, Depends(current_owner)]
ClaimedOwnerDep = Annotated[Owner, Depends(claimed_owner)]
# Every dependency that says whose rows a request sees: a test that acts as an Owner
# overrides each (tests/db/test_concurrency.py).
OWNER_DEPENDENCIES = (current_owner, claimed_owner)
# What a route taking OwnerDep can answer before it runs (no token, or a bad one): for its
# OpenAPI documentation (app.core.errors.documented).
OWNER_ERRORS = (401,)
{%- else -%}
"""Whose {{ cookiecutter.resource_plural }} a request sees. Without accounts, everyone's: there is one owner.

The service still takes an Owner wherever it reads or writes, so accounts added later
change this module, not every signature.
"""

from typing import Annotated, Any, TypeVar

from fastapi import Depends
from sqlalchemy import Select

from app.{{ cookiecutter.resource_plural }}.models import {{ cookiecutter.__resource_class }}

Query = TypeVar("Query", bound=Select[Any])


class Owner:
    def visible(self, query: Query) -> Query:
        """`query` narrowed to the rows this owner may see (a SELECT of the model)."""
        return query

    def owns(self, row: object) -> bool:
        """Whether this owner may see and change `row`."""
        return True

    def claim(self, row: {{ cookiecutter.__resource_class }}) -> {{ cookiecutter.__resource_class }}:
        """`row`, made this owner's before it is added to the session."""
        return row


async def current_owner() -> Owner:
    """The Owner a request acts as: a FastAPI dependency, behind OwnerDep."""
    return Owner()


OwnerDep = Annotated[Owner, Depends(current_owner)]
# Every dependency that says whose rows a request sees: a test that acts as an Owner
# overrides each (tests/db/test_concurrency.py).
OWNER_DEPENDENCIES = (current_owner,)
# What a route taking OwnerDep can answer before it runs: nothing, without accounts (see
# app.core.errors.documented).
OWNER_ERRORS: tuple[int, ...] = ()
{%- endif %}
