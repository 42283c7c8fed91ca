{%- set model = cookiecutter.__resource_class -%}
{%- set name = cookiecutter.resource_name -%}
import uuid
from typing import Annotated

from fastapi import Depends

{% filter import_order %}
{% if cookiecutter.parent_name %}from app.{{ cookiecutter.parent_plural }}.dependencies import {{ cookiecutter.__parent_class }}Dep{% elif cookiecutter.__scope_id %}from app.auth.dependencies import CurrentUser{% endif %}
from app.core.db import SessionDep
from app.{{ cookiecutter.resource_plural }} import service
from app.{{ cookiecutter.resource_plural }}.models import {{ model }}
{% endfilter %}


{{ cookiecutter.__async }}def get_{{ name }}_or_404(
    session: SessionDep,
{%- if cookiecutter.__scope_param %}
    {{ cookiecutter.__scope_param }},
{%- endif %}
    {{ name }}_id: uuid.UUID,
) -> {{ model }}:
    """The {{ name }} the path names. Raises NotFoundError (a 404) when there is none{% if cookiecutter.__scope_param %},
    or it is not {% if cookiecutter.parent_name %}in this {{ cookiecutter.parent_name }}{% else %}the caller's{% endif %}{% endif %}."""
    return {{ cookiecutter.__await }}service.get_{{ name }}(
        session,
        {{ name }}_id,
{%- if cookiecutter.__scope_value %}
        {{ cookiecutter.__scope_value }},
{%- endif %}
    )


{{ model }}Dep = Annotated[
    {{ model }},
    Depends(get_{{ name }}_or_404),
]
