from pathlib import Path

import pytest
from pydantic import ValidationError

from app.core.config import Settings
from tests.database import configured_test_database_url, database_url_for_tests


@pytest.fixture(autouse=True)
def no_settings_from_outside(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Each test sees the settings it gives: not the developer's `.env`, nor their shell's.

    The service reads `.env` again here (tests.environment stops it for the rest of the
    suite), from an empty working directory, so these tests can check that it does.
    """
    monkeypatch.setitem(Settings.model_config, "env_file", ".env")
    monkeypatch.chdir(tmp_path)  # `.env` is read from the working directory
    for name in Settings.model_fields:
        monkeypatch.delenv(name.upper(), raising=False)


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


def test_an_empty_variable_counts_as_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "")
    monkeypatch.setenv("TEST_DATABASE_URL", "")

    assert Settings().database_url == Settings.model_fields["database_url"].default
    assert database_url_for_tests().get_backend_name() == "{{ cookiecutter.database }}"


def test_settings_are_read_from_a_dotenv_file_too() -> None:
    Path(".env").write_text('CORS_ORIGINS=["https://example.com"]\n', encoding="utf-8")

    assert Settings().cors_origins == ["https://example.com"]


def test_the_test_database_is_read_from_a_dotenv_file_too(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TEST_DATABASE_URL", raising=False)
    Path(".env").write_text("TEST_DATABASE_URL=sqlite:///from-dotenv.db\n", encoding="utf-8")

    assert configured_test_database_url().render_as_string() == "sqlite:///from-dotenv.db"
