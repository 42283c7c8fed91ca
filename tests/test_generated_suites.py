"""Every database x mode x auth bakes a project whose own test suite passes."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import harness
import pytest

SUITE_COMBOS = harness.core_combos()
# The others run their suite, with a new model added, in test_new_model_workflow.py.
OWN_SUITE_COMBOS = [combo for combo in SUITE_COMBOS if combo not in harness.WORKFLOW_COMBOS]


def run_suite(project: Path, combo: harness.Combo, database_url: str | None, *args: str) -> None:
    env_dir = harness.ensure_env(project, combo.python_version)
    environ = harness.suite_environ(combo, database_url)
    outcome = harness.run_in_env(
        env_dir, [*harness.SUITE_ARGS, *args], project, timeout=harness.SUITE_TIMEOUT, **environ
    )
    outcome.require_success()


@pytest.mark.parametrize("combo", [harness.env_param(combo) for combo in OWN_SUITE_COMBOS])
def test_generated_suite_passes(combo: harness.Combo, bake: Callable[..., Any]) -> None:
    """As CI runs it: with the coverage gate."""
    url = harness.generated_database_url(combo.database, combo.mode, harness.database_name(combo))
    run_suite(harness.project_path(bake(combo.answers())), combo, url, "--cov")


# The contract tests' outcome follows the API (mode, auth) and the database under it: every
# pair of those values runs them (6 projects, not 12).
CONTRACT_COMBOS = harness.pairwise_subset(SUITE_COMBOS)


@pytest.mark.parametrize("combo", [harness.env_param(combo) for combo in CONTRACT_COMBOS])
def test_generated_api_contract_holds(combo: harness.Combo, bake: Callable[..., Any]) -> None:
    """The schemathesis step CI runs after the suite: `pytest -m contract`."""
    name = harness.database_name(combo, "_contract")
    url = harness.generated_database_url(combo.database, combo.mode, name)
    run_suite(harness.project_path(bake(combo.answers())), combo, url, "-m", "contract")


@pytest.mark.env
def test_generated_contract_tests_also_run_when_named_by_path(bake: Callable[..., Any]) -> None:
    """`pytest tests/contract`, without `-m contract`: schemathesis' plugin, which addopts
    keeps out of other runs, is loaded for it too."""
    combo = harness.default_combo()
    run_suite(harness.project_path(bake(combo.answers())), combo, None, "tests/contract")


# A module no test imports: coverage counts each of its statements as missed.
UNTESTED_MODULE = (
    "def untested() -> int:\n"
    + "".join(f"    value_{n} = {n}\n" for n in range(60))
    + "    return value_0\n"
)


@pytest.mark.env
def test_the_coverage_gate_fails_the_whole_suite_and_never_a_subset(
    bake: Callable[..., Any],
) -> None:
    """`pytest --cov` (CI's command) fails when the app's coverage drops below the gate;
    runs without it (one file, one directory) pass on their tests alone."""
    combo = harness.default_combo()
    project = harness.project_path(bake(combo.answers()))
    env_dir = harness.ensure_env(project, combo.python_version)

    def pytest_run(*args: str) -> harness.Outcome:
        return harness.run_in_env(
            env_dir, [*harness.SUITE_ARGS, *args], project, timeout=harness.SUITE_TIMEOUT
        )

    one_file = pytest_run("tests/unit/test_config.py")
    one_file.require_success()
    assert "coverage" not in one_file.output.lower(), one_file.report()

    (project / "app" / "untested.py").write_text(UNTESTED_MODULE, encoding="utf-8")
    gated = pytest_run("--cov")
    assert gated.returncode != 0, gated.report()
    assert "Required test coverage of 95" in gated.output, gated.report()
    assert "app/untested.py" in gated.output, gated.report()
    # And without --cov, the suite passes on its tests alone, the untested module there too.
    pytest_run("tests/unit").require_success()


def xdist_cases() -> list[Any]:
    # On PostgreSQL, the new-model workflow runs its suite under xdist (XDIST_COMBO there).
    defaults = harness.default_combo()
    return [
        # Baked with no answers at all: what someone pressing Enter through the prompts gets.
        pytest.param(None, defaults, id="defaults", marks=harness.group_of(defaults)),
    ]


@pytest.mark.env
@pytest.mark.parametrize(("answers", "combo"), xdist_cases())
def test_generated_suite_passes_under_xdist(
    answers: dict[str, str] | None, combo: harness.Combo, bake: Callable[..., Any]
) -> None:
    name = harness.database_name(combo, suffix="_xdist")
    url = harness.generated_database_url(combo.database, combo.mode, name)
    project = harness.project_path(bake(answers))
    run_suite(project, combo, url, "-n", "2", "--cov")


@pytest.mark.env
def test_each_xdist_worker_gets_an_sqlite_file_of_its_own(
    bake: Callable[..., Any], tmp_path: Path
) -> None:
    """TEST_DATABASE_URL naming one SQLite file: each worker tests on a file named after it
    (one shared file would lock), and the documented command deletes them all."""
    combo = harness.default_combo()
    project = harness.project_path(bake(combo.answers()))
    url = f"sqlite:///{tmp_path / 'tests.db'}"
    run_suite(project, combo, url, "-n", "2")
    made = {path.name for path in tmp_path.glob("tests*.db")}
    assert {"tests_gw0.db", "tests_gw1.db"} <= made, made

    env_dir = harness.ensure_env(project, combo.python_version)
    drop = ["-m", "tests.database", "--drop"]
    outcome = harness.run_in_env(env_dir, drop, project, timeout=120, TEST_DATABASE_URL=url)
    outcome.require_success()
    assert not list(tmp_path.glob("tests*.db"))


# What a developer's `.env` or shell may hold beside the code: none of it may change what
# the generated tests see.
OUTSIDE_SETTINGS = {
    "ENVIRONMENT": "production",
    "DEBUG": "true",
    "DATABASE_URL": "postgresql://nobody@127.0.0.1:1/nothing",
    "CORS_ORIGINS": "not a list",
    "MAX_REQUEST_BODY_BYTES": "1",
    "SECRET_KEY": "short",
    "ACCESS_TOKEN_EXPIRE_MINUTES": "0",
    "OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:1",
}


@pytest.mark.env
@pytest.mark.parametrize("auth", ["yes", "no"])
def test_the_generated_suite_ignores_the_developers_dotenv_and_shell(
    bake: Callable[..., Any], auth: str
) -> None:
    combo = harness.default_combo().but(auth=auth)
    project = harness.project_path(bake(combo.answers()))
    lines = "".join(f"{name}={value}\n" for name, value in OUTSIDE_SETTINGS.items())
    (project / ".env").write_text(lines, encoding="utf-8")
    env_dir = harness.ensure_env(project, combo.python_version)
    outcome = harness.run_in_env(
        env_dir, harness.SUITE_ARGS, project, timeout=harness.SUITE_TIMEOUT, **OUTSIDE_SETTINGS
    )
    outcome.require_success()


def git(project: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    identity = ["-c", "user.name=Meta Test", "-c", "user.email=meta@example.com"]
    return subprocess.run(
        ["git", *identity, *args], cwd=project, capture_output=True, text=True, check=check
    )


# What a user runs in a fresh project before its first commit: each writes something.
FIRST_DAY_COMMANDS = (
    # What an editor runs to list the tests.
    ["-m", "pytest", "-q", "--collect-only"],
    # Writes what plain `pytest` writes (its cache, hypothesis' examples) and the coverage data.
    ["-m", "pytest", "-q", "--cov"],
    ["-m", "pytest", "-q", "-m", "contract"],
    ["-m", "alembic", "upgrade", "head"],
)


@pytest.mark.env
def test_running_the_project_leaves_nothing_for_git_to_pick_up(
    bake: Callable[..., Any],
) -> None:
    """Coverage data, pytest's and hypothesis' caches and the SQLite database stay out of
    `git status`, and so do the files SQLite keeps beside the database in WAL mode."""
    combo = harness.default_combo()
    project = harness.project_path(bake(combo.answers()))
    git(project, "init", "-q")
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "Baked")
    env_dir = harness.ensure_env(project, combo.python_version)

    for args in FIRST_DAY_COMMANDS:
        harness.run_in_env(env_dir, args, project, timeout=harness.SUITE_TIMEOUT).require_success()

    untracked = git(project, "status", "--porcelain", "--untracked-files=all").stdout
    assert untracked == "", f"left for git to pick up:\n{untracked}"
    databases = [path.name for path in project.glob("*.db")]
    assert len(databases) == 1, f"the migration made {databases}, not one SQLite file"
    # Present while the database is open, and after a crash.
    for beside in (f"{databases[0]}-wal", f"{databases[0]}-shm"):
        ignored = git(project, "check-ignore", "--quiet", beside, check=False)
        assert ignored.returncode == 0, f"{beside} is not in .gitignore"
