import pytest
from pydantic import ValidationError

from app.core.config import Settings


def test_development_accepts_the_defaults() -> None:
    assert Settings(environment="development").environment == "development"


def test_production_refuses_debug_mode() -> None:
    with pytest.raises(ValidationError, match="DEBUG"):
        Settings(environment="production", debug=True{% if cookiecutter.auth == "yes" %}, secret_key="s" * 64{% endif %})
{%- if cookiecutter.auth == "yes" %}


@pytest.mark.parametrize(
    "overrides",
    [pytest.param({}, id="default-key"), pytest.param({"secret_key": "short"}, id="short-key")],
)
def test_production_refuses_an_insecure_secret_key(overrides: dict[str, str]) -> None:
    with pytest.raises(ValidationError, match="SECRET_KEY"):
        Settings.model_validate({"environment": "production", **overrides})


{%- endif %}


def test_production_starts_with_safe_settings() -> None:
    settings = Settings(environment="production"{% if cookiecutter.auth == "yes" %}, secret_key="s" * 64{% endif %})

    assert settings.environment == "production"


def test_settings_are_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CORS_ORIGINS", '["https://example.com"]')

    assert Settings().cors_origins == ["https://example.com"]
