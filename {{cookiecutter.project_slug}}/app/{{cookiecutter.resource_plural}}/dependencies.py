import uuid
from typing import Annotated

from fastapi import Depends

{%- if cookiecutter.auth == "yes" %}

from app.auth.dependencies import get_current_user
from app.core.db import SessionDep
from app.core.errors import NotFoundError
{%- else %}

from app.core.db import SessionDep
{%- endif %}

from app.{{ cookiecutter.resource_plural }} import service
from app.{{ cookiecutter.resource_plural }}.models import {{ cookiecutter.__resource_class }}
{%- if cookiecutter.auth == "yes" %}
from app.{{ cookiecutter.resource_plural }}.owner import ClaimedOwnerDep


{{ cookiecutter.__async }}def get_{{ cookiecutter.resource_name }}_or_404(
    session: SessionDep,
    owner: ClaimedOwnerDep,
    {{ cookiecutter.resource_name }}_id: uuid.UUID,
) -> {{ cookiecutter.__resource_class }}:
    """The row the path names, and its owner's account checked, in one query.

    Only when the query finds nothing is the account loaded (get_current_user), to tell which
    answer is due. Raises HTTPException (401) when the token's account is gone or inactive,
    and NotFoundError (404) when there is no such row, or it is someone else's. A test acts
    as a user here by overriding get_token_user_id (as signed_in_client does): an override
    of get_current_user reaches only the routes that load the account first.
    """
    found = {{ cookiecutter.__await }}service.find_{{ cookiecutter.resource_name }}_of_active_owner(
        session,
        {{ cookiecutter.resource_name }}_id,
        owner,
    )
    if found is None:
        {{ cookiecutter.__await }}get_current_user(session, owner.id)  # raises the 401, if the account is why
        raise NotFoundError(service.{{ cookiecutter.__resource_upper }}_NOT_FOUND)
    return found
{%- else %}
from app.{{ cookiecutter.resource_plural }}.owner import OwnerDep


{{ cookiecutter.__async }}def get_{{ cookiecutter.resource_name }}_or_404(
    session: SessionDep,
    owner: OwnerDep,
    {{ cookiecutter.resource_name }}_id: uuid.UUID,
) -> {{ cookiecutter.__resource_class }}:
    """The {{ cookiecutter.resource_name }} the path names. Raises NotFoundError (404) when there is none."""
    return {{ cookiecutter.__await }}service.get_{{ cookiecutter.resource_name }}(session, {{ cookiecutter.resource_name }}_id, owner)
{%- endif %}


{{ cookiecutter.__resource_class }}Dep = Annotated[{{ cookiecutter.__resource_class }}, Depends(get_{{ cookiecutter.resource_name }}_or_404)]
