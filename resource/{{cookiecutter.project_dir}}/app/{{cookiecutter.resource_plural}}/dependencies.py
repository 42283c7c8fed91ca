import uuid
from typing import Annotated

from fastapi import Depends

{% filter import_order %}
{%- if cookiecutter.__scope_id == "owner_id" %}
from app.auth.dependencies import TokenUserId, get_current_user
from app.core.db import SessionDep
from app.core.errors import NotFoundError
from app.{{ cookiecutter.resource_plural }} import service
from app.{{ cookiecutter.resource_plural }}.models import {{ cookiecutter.__resource_class }}
from app.{{ cookiecutter.resource_plural }}.owner import Owner
{%- else %}
from app.core.db import SessionDep
from app.{{ cookiecutter.resource_plural }} import service
from app.{{ cookiecutter.resource_plural }}.models import {{ cookiecutter.__resource_class }}
from app.{{ cookiecutter.resource_plural }}.owner import OwnerDep
{%- endif %}
{% endfilter %}
{%- if cookiecutter.__scope_id == "owner_id" %}


{{ cookiecutter.__async }}def get_{{ cookiecutter.resource_name }}_or_404(
    session: SessionDep,
    user_id: TokenUserId,
    {{ cookiecutter.resource_name }}_id: uuid.UUID,
) -> {{ cookiecutter.__resource_class }}:
    """The row the path names, and its owner's account checked, in one query.

    CurrentUser and then the row would be two; only when the query finds nothing is the
    account loaded, to tell which answer is due. Raises HTTPException (401) when the token's
    account is gone or inactive, as every route taking CurrentUser does, and NotFoundError
    (404) when there is no such row, or it is someone else's.
    """
    found = {{ cookiecutter.__await }}service.find_{{ cookiecutter.resource_name }}_of_active_owner(
        session,
        {{ cookiecutter.resource_name }}_id,
        Owner(user_id),
    )
    if found is None:
        {{ cookiecutter.__await }}get_current_user(session, user_id)  # raises the 401, if the account is why
        raise NotFoundError(service.{{ cookiecutter.__resource_upper }}_NOT_FOUND)
    return found
{%- else %}


{{ cookiecutter.__async }}def get_{{ cookiecutter.resource_name }}_or_404(
    session: SessionDep,
    owner: OwnerDep,
    {{ cookiecutter.resource_name }}_id: uuid.UUID,
) -> {{ cookiecutter.__resource_class }}:
    """The {{ cookiecutter.resource_name }} the path names. Raises NotFoundError (a 404) when there is none, or
    the caller may not see it."""
    return {{ cookiecutter.__await }}service.get_{{ cookiecutter.resource_name }}(
        session,
        {{ cookiecutter.resource_name }}_id,
        owner,
    )
{%- endif %}


{{ cookiecutter.__resource_class }}Dep = Annotated[
    {{ cookiecutter.__resource_class }},
    Depends(get_{{ cookiecutter.resource_name }}_or_404),
]
