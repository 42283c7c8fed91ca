"""The answers that add a service beside the database (`cache=redis`, `tasks=celery`) bake
projects that pass their checks, and their suites pass on the real Redis.

The Redis is TEST_REDIS_URL's (`.ci/run` sets it), on a database number of this run's own
(1 to 14, from the run id) so that two runs on one server rarely share one; the generated
suites keep to key prefixes and queues of their own inside it, and delete them when done.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import harness
import pytest
import yaml

REDIS_VARIABLE = "TEST_REDIS_URL"
SUITE_TIMEOUT = 900
# PostgreSQL with accounts, SQLite without: both modes of each, with every service on.
SUITE_COMBOS = [
    replace(harness.default_combo(), database=database, mode=mode, auth=auth, ci=ci)
    for database, auth, ci in (("postgresql", "yes", "github"), ("sqlite", "no", "gitlab"))
    for mode in harness.choices("mode")
]
ALONE = [{"cache": "redis", "tasks": "none"}, {"cache": "none", "tasks": "celery"}]


def combo_id(combo: harness.Combo, services: dict[str, str]) -> str:
    answers = [f"{name}={value}" for name, value in services.items()]
    return "-".join([combo.id(harness.CORE_AXES), *answers])


def suite_param(combo: harness.Combo) -> Any:
    marks = [pytest.mark.env, pytest.mark.xdist_group(combo.core)]
    if combo.database in harness.SERVERS:
        marks.append(pytest.mark.database)
    return pytest.param(combo, id=combo_id(combo, harness.SERVICES_ON), marks=marks)


def redis_url() -> str:
    """TEST_REDIS_URL on this run's own database number; skips, loudly, when it is unset and
    fails when nothing answers there."""
    base = os.environ.get(REDIS_VARIABLE)
    if not base:
        pytest.skip(
            f"!!! {REDIS_VARIABLE} is not set: the Redis suites are NOT tested. "
            f"Set it, e.g. {REDIS_VARIABLE}=redis://127.0.0.1:6379/0"
        )
    parts = urlsplit(base)
    host, port = parts.hostname or "127.0.0.1", parts.port or 6379
    try:
        socket.create_connection((host, port), timeout=5).close()
    except OSError as error:
        pytest.fail(f"{REDIS_VARIABLE} points at {host}:{port}: {error}", pytrace=False)
    number = int(os.environ[harness.RUN_ID_VARIABLE], 16) % 14 + 1
    return urlunsplit((parts.scheme, parts.netloc, f"/{number}", parts.query, ""))


def baked(bake: Callable[..., Any], combo: harness.Combo, services: dict[str, str]) -> Path:
    return harness.project_path(bake({**combo.answers(), **services}))


@pytest.mark.parametrize("combo", [suite_param(combo) for combo in SUITE_COMBOS])
def test_the_generated_suite_passes_on_the_real_redis(
    combo: harness.Combo, bake: Callable[..., Any]
) -> None:
    url = harness.generated_database_url(
        combo.database, combo.mode, harness.database_name(combo, "_services")
    )
    project = baked(bake, combo, harness.SERVICES_ON)
    env_dir = harness.ensure_env(project, combo.python_version)
    environ = {REDIS_VARIABLE: redis_url(), **({"TEST_DATABASE_URL": url} if url else {})}
    args = ["-m", "pytest", "-q", "-p", "no:cacheprovider", "-n", "2", "--cov"]
    harness.run_in_env(env_dir, args, project, SUITE_TIMEOUT, **environ).require_success()


STATIC_PARAMS = [
    pytest.param(
        combo, services, id=combo_id(combo, services), marks=pytest.mark.xdist_group(combo.core)
    )
    for combo in SUITE_COMBOS
    for services in (harness.SERVICES_ON, *ALONE)
]


@pytest.mark.parametrize(("combo", "services"), STATIC_PARAMS)
def test_bakes_the_files_its_answers_ask_for_and_nothing_unrendered(
    combo: harness.Combo, services: dict[str, str], bake: Callable[..., Any]
) -> None:
    result = bake({**combo.answers(), **services})
    project = harness.project_path(result)
    problems = harness.file_set_problems(project, result.context)
    problems += harness.unrendered_jinja(project)
    problems += harness.service_vocabulary(project, result.context)
    problems += harness.undeclared_imports(project)
    assert not problems, "\n".join(problems)


@pytest.mark.env
@pytest.mark.parametrize(("combo", "services"), STATIC_PARAMS)
def test_passes_ruff_format_and_mypy_strict(
    combo: harness.Combo,
    services: dict[str, str],
    bake: Callable[..., Any],
    static_checks: Callable[[Path, str], dict[str, harness.Outcome]],
) -> None:
    project = baked(bake, combo, services)
    for outcome in static_checks(project, combo.python_version).values():
        outcome.require_success()


@pytest.mark.parametrize("combo", SUITE_COMBOS, ids=[c.id(harness.BAKE_AXES) for c in SUITE_COMBOS])
def test_ci_and_compose_bring_redis_and_a_worker(
    combo: harness.Combo, bake: Callable[..., Any]
) -> None:
    project = baked(bake, replace(combo, docker="yes"), harness.SERVICES_ON)
    ci_file = ".github/workflows/ci.yml" if combo.ci == "github" else ".gitlab-ci.yml"
    ci = yaml.safe_load((project / ci_file).read_text(encoding="utf-8"))
    jobs = list(ci["jobs"].values()) if combo.ci == "github" else [ci["check"]]
    services = jobs[0]["services"]
    images = (
        [s["image"] for s in services.values()]
        if combo.ci == "github"
        else [s["name"] for s in services]
    )
    variables = jobs[0]["env" if combo.ci == "github" else "variables"]
    assert any(image.startswith("redis:") for image in images), images
    assert urlsplit(variables[REDIS_VARIABLE]).scheme == "redis"

    compose = yaml.safe_load((project / "docker-compose.yml").read_text(encoding="utf-8"))
    assert {"redis", "worker"} <= set(compose["services"])
    assert compose["services"]["worker"]["command"][:3] == ["celery", "-A", "app.worker:celery_app"]
    assert compose["services"]["worker"]["environment"] == compose["services"]["app"]["environment"]
