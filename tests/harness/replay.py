"""Baking as people do, in a separate `cookiecutter` process, and comparing the trees it writes."""

from __future__ import annotations

import difflib
import json
import shutil
import stat
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from harness.envs import clean_environ

Tree = dict[str, tuple[str, bytes | None]]

# What cookiecutter reads from a template directory; the rest of this repository is not part
# of the template.
TEMPLATE_PARTS = (
    "cookiecutter.json",
    "local_extensions.py",
    "template_extensions.py",
    "manifest.json",
    "hooks",
    "{{cookiecutter.project_slug}}",
    "resource",
)
NOT_TEMPLATE = shutil.ignore_patterns(
    "__pycache__", "*.pyc", ".mypy_cache", ".ruff_cache", ".pytest_cache"
)


def copy_template(source: Path, destination: Path) -> Path:
    destination.mkdir(parents=True)
    for part in TEMPLATE_PARTS:
        if (source / part).is_dir():
            shutil.copytree(source / part, destination / part, ignore=NOT_TEMPLATE)
        else:
            shutil.copy2(source / part, destination / part)
    return destination


def write_cookiecutter_config(directory: Path) -> Path:
    """A user config that keeps cookiecutter's replay files and clones inside `directory`."""
    directory.mkdir(parents=True, exist_ok=True)
    config = directory / "cookiecutter-config.yaml"
    # JSON strings are YAML double-quoted scalars.
    config.write_text(
        f"cookiecutters_dir: {json.dumps(str(directory / 'cookiecutters'))}\n"
        f"replay_dir: {json.dumps(str(directory / 'replay'))}\n",
        encoding="utf-8",
    )
    return config


def key_values(answers: Mapping[str, str]) -> list[str]:
    return [f"{key}={value}" for key, value in answers.items()]


def run_checked(
    command: list[str], cwd: Path, environ: Mapping[str, str], timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        command,
        cwd=cwd,
        env=dict(environ),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if done.returncode != 0:
        pytest.fail(
            f"`{' '.join(command)}` exited {done.returncode} in {cwd}\n"
            f"stdout:\n{done.stdout}\nstderr:\n{done.stderr}",
            pytrace=False,
        )
    return done


def cookiecutter_cli(
    template: Path,
    config: Path,
    output_dir: Path,
    *args: str,
    cwd: Path | None = None,
    **environ: str,
) -> Path:
    """Run the `cookiecutter` command; return the one project it baked into output_dir."""
    output_dir.mkdir(parents=True, exist_ok=True)
    command = [
        sys.executable, "-m", "cookiecutter", "--config-file", str(config),
        "--output-dir", str(output_dir), str(template), *args,
    ]  # fmt: skip
    run_checked(command, cwd or output_dir, clean_environ(**environ))
    return only_project(output_dir)


def only_project(output_dir: Path) -> Path:
    baked = [path for path in output_dir.iterdir() if path.is_dir()]
    assert len(baked) == 1, f"expected one project in {output_dir}, found {baked}"
    return baked[0]


def tree(root: Path, ignore: tuple[str, ...] = ()) -> Tree:
    """Every path under root with its kind and permission bits, and each file's bytes."""
    found: Tree = {}
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root).as_posix()
        if relative.split("/")[0] in ignore:
            continue
        mode = stat.filemode(path.lstat().st_mode)
        found[relative] = (mode, path.read_bytes() if path.is_file() else None)
    return found


def tree_differences(expected: Tree, actual: Tree, context_lines: int = 3) -> list[str]:
    """One entry per path that differs, with a short diff for files whose text differs."""
    problems = [f"only in the first: {path}" for path in sorted(expected.keys() - actual.keys())]
    problems += [f"only in the second: {path}" for path in sorted(actual.keys() - expected.keys())]
    for path in sorted(expected.keys() & actual.keys()):
        (mode_a, bytes_a), (mode_b, bytes_b) = expected[path], actual[path]
        if mode_a != mode_b:
            problems.append(f"{path}: mode {mode_a} != {mode_b}")
        if bytes_a != bytes_b:
            a = (bytes_a or b"").decode("utf-8", "replace").splitlines()
            b = (bytes_b or b"").decode("utf-8", "replace").splitlines()
            diff = difflib.unified_diff(a, b, "first", "second", n=context_lines, lineterm="")
            problems.append(f"{path}: bytes differ\n" + "\n".join(list(diff)[:40]))
    return problems


def assert_same_tree(expected: Tree, actual: Tree, what: str) -> None:
    problems = tree_differences(expected, actual)
    if problems:
        pytest.fail(f"{what}: {len(problems)} difference(s)\n" + "\n".join(problems), pytrace=False)


# What an answer file saved by an earlier version of the template holds beside the answers:
# the private values that version derived (a MySQL async driver the dependencies no longer
# install, an old class name, a fixed year), and none of the extensions listed today.
STALE_PRIVATE_VALUES = {
    "__driver": "mysql+aiomysql",
    "__default_database_url": "mysql+aiomysql://root:root@localhost:3306/stale",
    "__default_test_database_url": "mysql+aiomysql://root:root@localhost:3306/stale_test",
    "__resource_class": "Stale",
    "__await": "",
    "__async": "",
    "__year": "1999",
}
STALE_ANSWERS = {"database": "mysql", "mode": "async", "resource_name": "category"}


def with_stale_private_values(context: dict[str, Any]) -> dict[str, Any]:
    answers = {k: v for k, v in context["cookiecutter"].items() if k != "_extensions"}
    return {**context, "cookiecutter": {**answers, **STALE_PRIVATE_VALUES}}
