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
        return query.where({{ cookiecutter.__resource_class }}.owner_id == self.id)

    def owns(self, row: Owned) -> bool:
        return row.owner_id == self.id

    def claim(self, row: {{ cookiecutter.__resource_class }}) -> {{ cookiecutter.__resource_class }}:
        row.owner_id = self.id
        return row


def current_owner(user: CurrentUser) -> Owner:
    return Owner(user.id)


OwnerDep = Annotated[Owner, Depends(current_owner)]
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
        return query

    def owns(self, row: object) -> bool:
        return True

    def claim(self, row: {{ cookiecutter.__resource_class }}) -> {{ cookiecutter.__resource_class }}:
        return row


def current_owner() -> Owner:
    return Owner()


OwnerDep = Annotated[Owner, Depends(current_owner)]
{%- endif %}
