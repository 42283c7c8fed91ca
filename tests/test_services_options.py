"""The answers that add a service beside the database (`cache=redis`, `tasks=celery`) bring
that service to CI and to compose, with a worker beside the app.

Their files, static checks and suites on the real Redis (TEST_REDIS_URL, which `.ci/run`
sets) are the covering array's: see test_combinations.py and test_generated_suites.py.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import harness
import pytest
import yaml

# PostgreSQL with accounts, SQLite without, with every service on: their CI and compose files.
COMBOS = [
    harness.default_combo().but(
        database=database, mode=mode, auth=auth, ci=ci, docker="yes", **harness.SERVICES_ON
    )
    for database, auth, ci in (("postgresql", "yes", "github"), ("sqlite", "no", "gitlab"))
    for mode in harness.choices("mode")
]


@pytest.mark.parametrize("combo", COMBOS, ids=[c.id(harness.BAKE_AXES) for c in COMBOS])
def test_ci_and_compose_bring_redis_and_a_worker(
    combo: harness.Combo, bake: Callable[..., Any]
) -> None:
    project = harness.project_path(bake(combo.answers()))
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
    assert urlsplit(variables[harness.REDIS_VARIABLE]).scheme == "redis"

    compose = yaml.safe_load((project / "docker-compose.yml").read_text(encoding="utf-8"))
    assert {"redis", "worker"} <= set(compose["services"])
    assert compose["services"]["worker"]["command"][:3] == ["celery", "-A", "app.worker:celery_app"]
    assert compose["services"]["worker"]["environment"] == compose["services"]["app"]["environment"]
