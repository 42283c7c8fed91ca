import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

{% filter import_order %}
from app.core.schemas import Text
from app.{{ cookiecutter.resource_plural }}.models import DESCRIPTION_MAX_LENGTH, NAME_MAX_LENGTH
{% endfilter %}

# Names are stripped of surrounding whitespace; the schema says a blank one is refused.
NOT_BLANK = r"\S"


class {{ cookiecutter.__resource_class }}Create(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: Text = Field(min_length=1, max_length=NAME_MAX_LENGTH, pattern=NOT_BLANK)
    description: Text | None = Field(default=None, max_length=DESCRIPTION_MAX_LENGTH)


def name_is_a_string_if_sent(schema: dict[str, Any]) -> None:
    """The published schema of an update: `name` may be left out, never null (see
    name_is_not_null), so clients generated from the OpenAPI document never send a null
    the service refuses."""
    name = schema["properties"]["name"]
    (string,) = [branch for branch in name.pop("anyOf") if branch.get("type") != "null"]
    name.pop("default", None)
    name.update(string, pattern=NOT_BLANK)  # as the create schema says it


class {{ cookiecutter.__resource_class }}Update(BaseModel):
    """Only the fields sent are changed."""

    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra=name_is_a_string_if_sent,
    )

    name: Text | None = Field(
        default=None,
        min_length=1,
        max_length=NAME_MAX_LENGTH,
        pattern=NOT_BLANK,
    )
    description: Text | None = Field(default=None, max_length=DESCRIPTION_MAX_LENGTH)

    @field_validator("name")
    @classmethod
    def name_is_not_null(cls, name: str | None) -> str:
        # Leaving "name" out keeps it; sending null would try to erase it.
        if name is None:
            raise ValueError("name cannot be null")
        return name


class {{ cookiecutter.__resource_class }}Read(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
{%- if cookiecutter.parent_name %}
    {{ cookiecutter.parent_name }}_id: uuid.UUID
{%- endif %}
    name: str
    description: str | None
    created_at: datetime


class {{ cookiecutter.__resource_class }}Page(BaseModel):
    items: list[{{ cookiecutter.__resource_class }}Read]
    total: int
    limit: int
    offset: int
