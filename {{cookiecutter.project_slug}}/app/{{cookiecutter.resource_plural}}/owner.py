{% if cookiecutter.auth == "yes" -%}
"""Whose {{ cookiecutter.resource_plural }} a request sees: the signed-in user's, and no one else's.

The service takes an Owner wherever it reads or writes, so the rule lives here once. Routes
that must know the account is active before they run (the list, the create) take OwnerDep;
a read, update or delete by id takes ClaimedOwnerDep and checks the account in the query
that loads the row (Owner.visible_while_active), which saves a query.
"""

import uuid
from dataclasses import dataclass
from typing import Annotated, Any, Protocol, TypeVar

from fastapi import Depends
from sqlalchemy import Select

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


async def current_owner(user: CurrentUser) -> Owner:
    """The Owner a request acts as, its account loaded and checked: a FastAPI dependency,
    behind OwnerDep. Raises HTTPException (401) as CurrentUser does."""
    return Owner(user.id)


async def claimed_owner(user_id: TokenUserId) -> Owner:
    """The Owner the request's token names, its account not yet checked: a FastAPI
    dependency, behind ClaimedOwnerDep, for a query that checks the account itself
    (Owner.visible_while_active). Raises HTTPException (401) without a valid token."""
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
