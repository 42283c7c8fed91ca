{% if cookiecutter.__scope_id -%}
"""Whose {{ cookiecutter.resource_plural }} a request sees: {% if cookiecutter.parent_name %}those of the {{ cookiecutter.parent_name }} in the path{% else %}the signed-in user's{% endif %}.

The service takes an Owner wherever it reads or writes, so the rule lives here once.
"""

import uuid
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

from fastapi import Depends
from sqlalchemy import Select

{% filter import_order %}
{% if cookiecutter.parent_name %}from app.{{ cookiecutter.parent_plural }}.dependencies import {{ cookiecutter.__parent_class }}Dep{% else %}from app.auth.dependencies import CurrentUser{% endif %}
from app.{{ cookiecutter.resource_plural }}.models import {{ cookiecutter.__resource_class }}
{% endfilter %}

Query = TypeVar("Query", bound=Select[Any])


@dataclass(frozen=True)
class Owner:
    id: uuid.UUID

    def visible(self, query: Query) -> Query:
        """`query` narrowed to the rows this owner may see (a SELECT of the model)."""
        return query.where({{ cookiecutter.__resource_class }}.{{ cookiecutter.__scope_id }} == self.id)

    def owns(self, row: {{ cookiecutter.__resource_class }}) -> bool:
        """Whether this owner may see and change `row`."""
        return row.{{ cookiecutter.__scope_id }} == self.id

    def claim(self, row: {{ cookiecutter.__resource_class }}) -> {{ cookiecutter.__resource_class }}:
        """`row`, made this owner's before it is added to the session."""
        row.{{ cookiecutter.__scope_id }} = self.id
        return row


async def current_owner({{ cookiecutter.__scope_param }}) -> Owner:
    """The Owner a request acts as: a FastAPI dependency, behind OwnerDep."""
    return Owner({{ cookiecutter.__scope_value }})
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

    def owns(self, row: {{ cookiecutter.__resource_class }}) -> bool:
        """Whether this owner may see and change `row`."""
        return True

    def claim(self, row: {{ cookiecutter.__resource_class }}) -> {{ cookiecutter.__resource_class }}:
        """`row`, made this owner's before it is added to the session."""
        return row


async def current_owner() -> Owner:
    """The Owner a request acts as: a FastAPI dependency, behind OwnerDep."""
    return Owner()
{%- endif %}


OwnerDep = Annotated[Owner, Depends(current_owner)]
