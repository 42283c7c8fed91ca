"""The same answers bake the same bytes: twice over, from a replay file, and over an old bake.

`cruft update` diffs two fresh bakes of the template (at the project's commit and at the new
one) and applies that diff to the project, so anything that differs between two bakes with the
same answers would reach every project as a spurious change on every update. The bakes here run
`cookiecutter` as a separate process, as people do, with what the template must not depend on
(hash seed, home directory, time zone, locale, working directory) changed between them.
The helpers that bake and compare trees are in `harness.replay`, which test_update.py shares.
"""

from __future__ import annotations

import datetime
import json
import shutil
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


@pytest.fixture(scope="module")
def template(template_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The template as it is when this module starts: every bake a test compares reads the
    same bytes, even while the working tree is being edited."""
    return harness.copy_template(
        template_dir, tmp_path_factory.mktemp("snapshot") / template_dir.name
    )


@pytest.fixture
def config(tmp_path: Path) -> Path:
    return harness.write_cookiecutter_config(tmp_path / "cookiecutter")


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
        args = ["--no-input", *harness.key_values(answers)]
        project = harness.cookiecutter_cli(
            template, config, output_dir, *args, cwd=home, HOME=str(home), **environ
        )
        projects.append(project)

    first, second = projects
    assert first.name == second.name
    harness.assert_same_tree(
        harness.tree(first), harness.tree(second), "two bakes with the same answers"
    )


@pytest.mark.parametrize("answers", ANSWER_PARAMS)
def test_a_bake_carries_no_date(
    answers: dict[str, str], template: Path, config: Path, tmp_path: Path
) -> None:
    """A date written at bake time would differ between the two bakes of every update."""
    project = harness.cookiecutter_cli(
        template, config, tmp_path / "out", "--no-input", *harness.key_values(answers)
    )
    now = datetime.datetime.now(datetime.UTC)
    days = {now.date(), now.astimezone().date()}
    stamps = [day.isoformat().encode() for day in days]
    stamps += [day.strftime("%d/%m/%Y").encode() for day in days]
    hits = [
        f"{path}: {stamp.decode()}"
        for path, (_, content) in harness.tree(project).items()
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
    original = harness.cookiecutter_cli(
        template, config, tmp_path / "original", "--no-input", *harness.key_values(answers)
    )
    expected = harness.tree(original)

    assert replay_file.is_file(), f"cookiecutter wrote no replay file at {replay_file}"
    recorded = json.loads(replay_file.read_text(encoding="utf-8"))["cookiecutter"]
    assert {key: recorded[key] for key in answers} == answers

    # The command line, from the replay directory in the config and from an explicit file.
    replayed = harness.cookiecutter_cli(template, config, tmp_path / "cli-replay", "--replay")
    harness.assert_same_tree(expected, harness.tree(replayed), "`cookiecutter --replay`")

    kept = tmp_path / "kept" / "answers.json"
    kept.parent.mkdir()
    shutil.copyfile(replay_file, kept)
    replay_file.unlink()
    from_file = harness.cookiecutter_cli(
        template, config, tmp_path / "file-replay", "--replay-file", str(kept)
    )
    harness.assert_same_tree(expected, harness.tree(from_file), "`cookiecutter --replay-file`")

    # The Python API, reading the replay directory from the config file.
    shutil.copyfile(kept, replay_file)
    api_out = tmp_path / "api-replay"
    api_project = cookiecutter(
        str(template), replay=True, output_dir=str(api_out), config_file=str(config)
    )
    harness.assert_same_tree(expected, harness.tree(Path(api_project)), "cookiecutter(replay=True)")


@pytest.mark.parametrize("answers", ANSWER_PARAMS)
def test_the_api_bakes_what_the_command_line_bakes(
    answers: dict[str, str], template: Path, config: Path, tmp_path: Path
) -> None:
    from_cli = harness.cookiecutter_cli(
        template, config, tmp_path / "cli", "--no-input", *harness.key_values(answers)
    )
    from_api: Any = cookiecutter(
        str(template),
        no_input=True,
        extra_context=answers,
        output_dir=str(tmp_path / "api"),
        config_file=str(config),
    )
    harness.assert_same_tree(
        harness.tree(from_cli), harness.tree(Path(from_api)), "command line vs API"
    )


@pytest.mark.parametrize("answers", ANSWER_PARAMS)
def test_baking_again_over_a_bake_changes_nothing(
    answers: dict[str, str], template: Path, config: Path, tmp_path: Path
) -> None:
    """The hooks run again on a directory they already shaped: renaming a mode variant onto
    the file it became, removing what is already gone, must give the same project."""
    output_dir = tmp_path / "out"
    project = harness.cookiecutter_cli(
        template, config, output_dir, "--no-input", *harness.key_values(answers)
    )
    before = harness.tree(project)

    again = harness.cookiecutter_cli(
        template, config, output_dir, "--no-input", "--overwrite-if-exists",
        *harness.key_values(answers),
    )  # fmt: skip
    assert again == project
    harness.assert_same_tree(before, harness.tree(project), "a second bake over the first")


def test_a_replay_file_from_an_earlier_version_bakes_what_the_template_bakes_now(
    template: Path, config: Path, replay_file: Path, tmp_path: Path
) -> None:
    fresh = harness.cookiecutter_cli(
        template,
        config,
        tmp_path / "fresh",
        "--no-input",
        *harness.key_values(harness.STALE_ANSWERS),
    )
    stale = harness.with_stale_private_values(json.loads(replay_file.read_text(encoding="utf-8")))
    old_file = tmp_path / "old" / "answers.json"
    old_file.parent.mkdir()
    old_file.write_text(json.dumps(stale), encoding="utf-8")

    replayed = harness.cookiecutter_cli(
        template, config, tmp_path / "replayed", "--replay-file", str(old_file)
    )

    harness.assert_same_tree(
        harness.tree(fresh), harness.tree(replayed), "replay of a file with stale private values"
    )
    assert "mysql+asyncmy://" in (replayed / "app/core/config.py").read_text(encoding="utf-8")
