{% if cookiecutter.__scope_id -%}
"""Whose {{ cookiecutter.resource_plural }} a request sees: {% if cookiecutter.parent_name %}those of the {{ cookiecutter.parent_name }} in the path{% else %}the signed-in user's{% endif %}.

The service takes an Owner wherever it reads or writes, so the rule lives here once.
{%- if cookiecutter.__scope_id == "owner_id" %} Routes
that must know the account is active before they run (the list, the create) take OwnerDep;
a read, update or delete by id takes ClaimedOwnerDep and checks the account in the query
that loads the row (Owner.visible_while_active), which saves a query.
{%- endif %}
"""

import uuid
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

from fastapi import Depends
from sqlalchemy import Select

{% filter import_order %}
{% if cookiecutter.parent_name %}from app.{{ cookiecutter.parent_plural }}.dependencies import {{ cookiecutter.__parent_class }}Dep{% else %}from app.auth.dependencies import CurrentUser, TokenUserId
from app.users.models import User{% endif %}
from app.{{ cookiecutter.resource_plural }}.models import {{ cookiecutter.__resource_class }}
{% endfilter %}

Query = TypeVar("Query", bound=Select[Any])


@dataclass(frozen=True)
class Owner:
    id: uuid.UUID

    def visible(self, query: Query) -> Query:
        """`query` narrowed to the rows this owner may see (a SELECT of the model)."""
        return query.where({{ cookiecutter.__resource_class }}.{{ cookiecutter.__scope_id }} == self.id)
{%- if cookiecutter.__scope_id == "owner_id" %}

    def visible_while_active(self, query: Query) -> Query:
        """`query` narrowed as by visible(), and to nothing unless the owner's account is
        active: get_current_user's check, joined into the query (a condition added to one
        belongs in the other)."""
        return self.visible(query).join({{ cookiecutter.__resource_class }}.owner).where(User.is_active)
{%- endif %}

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
{%- if cookiecutter.__scope_id == "owner_id" %}


async def claimed_owner(user_id: TokenUserId) -> Owner:
    """The Owner the request's token names, its account not yet checked: a FastAPI
    dependency, behind ClaimedOwnerDep, for a query that checks the account itself
    (Owner.visible_while_active). Raises HTTPException (401) without a valid token."""
    return Owner(user_id)
{%- endif %}
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
{%- if cookiecutter.__scope_id == "owner_id" %}
ClaimedOwnerDep = Annotated[Owner, Depends(claimed_owner)]
{%- endif %}
# Every dependency that says whose rows a request sees: a test that acts as an Owner
# overrides each.
OWNER_DEPENDENCIES = ({% if cookiecutter.__scope_id == "owner_id" %}current_owner, claimed_owner{% else %}current_owner,{% endif %})
