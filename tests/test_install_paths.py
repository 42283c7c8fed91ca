"""The README's test command works both ways it is given, on a fresh checkout: with uv
(`uv sync && uv run pytest`, which also writes the lock CI then installs from) and with pip
alone (a venv, pip upgraded so that it reads the dev dependency group). uv on
PostgreSQL and MySQL, pip on SQLite: each installs everything from the package index
(uv's and pip's caches help)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import harness
import pytest

# The README's blocks: run and test with uv, then run and test with pip.
TEST_COMMAND = {"uv": 1, "pip": 3}
CI_INSTALL = "if [ -f uv.lock ]; then uv sync --locked; else uv sync; fi"


def install_cases() -> list[Any]:
    """Each tool once, each database once: uv on the server databases (their drivers are
    what differ), pip alone on SQLite, the default answers."""
    cases = []
    for param in harness.one_per_database():
        combo = param.values[0]
        for tool in TEST_COMMAND:
            if (tool == "pip") == (combo.database == "sqlite"):
                cases.append(pytest.param(combo, tool, id=f"{tool}-{param.id}", marks=param.marks))
    return cases


@pytest.fixture
def tools_path(combo: harness.Combo, tmp_path: Path) -> str:
    """PATH for the README's commands: `python3` is the combination's interpreter (as on a
    machine that has only that one), `uv` the meta-tests' own, then the usual PATH."""
    interpreter = harness.find_interpreter(combo.python_version)
    shims = tmp_path / "shims"
    shims.mkdir()
    (shims / "python3").write_text(f'#!/bin/sh\nexec "{interpreter}" "$@"\n', encoding="utf-8")
    (shims / "python3").chmod(0o755)
    uv = shutil.which("uv", path=str(Path(sys.executable).parent)) or shutil.which("uv")
    assert uv, "uv is in the template's dev group"
    return os.pathsep.join([str(shims), str(Path(uv).parent), os.environ["PATH"]])


def run(command: str, project: Path, environ: Mapping[str, str]) -> harness.Outcome:
    done = subprocess.run(
        ["bash", "-c", command],
        cwd=project,
        env=dict(environ),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=1200,
        check=False,
    )
    return harness.Outcome(command, done.returncode, done.stdout)


@pytest.mark.parametrize(("combo", "tool"), install_cases())
def test_the_readme_test_command_passes_on_a_fresh_checkout(
    combo: harness.Combo,
    tool: str,
    bake: Callable[[Mapping[str, str] | None], Any],
    tools_path: str,
    tmp_path: Path,
) -> None:
    project = harness.project_path(bake(combo.answers()))
    blocks = harness.readme_blocks(project)
    command = blocks[TEST_COMMAND[tool]]
    assert ("uv run pytest" in command) == (tool == "uv"), command
    url = harness.generated_database_url(
        combo.database, combo.mode, harness.database_name(combo, f"_{tool}")
    )
    environ = harness.clean_environ(
        PATH=tools_path,
        UV_PYTHON=harness.find_interpreter(combo.python_version),
        UV_PYTHON_DOWNLOADS="never",
        **({"TEST_DATABASE_URL": url} if url else {}),
    )

    outcome = run(command, project, environ)

    outcome.require_success()
    assert " passed" in outcome.output.splitlines()[-1], outcome.report()
    if tool == "uv":
        # The lock the first sync wrote is what CI's install step then holds to.
        assert (project / "uv.lock").is_file()
        run(CI_INSTALL, project, environ).require_success()
