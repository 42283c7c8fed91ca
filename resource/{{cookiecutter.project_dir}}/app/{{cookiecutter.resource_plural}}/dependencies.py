import uuid
from typing import Annotated

from fastapi import Depends

{% filter import_order %}
from app.core.db import SessionDep
from app.{{ cookiecutter.resource_plural }} import service
from app.{{ cookiecutter.resource_plural }}.models import {{ cookiecutter.__resource_class }}
from app.{{ cookiecutter.resource_plural }}.owner import OwnerDep
{% endfilter %}


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


{{ cookiecutter.__resource_class }}Dep = Annotated[
    {{ cookiecutter.__resource_class }},
    Depends(get_{{ cookiecutter.resource_name }}_or_404),
]
