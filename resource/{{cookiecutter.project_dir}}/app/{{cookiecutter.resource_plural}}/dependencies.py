{%- set model = cookiecutter.__resource_class -%}
{%- set name = cookiecutter.resource_name -%}
import uuid
from typing import Annotated

from fastapi import Depends

{% filter import_order %}
from app.core.db import SessionDep
from app.{{ cookiecutter.resource_plural }} import service
from app.{{ cookiecutter.resource_plural }}.models import {{ model }}
from app.{{ cookiecutter.resource_plural }}.owner import OwnerDep
{% endfilter %}


{{ cookiecutter.__async }}def get_{{ name }}_or_404(
    session: SessionDep,
    owner: OwnerDep,
    {{ name }}_id: uuid.UUID,
) -> {{ model }}:
    """The {{ name }} the path names. Raises NotFoundError (a 404) when there is none, or
    the caller may not see it."""
    return {{ cookiecutter.__await }}service.get_{{ name }}(
        session,
        {{ name }}_id,
        owner,
    )


{{ model }}Dep = Annotated[
    {{ model }},
    Depends(get_{{ name }}_or_404),
]
