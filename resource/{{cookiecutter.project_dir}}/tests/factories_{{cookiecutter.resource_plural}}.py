"""The factory of {{ cookiecutter.resource_plural }}, which reads like data:
`{{ cookiecutter.__resource_class }}Factory({% if cookiecutter.parent_name %}{{ cookiecutter.parent_name }}={{ cookiecutter.parent_name }}{% elif cookiecutter.auth == "yes" %}owner=user{% else %}name="groceries"{% endif %})`.

A subclass of BaseFactory: the db_session fixture binds it to the test's session as it does
every factory (tests/factory_base.py).
"""

import factory

{% filter import_order %}
from app.{{ cookiecutter.resource_plural }}.models import {{ cookiecutter.__resource_class }}
{% if cookiecutter.__parent_factories == "tests.factories" %}from tests.factories import {{ ["BaseFactory", cookiecutter.__parent_class ~ "Factory"]|sort|join(", ") }}{% elif cookiecutter.parent_name %}from tests.factories import BaseFactory
from {{ cookiecutter.__parent_factories }} import {{ cookiecutter.__parent_class }}Factory{% elif cookiecutter.auth == "yes" %}from tests.factories import BaseFactory, UserFactory{% else %}from tests.factories import BaseFactory{% endif %}
{% endfilter %}


class {{ cookiecutter.__resource_class }}Factory(BaseFactory):
    class Meta:
        model = {{ cookiecutter.__resource_class }}

    name = factory.Sequence(lambda n: f"{{ cookiecutter.resource_name }} {n}")
    description = factory.Faker("sentence")
{%- if cookiecutter.parent_name %}
    {{ cookiecutter.parent_name }} = factory.SubFactory({{ cookiecutter.__parent_class }}Factory)
{%- elif cookiecutter.auth == "yes" %}
    owner = factory.SubFactory(UserFactory)
{%- endif %}
