"""The OpenAPI snapshot a bake ships is the schema its app publishes, whatever the resource
is called: the baked `pytest` passes at once, and any later change to the contract fails it.

The snapshot is rendered from the template (`tests/openapi_snapshot.py` writes that
template); the suites of `test_generated_suites.py` prove it on every database x mode x
auth with the default names. Here: the names that change its text or its key order (a
digit before a letter, which str.title capitalises; one letter; the longest; names sorting
before and after every fixed schema name), each baked and its snapshot test run.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import harness
import pytest

SNAPSHOT_TEST = "tests/api/test_openapi_snapshot.py"
NAMES = {
    "sample": (
        harness.SAMPLE_RESOURCE["resource_name"],
        harness.SAMPLE_RESOURCE["resource_plural"],
    ),
    "digits": ("v2x_box2", "v2x_box2es"),
    "one-letter": ("a", "zz"),
    "longest": ("abcdefghij_klmnopq", "abcdefghij_klmnopqzz"),
    "sorts-last": ("zygote", "zygotes"),
}
AUTH = ("yes", "no")


@pytest.mark.env
@pytest.mark.parametrize(
    ("resource_name", "resource_plural", "auth"),
    [
        pytest.param(*names, AUTH[index % 2], id=f"{name}-auth={AUTH[index % 2]}")
        for index, (name, names) in enumerate(NAMES.items())
    ],
)
def test_the_snapshot_matches_the_published_schema(
    resource_name: str,
    resource_plural: str,
    auth: str,
    bake: Callable[[dict[str, str]], Any],
) -> None:
    answers = {"resource_name": resource_name, "resource_plural": resource_plural, "auth": auth}
    result = bake(answers)
    assert result.exit_code == 0, harness.bake_failure(result)
    project: Path = harness.project_path(result)
    env_dir = harness.ensure_env(project, harness.default_combo().python_version)

    outcome = harness.run_in_env(
        env_dir, ["-m", "pytest", "-q", "-p", "no:cacheprovider", SNAPSHOT_TEST], project, 300
    )

    outcome.require_success()


@pytest.mark.env
def test_a_changed_contract_fails_until_the_snapshot_is_updated(
    bake: Callable[[dict[str, str]], Any],
) -> None:
    """What the baked README says to do: the test fails on a contract it has not seen, and
    `pytest --snapshot-update` writes back, byte for byte, the file the template rendered."""
    project: Path = harness.project_path(bake({}))
    env_dir = harness.ensure_env(project, harness.default_combo().python_version)
    (snapshot,) = (project / "tests/api/__snapshots__").rglob("*.json")
    rendered = snapshot.read_bytes()
    snapshot.write_bytes(rendered.replace(b'"title": "Item Id"', b'"title": "Item ID"', 1))

    def run(*options: str) -> harness.Outcome:
        args = ["-m", "pytest", "-q", "-p", "no:cacheprovider", *options, SNAPSHOT_TEST]
        return harness.run_in_env(env_dir, args, project, 300)

    changed = run()
    updated = run("--snapshot-update")

    assert changed.returncode == 1, changed.report()
    assert '"title": "Item ID"' in changed.output  # syrupy's diff names the line
    updated.require_success()
    assert snapshot.read_bytes() == rendered


def test_the_documented_command_finds_its_helpers() -> None:
    """`python -m tests.openapi_snapshot`, as CONTRIBUTING.md says, from the repository's root:
    imported in a new process, whose path holds only that root (its main() bakes, not run)."""
    imported = subprocess.run(
        [sys.executable, "-c", "import tests.openapi_snapshot"],
        cwd=harness.REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert imported.returncode == 0, imported.stderr
