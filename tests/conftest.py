from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import harness
import pytest

Bake = Callable[[Mapping[str, str] | None], Any]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--combo",
        action="append",
        default=[],
        metavar="ID",
        help="only run tests whose id contains ID, e.g. --combo database=mysql-mode=async "
        "(-k cannot parse '='); repeat to narrow further",
    )


def pytest_configure(config: pytest.Config) -> None:
    # One id for the whole run, set before xdist starts its workers (they inherit it).
    if "PYTEST_XDIST_WORKER" not in os.environ:
        os.environ.setdefault(harness.RUN_ID_VARIABLE, f"{time.time_ns() // 10**6 % 16**7:07x}")


def pytest_sessionfinish(session: pytest.Session) -> None:
    """The controller drops every database this run made, on every server it was given."""
    if "PYTEST_XDIST_WORKER" not in os.environ:
        harness.drop_run_databases(harness.run_prefix())


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    wanted = config.getoption("combo")
    if not wanted:
        return
    chosen = [item for item in items if all(part in item.name for part in wanted)]
    config.hook.pytest_deselected(items=[item for item in items if item not in chosen])
    items[:] = chosen


@pytest.fixture(scope="session")
def template_dir(pytestconfig: pytest.Config) -> Path:
    """The template under test: --template when given, else this repository."""
    chosen = Path(pytestconfig.option.template)
    return harness.REPO_ROOT if chosen == pytestconfig.invocation_params.dir else chosen


@pytest.fixture(scope="session")
def bake(cookies_session: Any, template_dir: Path) -> Bake:
    """Bake into a fresh directory; answers are checked first because pytest-cookies would
    silently drop a misspelled option and bake the default instead."""
    spec = harness.load_answers_spec(template_dir)

    def _bake(answers: Mapping[str, str] | None = None) -> Any:
        harness.check_answers(answers or {}, spec)
        return cookies_session.bake(extra_context=dict(answers or {}), template=str(template_dir))

    return _bake


@pytest.fixture(scope="session")
def bake_once(bake: Bake) -> Callable[[harness.Combo], Any]:
    """Bake a combination once per worker, for tests that only read the baked files."""
    baked: dict[harness.Combo, Any] = {}

    def _bake_once(combo: harness.Combo) -> Any:
        if combo not in baked:
            baked[combo] = bake(combo.answers())
        return baked[combo]

    return _bake_once


@pytest.fixture
def project(combo: harness.Combo, bake_once: Callable[[harness.Combo], Any]) -> Path:
    """The project baked for the test's `combo` (a fixture of the test module's own)."""
    return harness.project_path(bake_once(combo))


@pytest.fixture(scope="session")
def session_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory all xdist workers of this run share (and the next run does not)."""
    own = tmp_path_factory.getbasetemp()
    return own.parent if "PYTEST_XDIST_WORKER" in os.environ else own


@pytest.fixture(scope="session")
def static_checks(session_dir: Path) -> Callable[[Path, str], dict[str, harness.Outcome]]:
    def _static_checks(project: Path, python_version: str) -> dict[str, harness.Outcome]:
        env_dir = harness.ensure_env(project, python_version)
        return harness.static_checks(
            project, env_dir, python_version, session_dir / "static-checks"
        )

    return _static_checks
