"""The same answers bake the same bytes: twice over, from a replay file, and over an old bake.

`cruft update` diffs two fresh bakes of the template (at the project's commit and at the new
one) and applies that diff to the project, so anything that differs between two bakes with the
same answers would reach every project as a spurious change on every update. The bakes here run
`cookiecutter` as a separate process, as people do, with what the template must not depend on
(hash seed, home directory, time zone, locale, working directory) changed between them.

test_update.py imports the helpers below that bake and compare trees.
"""

from __future__ import annotations

import datetime
import difflib
import json
import shutil
import stat
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import harness
import pytest
from cookiecutter.main import cookiecutter

# Answers given on the command line as key=value. Beyond the defaults, two sets that between
# them take every other value of database, mode, auth, ci, docker and python_version, and two
# more licenses; with quotes, a backslash and non-ASCII letters in free text, and a plural
# that is not just an added "s".
ANSWER_SETS: dict[str, dict[str, str]] = {
    "defaults": {},
    "postgresql-async-no-auth": {
        "project_name": "Order Desk",
        "description": 'Takes "orders" \\ returns them, naïvely',
        "author_name": "Zoë O'Brien",
        "resource_name": "order",
        "database": "postgresql",
        "mode": "async",
        "auth": "no",
        "ci": "gitlab",
        "docker": "no",
        "license": "Apache-2.0",
        "python_version": "3.12",
    },
    "mysql-sync-auth": {
        "project_name": "Catalog",
        "resource_name": "category",
        "resource_plural": "categories",
        "database": "mysql",
        "mode": "sync",
        "auth": "yes",
        "ci": "none",
        "docker": "yes",
        "license": "BSD-3-Clause",
        "python_version": "3.13",
    },
}
ANSWER_PARAMS = [pytest.param(answers, id=name) for name, answers in ANSWER_SETS.items()]

# Two process environments that must bake the same bytes. Hooks inherit them.
ENVIRONMENTS: tuple[dict[str, str], ...] = (
    {"PYTHONHASHSEED": "0", "TZ": "UTC", "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8"},
    {"PYTHONHASHSEED": "4242", "TZ": "Pacific/Kiritimati", "LC_ALL": "C", "LANG": "C"},
)

Tree = dict[str, tuple[str, bytes | None]]

# What cookiecutter reads from a template directory; the rest of this repository is not part
# of the template.
TEMPLATE_PARTS = (
    "cookiecutter.json",
    "local_extensions.py",
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
    run_checked(command, cwd or output_dir, harness.clean_environ(**environ))
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


@pytest.fixture(scope="module")
def template(template_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The template as it is when this module starts: every bake a test compares reads the
    same bytes, even while the working tree is being edited."""
    return copy_template(template_dir, tmp_path_factory.mktemp("snapshot") / template_dir.name)


@pytest.fixture
def config(tmp_path: Path) -> Path:
    return write_cookiecutter_config(tmp_path / "cookiecutter")


@pytest.fixture
def replay_file(config: Path, template: Path) -> Path:
    # cookiecutter names the replay file after the template directory.
    return config.parent / "replay" / f"{template.name}.json"


@pytest.mark.parametrize("answers", ANSWER_PARAMS)
def test_two_bakes_with_the_same_answers_are_byte_identical(
    answers: dict[str, str], template: Path, config: Path, tmp_path: Path
) -> None:
    harness.check_answers(answers, harness.load_answers_spec(template))
    projects = []
    for index, environ in enumerate(ENVIRONMENTS):
        home = tmp_path / f"home-{index}"
        home.mkdir()
        # Different depths, so nothing may depend on where the output goes.
        output_dir = tmp_path.joinpath(f"bake-{index}", *["nested"] * index)
        args = ["--no-input", *key_values(answers)]
        project = cookiecutter_cli(
            template, config, output_dir, *args, cwd=home, HOME=str(home), **environ
        )
        projects.append(project)

    first, second = projects
    assert first.name == second.name
    assert_same_tree(tree(first), tree(second), "two bakes with the same answers")


@pytest.mark.parametrize("answers", ANSWER_PARAMS)
def test_a_bake_carries_no_date(
    answers: dict[str, str], template: Path, config: Path, tmp_path: Path
) -> None:
    """A date written at bake time would differ between the two bakes of every update."""
    project = cookiecutter_cli(
        template, config, tmp_path / "out", "--no-input", *key_values(answers)
    )
    now = datetime.datetime.now(datetime.UTC)
    days = {now.date(), now.astimezone().date()}
    stamps = [day.isoformat().encode() for day in days]
    stamps += [day.strftime("%d/%m/%Y").encode() for day in days]
    hits = [
        f"{path}: {stamp.decode()}"
        for path, (_, content) in tree(project).items()
        for stamp in stamps
        if content and stamp in content
    ]
    assert not hits, "today's date in baked files:\n" + "\n".join(hits)


@pytest.mark.parametrize("answers", ANSWER_PARAMS)
def test_replay_bakes_the_same_project(
    answers: dict[str, str],
    template: Path,
    config: Path,
    replay_file: Path,
    tmp_path: Path,
) -> None:
    original = cookiecutter_cli(
        template, config, tmp_path / "original", "--no-input", *key_values(answers)
    )
    expected = tree(original)

    assert replay_file.is_file(), f"cookiecutter wrote no replay file at {replay_file}"
    recorded = json.loads(replay_file.read_text(encoding="utf-8"))["cookiecutter"]
    assert {key: recorded[key] for key in answers} == answers

    # The command line, from the replay directory in the config and from an explicit file.
    replayed = cookiecutter_cli(template, config, tmp_path / "cli-replay", "--replay")
    assert_same_tree(expected, tree(replayed), "`cookiecutter --replay`")

    kept = tmp_path / "kept" / "answers.json"
    kept.parent.mkdir()
    shutil.copyfile(replay_file, kept)
    replay_file.unlink()
    from_file = cookiecutter_cli(
        template, config, tmp_path / "file-replay", "--replay-file", str(kept)
    )
    assert_same_tree(expected, tree(from_file), "`cookiecutter --replay-file`")

    # The Python API, reading the replay directory from the config file.
    shutil.copyfile(kept, replay_file)
    api_out = tmp_path / "api-replay"
    api_project = cookiecutter(
        str(template), replay=True, output_dir=str(api_out), config_file=str(config)
    )
    assert_same_tree(expected, tree(Path(api_project)), "cookiecutter(replay=True)")


@pytest.mark.parametrize("answers", ANSWER_PARAMS)
def test_the_api_bakes_what_the_command_line_bakes(
    answers: dict[str, str], template: Path, config: Path, tmp_path: Path
) -> None:
    from_cli = cookiecutter_cli(
        template, config, tmp_path / "cli", "--no-input", *key_values(answers)
    )
    from_api: Any = cookiecutter(
        str(template),
        no_input=True,
        extra_context=answers,
        output_dir=str(tmp_path / "api"),
        config_file=str(config),
    )
    assert_same_tree(tree(from_cli), tree(Path(from_api)), "command line vs API")


@pytest.mark.parametrize("answers", ANSWER_PARAMS)
def test_baking_again_over_a_bake_changes_nothing(
    answers: dict[str, str], template: Path, config: Path, tmp_path: Path
) -> None:
    """The hooks run again on a directory they already shaped: renaming a mode variant onto
    the file it became, removing what is already gone, must give the same project."""
    output_dir = tmp_path / "out"
    project = cookiecutter_cli(template, config, output_dir, "--no-input", *key_values(answers))
    before = tree(project)

    again = cookiecutter_cli(
        template, config, output_dir, "--no-input", "--overwrite-if-exists",
        *key_values(answers),
    )  # fmt: skip
    assert again == project
    assert_same_tree(before, tree(project), "a second bake over the first")


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


def test_a_replay_file_from_an_earlier_version_bakes_what_the_template_bakes_now(
    template: Path, config: Path, replay_file: Path, tmp_path: Path
) -> None:
    fresh = cookiecutter_cli(
        template, config, tmp_path / "fresh", "--no-input", *key_values(STALE_ANSWERS)
    )
    stale = with_stale_private_values(json.loads(replay_file.read_text(encoding="utf-8")))
    old_file = tmp_path / "old" / "answers.json"
    old_file.parent.mkdir()
    old_file.write_text(json.dumps(stale), encoding="utf-8")

    replayed = cookiecutter_cli(
        template, config, tmp_path / "replayed", "--replay-file", str(old_file)
    )

    assert_same_tree(tree(fresh), tree(replayed), "replay of a file with stale private values")
    assert "mysql+asyncmy://" in (replayed / "app/core/config.py").read_text(encoding="utf-8")
