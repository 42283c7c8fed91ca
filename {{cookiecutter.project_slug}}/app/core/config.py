from functools import lru_cache
from typing import Literal, Self

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
{%- if cookiecutter.auth == "yes" %}

# Good enough for a laptop, refused in production: see Settings.refuse_insecure_production.
DEFAULT_SECRET_KEY = "insecure-development-key-change-me-in-production"  # noqa: S105
{%- endif %}


class Settings(BaseSettings):
    """Everything the service reads from the environment (or a `.env` file).

    A variable set to the empty string counts as unset: its default applies.
    """

    model_config = SettingsConfigDict(env_file=".env", env_ignore_empty=True, extra="ignore")

    project_name: str = {{ cookiecutter.project_name | tojson }}
    environment: Literal["development", "test", "production"] = "development"
    debug: bool = False
    database_url: str = "{{ cookiecutter.__default_database_url }}"
    cors_origins: list[str] = []
    max_request_body_bytes: int = Field(default=1024 * 1024, gt=0)
{%- if cookiecutter.auth == "yes" %}
    secret_key: str = DEFAULT_SECRET_KEY
    access_token_expire_minutes: int = Field(default=30, gt=0, le=60 * 24 * 30)
    jwt_issuer: str = "{{ cookiecutter.project_slug }}"
    jwt_audience: str = "{{ cookiecutter.project_slug }}"
{%- endif %}

    @model_validator(mode="after")
    def refuse_insecure_production(self) -> Self:
        if self.environment != "production":
            return self
        if self.debug:
            raise ValueError("DEBUG must be off in production")
{%- if cookiecutter.auth == "yes" %}
        if self.secret_key == DEFAULT_SECRET_KEY or len(self.secret_key) < 32:
            raise ValueError("SECRET_KEY must be set to a random value of 32+ characters")
{%- endif %}
        return self


@lru_cache
def get_settings() -> Settings:
    return Settings()
