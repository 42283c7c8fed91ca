"""Test database names the servers accept, whatever the project's name and the suffixes."""

import os

import pytest
from sqlalchemy import make_url

from app.core.config import Settings
from app.core.db import engine

from tests.database import (
    database_url_for_tests,
    fitted_name,
    is_a_test_database,
    unusable_url_reason,
)
from tests.environment import database_url_of_nowhere

# Development databases named after projects, short and long; the tests' is `<name>_test`.
PROJECTS = [
    "short",
    "a" * 58,
    "a" * 63,
    "acme_orders_and_customer_complaints_api",
    "acme_orders_and_customer_complaints_api_service",
    "caf\u00e9_" * 20,
]
NAMES = [f"{project}_test" for project in PROJECTS]
# TEST_DATABASE_URLs no engine of this project can be made of, by what is wrong with them.
UNUSABLE_URLS = {
    "not a URL": "localhost:5432/my_service_test",
    "a dialect SQLAlchemy does not know": "postgres://postgres@localhost/my_service_test",
    "a driver SQLAlchemy does not know": "postgresql+nosuchdriver://localhost/my_service_test",
    "a driver of the other mode": "{{ 'sqlite+pysqlite' if cookiecutter.mode == 'async' else 'sqlite+aiosqlite' }}:///my_service_test.db",
}


@pytest.mark.parametrize("backend", ["postgresql", "mysql"])
@pytest.mark.parametrize("name", NAMES)
def test_a_fitted_name_fits_the_server_and_is_the_same_every_run(name: str, backend: str) -> None:
    fitted = fitted_name(name, backend)

    assert len(fitted.encode()) <= {"postgresql": 63, "mysql": 64}[backend]
    assert fitted == fitted_name(name, backend)
    assert fitted == name or fitted_name(name + "x", backend) != fitted


@pytest.mark.parametrize("backend", ["postgresql", "mysql"])
@pytest.mark.parametrize("name", NAMES)
def test_the_drop_command_finds_every_variant_and_nothing_else(name: str, backend: str) -> None:
    for suffix in ("gw0", "concurrency_gw11", "migrations"):
        variant = fitted_name(f"{name}_{suffix}", backend)
        assert is_a_test_database(variant, name, backend), variant
    assert not is_a_test_database(name.removesuffix("_test"), name, backend)
    assert not is_a_test_database(f"{name}x", name, backend)
    for kept in ("keep", "dev", "backup_gw0", "gw"):
        assert not is_a_test_database(f"{name}_{kept}", name, backend), kept


def test_by_default_the_tests_never_touch_the_services_own_database(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("TEST_DATABASE_URL", raising=False)
    monkeypatch.chdir(os.path.dirname(__file__))  # no `.env` here
    service = make_url(str(Settings.model_fields["database_url"].default))

    tests = database_url_for_tests()

    assert tests.get_backend_name() == service.get_backend_name()
    assert tests.database != service.database
    if tests.get_backend_name() == "sqlite":
        assert os.path.isabs(str(tests.database)), "a temporary file, not the project's"


@pytest.mark.parametrize("url", UNUSABLE_URLS.values(), ids=UNUSABLE_URLS)
def test_a_test_database_url_that_cannot_work_is_one_line_naming_the_projects_driver(
    url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TEST_DATABASE_URL", url)
    service = make_url(str(Settings.model_fields["database_url"].default))

    reason = unusable_url_reason()

    assert reason is not None
    assert "\n" not in reason
    assert f"driver is {service.drivername}, e.g. {service.drivername}://" in reason


def test_the_test_database_url_of_this_run_can_work() -> None:
    assert unusable_url_reason() is None


def test_the_services_own_engine_points_where_no_database_answers() -> None:
    # So a request past the `client` fixture (a client of the app made by hand) fails,
    # rather than writing to the development database the README has you create.
    assert engine.url.render_as_string(hide_password=False) == database_url_of_nowhere()
