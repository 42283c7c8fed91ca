{% if cookiecutter.auth == "yes" -%}
"""Whose {{ cookiecutter.resource_plural }} a request sees: the signed-in user's, and no one else's.

The service takes an Owner wherever it reads or writes, so the rule lives here once.
"""

import uuid
from dataclasses import dataclass
from typing import Annotated, Any, Protocol, TypeVar

from fastapi import Depends
from sqlalchemy import Select

from app.auth.dependencies import CurrentUser

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

    def owns(self, row: Owned) -> bool:
        """Whether this owner may see and change `row`."""
        return row.owner_id == self.id

    def claim(self, row: {{ cookiecutter.__resource_class }}) -> {{ cookiecutter.__resource_class }}:
        """`row`, made this owner's before it is added to the session."""
        row.owner_id = self.id
        return row


async def current_owner(user: CurrentUser) -> Owner:
    """The Owner a request acts as: a FastAPI dependency, behind OwnerDep."""
    return Owner(user.id)


OwnerDep = Annotated[Owner, Depends(current_owner)]
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
# What a route taking OwnerDep can answer before it runs: nothing, without accounts (see
# app.core.errors.documented).
OWNER_ERRORS: tuple[int, ...] = ()
{%- endif %}
