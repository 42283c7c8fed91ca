"""What the {{ cookiecutter.resource_plural }}' schemas accept and refuse, before any database is involved."""

import pytest
from pydantic import ValidationError

{% filter import_order %}
from app.{{ cookiecutter.resource_plural }}.models import NAME_MAX_LENGTH
from app.{{ cookiecutter.resource_plural }}.schemas import (
    {{ cookiecutter.__resource_class }}Create,
    {{ cookiecutter.__resource_class }}Update,
)
{% endfilter %}


def test_{{ cookiecutter.resource_name|with_article("_") }}_name_is_stripped_of_surrounding_whitespace() -> None:
    assert {{ cookiecutter.__resource_class }}Create(name="  groceries  ").name == "groceries"


@pytest.mark.parametrize(
    "name",
    [
        pytest.param("", id="empty"),
        pytest.param("   ", id="blank"),
        pytest.param("x" * (NAME_MAX_LENGTH + 1), id="too-long"),
        pytest.param("a\x00b", id="nul"),
    ],
)
def test_{{ cookiecutter.resource_name|with_article("_") }}_name_the_service_cannot_keep_is_refused(name: str) -> None:
    with pytest.raises(ValidationError):
        {{ cookiecutter.__resource_class }}Create(name=name)


def test_{{ cookiecutter.resource_name|with_article("_") }}_update_keeps_only_the_fields_sent() -> None:
    update = {{ cookiecutter.__resource_class }}Update(description="new")

    assert update.model_dump(exclude_unset=True) == {"description": "new"}


def test_{{ cookiecutter.resource_name|with_article("_") }}_update_refuses_a_null_name() -> None:
    with pytest.raises(ValidationError):
        {{ cookiecutter.__resource_class }}Update.model_validate({"name": None})


def test_the_{{ cookiecutter.resource_name }}_update_schema_publishes_name_as_a_string() -> None:
    name = {{ cookiecutter.__resource_class }}Update.model_json_schema()["properties"]["name"]

    assert name["type"] == "string"
    assert "anyOf" not in name
