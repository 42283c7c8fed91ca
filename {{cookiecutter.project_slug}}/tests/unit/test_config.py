import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import ValidationError

from app.core.config import MAX_SECONDS, Settings, SettingsError, get_settings

from tests.database import configured_test_database_url, database_url_for_tests

# What production needs at least: each test below changes one thing.
PRODUCTION = {
    "environment": "production",
    "database_url": Settings.model_fields["database_url"].default,
{%- if cookiecutter.auth == "yes" %}
    "secret_key": "pS8v-3kQ_zL1xW7nR2bY9tH4mC6fJ0dA5gE",
{%- endif %}
}


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
        Settings.model_validate({**PRODUCTION, "debug": True})


def test_production_refuses_to_fall_back_to_the_development_database() -> None:
    without_url = {name: value for name, value in PRODUCTION.items() if name != "database_url"}

    with pytest.raises(ValidationError, match="DATABASE_URL must be set"):
        Settings.model_validate(without_url)


def test_production_starts_with_safe_settings() -> None:
    settings = Settings.model_validate(PRODUCTION)

    assert settings.environment == "production"


REFUSED = [
    pytest.param({"DEBUG": "true"}, id="debug"),
    pytest.param({"DATABASE_URL": ""}, id="no-database-url"),
{%- if cookiecutter.auth == "yes" %}
    pytest.param({"SECRET_KEY": " " * 40}, id="blank-key"),
{%- endif %}
    pytest.param({"MAX_REQUEST_BODY_BYTES": "-1"}, id="negative-limit"),
]


def production_environment(broken: dict[str, str]) -> dict[str, str]:
    return {name.upper(): value for name, value in PRODUCTION.items()} | broken


def assert_one_line_naming_the_setting(line: str, broken: dict[str, str]) -> None:
    record = json.loads(line)
    assert record["level"] == "CRITICAL"
    assert next(iter(broken)) in record["message"]
    for name, value in production_environment(broken).items():
        if value.strip() and name not in {"ENVIRONMENT", "DEBUG"}:
            assert value not in line, f"the line shows {name}'s value"


@pytest.mark.parametrize("broken", REFUSED)
def test_a_refused_setting_is_said_in_one_json_line_without_its_value(
    broken: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in production_environment(broken).items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()

    with pytest.raises(SettingsError) as refused:
        get_settings()
    get_settings.cache_clear()

    assert isinstance(refused.value.code, str)
    assert "\n" not in refused.value.code
    assert_one_line_naming_the_setting(refused.value.code, broken)


def test_a_refused_setting_stops_the_process_with_that_line_alone() -> None:
    broken = {"DEBUG": "true"}
    given = production_environment(broken)
    environ = {**os.environ, **given, "PYTHONPATH": str(Path(__file__).parents[2])}

    started = subprocess.run(
        [sys.executable, "-c", "import app.main"],
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert started.returncode == 1
    assert len(started.stderr.splitlines()) == 1, started.stderr
    assert_one_line_naming_the_setting(started.stderr, broken)


@pytest.mark.parametrize(
    ("written", "origins"),
    [
        ("https://a.example", ["https://a.example"]),
        ("https://a.example,https://b.example", ["https://a.example", "https://b.example"]),
        (" https://a.example , https://b.example ,", ["https://a.example", "https://b.example"]),
        ('["https://a.example", "https://b.example"]', ["https://a.example", "https://b.example"]),
        ("[]", []),
    ],
    ids=["one", "commas", "spaces", "json", "json-empty"],
)
def test_lists_are_read_as_operators_write_them(
    monkeypatch: pytest.MonkeyPatch, written: str, origins: list[str]
) -> None:
    monkeypatch.setenv("CORS_ORIGINS", written)

    assert Settings().cors_origins == origins


@pytest.mark.parametrize(
    ("settings", "served"),
    [
        ({"environment": "development"}, True),
        ({"environment": "test"}, True),
        (PRODUCTION, False),
        ({**PRODUCTION, "docs_enabled": True}, True),
        ({"environment": "development", "docs_enabled": False}, False),
    ],
    ids=["development", "test", "production", "production-enabled", "development-disabled"],
)
def test_the_docs_are_served_outside_production_unless_set_otherwise(
    settings: dict[str, object], served: bool
) -> None:
    assert Settings.model_validate(settings).serves_docs is served


# Every setting in seconds: read from the fields themselves, so a new one is checked too.
BOUNDS_IN_SECONDS = sorted(
    name
    for name, field in Settings.model_fields.items()
    if field.annotation is float
    and any(getattr(rule, "le", None) == MAX_SECONDS for rule in field.metadata)
)


def test_the_bounds_in_seconds_are_found() -> None:
    assert {"database_connect_timeout", "database_statement_timeout"} <= set(BOUNDS_IN_SECONDS)


@pytest.mark.parametrize("name", BOUNDS_IN_SECONDS)
@pytest.mark.parametrize("value", ["0", "-1", "nan", "inf", "-inf", str(MAX_SECONDS + 1), "1e300"])
def test_a_bound_in_seconds_is_more_than_0_and_at_most_a_year(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(name.upper(), value)

    with pytest.raises(ValidationError, match=name):
        Settings()


@pytest.mark.parametrize("name", BOUNDS_IN_SECONDS)
@pytest.mark.parametrize("value", ["0.0005", "1.1", str(MAX_SECONDS)])
def test_a_bound_in_seconds_takes_fractions_up_to_a_year(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(name.upper(), value)

    assert getattr(Settings(), name) == float(value)


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
