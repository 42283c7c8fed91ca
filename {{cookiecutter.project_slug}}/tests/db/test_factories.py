"""factory-boy's declarations work through the test's session{% if cookiecutter.mode == "async" %}, awaited,{% endif %} as its documentation
describes them (https://factoryboy.readthedocs.io/en/stable/reference.html)."""

import factory
from sqlalchemy import select
{{ cookiecutter.__session_import }}

from app.{{ cookiecutter.resource_plural }}.models import {{ cookiecutter.__resource_class }}
from tests.factories import {{ cookiecutter.__resource_class }}Factory


class {{ cookiecutter.__resource_class }}WithASibling({{ cookiecutter.__resource_class }}Factory):
    sibling = factory.RelatedFactory(
        {{ cookiecutter.__resource_class }}Factory,
        name=factory.LazyAttribute(lambda sibling: f"{sibling.factory_parent.name} too"),
{%- if cookiecutter.auth == "yes" %}
        owner=factory.SelfAttribute("..owner"),
{%- endif %}
    )


def rename(obj: {{ cookiecutter.__resource_class }}, create: bool, extracted: str | None) -> None:
    if extracted:
        obj.name = extracted


class Renamed{{ cookiecutter.__resource_class }}Factory({{ cookiecutter.__resource_class }}Factory):
    renamed = factory.PostGeneration(rename)


{{ cookiecutter.__async }}def names(session: {{ cookiecutter.__session }}) -> list[str]:
    found = {{ cookiecutter.__await }}session.scalars(select({{ cookiecutter.__resource_class }}.name).order_by({{ cookiecutter.__resource_class }}.name))
    return list(found)


{{ cookiecutter.__async }}def test_self_attribute_and_lazy_attribute_read_the_object_being_built(
    db_session: {{ cookiecutter.__session }},
) -> None:
    made = {{ cookiecutter.__await }}{{ cookiecutter.__resource_class }}Factory(
        name=factory.LazyFunction(lambda: "lazy"),
        description=factory.LazyAttribute(lambda built: f"called {built.name}"),
    )
    same = factory.SelfAttribute("name")
    copied = {{ cookiecutter.__await }}{{ cookiecutter.__resource_class }}Factory(name="copied", description=same)

    assert (made.name, made.description) == ("lazy", "called lazy")
    assert copied.description == "copied"


{{ cookiecutter.__async }}def test_sequences_and_batches_make_distinct_committed_rows(db_session: {{ cookiecutter.__session }}) -> None:
    made = {{ cookiecutter.__await }}{{ cookiecutter.__resource_class }}Factory.create_batch(3)

    assert [row.name for row in made] == [f"{{ cookiecutter.resource_name }} {n}" for n in range(3)]
    {{ cookiecutter.__await }}db_session.rollback()  # committed: a rollback cannot take them back
    assert {{ cookiecutter.__await }}names(db_session) == [row.name for row in made]


{{ cookiecutter.__async }}def test_a_related_factory_and_post_generation_run_after_the_object(
    db_session: {{ cookiecutter.__session }},
) -> None:
    {{ cookiecutter.__await }}{{ cookiecutter.__resource_class }}WithASibling(name="first")
    {{ cookiecutter.__await }}Renamed{{ cookiecutter.__resource_class }}Factory(renamed="second")
    {{ cookiecutter.__await }}db_session.rollback()  # what they stored is committed

    assert {{ cookiecutter.__await }}names(db_session) == ["first", "first too", "second"]


def test_build_makes_an_object_without_the_database() -> None:
    built = {{ cookiecutter.__resource_class }}Factory.build(name="built")

    assert (built.name, built.id) == ("built", None)
