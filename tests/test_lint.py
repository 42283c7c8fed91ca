"""The template repository's own Python passes the linter and formatter its bakes pass.

The template directory is Jinja, not Python: what it renders is linted in every combination
by test_combinations.py. Everything else here (hooks, meta-tests, benchmarks, the Jinja
extension) is plain Python and is checked as it stands.
"""

from __future__ import annotations

import subprocess
import sys

import harness
import pytest

LINTED = [
    "hooks",
    "tests",
    "bench",
    "local_extensions.py",
    "template_extensions.py",
    "resource/hooks",
    "resource/resource_extensions.py",
]


@pytest.mark.parametrize(
    "command",
    [["check", "--no-fix", "--no-cache"], ["format", "--check", "--no-cache"]],
    ids=["ruff check", "ruff format --check"],
)
def test_the_repository_python_is_clean(command: list[str]) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "ruff", *command, *LINTED],
        cwd=harness.REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
