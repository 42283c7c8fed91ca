import pytest
from pydantic import ValidationError

from app.core.schemas import is_storable

from app.{{ cookiecutter.resource_plural }}.models import NAME_MAX_LENGTH
from app.{{ cookiecutter.resource_plural }}.schemas import {{ cookiecutter.__resource_class }}Create, {{ cookiecutter.__resource_class }}Update


@pytest.mark.parametrize(
    ("text", "storable"),
    [
        pytest.param("plain", True, id="plain"),
        pytest.param("caf\u00e9 \u2603 \U0001f600", True, id="beyond-ascii"),
        pytest.param("a\x00b", False, id="nul"),
        pytest.param("a\ud800b", False, id="lone-surrogate"),
    ],
)
def test_only_text_every_database_can_store_is_storable(text: str, storable: bool) -> None:
    assert is_storable(text) is storable


def test_names_are_stripped_of_surrounding_whitespace() -> None:
    assert {{ cookiecutter.__resource_class }}Create(name="  groceries  ").name == "groceries"


def test_a_name_at_the_length_limit_is_accepted() -> None:
    assert {{ cookiecutter.__resource_class }}Create(name="x" * NAME_MAX_LENGTH).name == "x" * NAME_MAX_LENGTH


def test_an_update_keeps_only_the_fields_sent() -> None:
    update = {{ cookiecutter.__resource_class }}Update(description="new")

    assert update.model_dump(exclude_unset=True) == {"description": "new"}


def test_an_update_may_clear_the_description_but_not_the_name() -> None:
    cleared = {{ cookiecutter.__resource_class }}Update(description=None)

    assert cleared.model_dump(exclude_unset=True) == {"description": None}
    with pytest.raises(ValidationError):
        {{ cookiecutter.__resource_class }}Update(name=None)


def test_the_published_schema_of_an_update_says_the_name_is_never_null() -> None:
    schema = {{ cookiecutter.__resource_class }}Update.model_json_schema()

    create = {{ cookiecutter.__resource_class }}Create.model_json_schema()
    assert schema["properties"]["name"] == create["properties"]["name"]
    assert schema["properties"]["description"]["anyOf"][-1] == {"type": "null"}
