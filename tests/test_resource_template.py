"""The second template, `resource/`, through the command a baked project documents:
`scripts/add_resource.py NAME [--parent NAME]` (what `make resource` runs).

The added files pass ruff and ruff format for names whose imports sort before, between and
after the project's own modules (`apple`, `zebra`, digits that sort as numbers), with a
parent or not; a name the project already uses, or one the project template would refuse,
is refused with nothing written. So are answers that the project's own files contradict
(each answer the command checks, from its table), and a recorded commit that a local
template's repository lacks; a local template is baked at the recorded commit, not from its
working tree. The new-model workflow meta-test takes added resources through migrations,
mypy, the suite and the contract tests on every database and mode.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shlex
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import harness
import pytest

COOKIECUTTER = shlex.join([sys.executable, "-m", "cookiecutter"])


def cruft_record(
    answers: dict[str, str], template: Path = harness.REPO_ROOT, commit: str | None = None
) -> str:
    """What `cruft link` writes in `.cruft.json`: the template, its commit, these answers."""
    resource = answers.get("resource_name", "item")
    context = {
        **harness.default_combo().answers(),
        **answers,
        "resource_name": resource,
        "resource_plural": answers.get("resource_plural", f"{resource}s"),
    }
    record = {"template": str(template), "commit": commit, "context": {"cookiecutter": context}}
    return json.dumps(record, indent=2) + "\n"


def link(
    project: Path,
    answers: dict[str, str],
    template: Path = harness.REPO_ROOT,
    commit: str | None = None,
) -> None:
    """The `.cruft.json` that `cruft link` would write: this template (at `commit`), these
    answers."""
    (project / ".cruft.json").write_text(cruft_record(answers, template, commit))


def add(project: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    # The meta-suite's Python has no syrupy: the command then only says how to update the
    # OpenAPI snapshot (the workflow meta-test runs it in the project's environment).
    return subprocess.run(
        [sys.executable, "scripts/add_resource.py", *arguments],
        cwd=project,
        env=harness.clean_environ(COOKIECUTTER=COOKIECUTTER),
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def contents(project: Path) -> dict[str, bytes]:
    return {
        path.relative_to(project).as_posix(): path.read_bytes()
        for path in sorted(project.rglob("*"))
        if path.is_file()
    }


NAME_CASES = [
    pytest.param({}, [["zebra"], ["apple"], ["category", "--parent", "item"]], id="item"),
    pytest.param(
        {"resource_name": "order", "database": "postgresql", "mode": "async"},
        [["box", "--parent", "order"], ["line"]],
        id="order",
    ),
    pytest.param(
        {"resource_name": "v10", "auth": "no"},
        [["v2", "--parent", "v10"], ["v3", "--plural", "v3_list"]],
        id="digits-no-auth",
    ),
    pytest.param(
        {"resource_name": "abcdefghijklmnopqr", "database": "mysql", "mode": "async"},
        [["zyxwvutsrqponmlkji", "--parent", "abcdefghijklmnopqr"], ["b"]],
        id="longest",
    ),
]


@pytest.mark.parametrize(("answers", "additions"), NAME_CASES)
def test_added_resources_pass_ruff_for_any_names(
    bake: Callable[..., Any], answers: dict[str, str], additions: list[list[str]]
) -> None:
    project = harness.project_path(bake(answers))
    link(project, answers)
    before = set(contents(project))

    for arguments in additions:
        added = add(project, *arguments)
        assert added.returncode == 0, added.stderr

    new_files = sorted(set(contents(project)) - before)
    assert new_files, "nothing was added"
    assert not harness.unrendered_jinja(project)
    for check in (["check", "--no-cache", "."], ["format", "--no-cache", "--check", "."]):
        linted = subprocess.run(
            [sys.executable, "-m", "ruff", *check],
            cwd=project,
            capture_output=True,
            text=True,
            check=False,
        )
        assert linted.returncode == 0, linted.stdout + linted.stderr


REFUSED = [
    pytest.param(["item"], "resource_name='item' names a resource", id="the-first-resource"),
    pytest.param(["tag"], "resource_name='tag' names a resource", id="an-added-resource"),
    pytest.param(["label", "--plural", "items"], "would write app/items", id="a-taken-plural"),
    pytest.param(["schema"], "would write tests/unit/test_schemas.py", id="a-test-module"),
    pytest.param(["session"], "already uses", id="a-name-the-code-uses"),
    pytest.param(["tags"], "names the project's package app/tags/", id="an-added-plural"),
    pytest.param(["health"], "names the project's package app/health/", id="a-project-package"),
    pytest.param(["Label"], "snake_case", id="not-snake-case"),
    pytest.param(["label", "--parent", "nothing"], "names no resource", id="no-such-parent"),
    pytest.param(["label", "--parent", "note"], "only one level", id="a-nested-parent"),
]


@pytest.fixture(scope="module")
def grown_project(bake: Callable[..., Any]) -> Path:
    """A default project with `tag` added, and `note` under the first resource."""
    project = harness.project_path(bake({}))
    link(project, {})
    for arguments in (["tag"], ["note", "--parent", "item"]):
        assert add(project, *arguments).returncode == 0
    return project


@pytest.mark.parametrize(("arguments", "refusal"), REFUSED)
def test_a_name_the_project_cannot_take_is_refused_with_nothing_written(
    grown_project: Path, arguments: list[str], refusal: str
) -> None:
    before = contents(grown_project)

    refused = add(grown_project, *arguments)

    assert refused.returncode != 0
    assert "ERROR: " in refused.stderr
    assert refusal in refused.stderr, refused.stderr
    assert contents(grown_project) == before


def module_at(relative: str, name: str) -> Any:
    """The repository's file at `relative` as a module called `name` (its `main` does not
    run)."""
    spec = importlib.util.spec_from_file_location(name, harness.REPO_ROOT / relative)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def resource_hook() -> Any:
    """resource/hooks/pre_gen_project.py as a module."""
    return module_at("resource/hooks/pre_gen_project.py", "resource_pre_gen_project")


# The added resource's name and its parent's, spelled so that nothing else contains them.
NEW, NEW_PLURAL = "yak_saddle", "yak_saddles"
FIRST, FIRST_PLURAL = (
    harness.SAMPLE_RESOURCE["resource_name"],
    harness.SAMPLE_RESOURCE["resource_plural"],
)


@pytest.fixture(scope="module")
def names_the_added_code_takes(bake: Callable[..., Any]) -> dict[str, set[str]]:
    """The names a new resource (`resource_name`) and its parent (`parent_name`) could not
    take without colliding with a name of the added code, derived as tests/test_answer_space.py
    derives the first resource's: projects of both modes, with and without accounts, grow a
    resource with a parent and one without, and every module that mentions them is read."""
    taken: dict[str, set[str]] = {"resource_name": set(), "parent_name": set()}
    for mode, auth in (("sync", "yes"), ("async", "no"), ("async", "yes"), ("sync", "no")):
        answers = {**harness.SAMPLE_RESOURCE, "mode": mode, "auth": auth, "database": "mysql"}
        project = harness.project_path(bake(answers))
        link(project, answers)
        for arguments in ([NEW, "--parent", FIRST], ["other_thing"]):
            added = add(project, *arguments)
            assert added.returncode == 0, added.stderr
        taken["resource_name"] |= harness.colliding_answers(project, NEW, NEW_PLURAL)
        added_files = project / "added"
        for path in project.rglob(f"*{NEW_PLURAL}*"):
            if path.is_file():
                target = added_files / path.relative_to(project)
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(path.read_bytes())
        taken["parent_name"] |= harness.colliding_answers(added_files, FIRST, FIRST_PLURAL)
    return taken


def test_the_resource_hook_refuses_every_name_the_added_code_takes(
    names_the_added_code_takes: dict[str, set[str]], tmp_path: Path
) -> None:
    hook = resource_hook()
    rules = hook.project_rules(harness.REPO_ROOT / "resource")
    base = {
        "database": "mysql", "mode": "sync", "auth": "yes",
        "first_resource": "zebra_crossing", "first_plural": "zebra_crossings",
        "resource_name": "yak_saddle", "resource_plural": "yak_saddles",
        "parent_name": FIRST, "parent_plural": FIRST_PLURAL,
    }  # fmt: skip
    accepted = [
        f"{key}={name}"
        for key, names in names_the_added_code_takes.items()
        for name in sorted(names)
        if not name.startswith("test")
        and not any(
            line.startswith(f"{key}=")
            for line in hook.problems(
                {**base, key: name, key.replace("name", "plural"): f"{name}_x"}, tmp_path, rules
            )
        )
    ]
    assert not accepted, "taken by the added code, yet accepted:\n" + "\n".join(accepted)


def test_the_answers_can_come_from_cookiecutters_replay_file(
    bake: Callable[..., Any], tmp_path: Path
) -> None:
    """A project baked with plain `cookiecutter` and never linked: its replay file says
    where the template was (`_repo_dir`) and what was answered."""
    project = harness.project_path(bake({"auth": "no"}))
    replay = tmp_path / "cookiecutter-tested-fastapi.json"
    answers = {**harness.default_combo().answers(), "auth": "no"}
    answers |= {"resource_name": "item", "resource_plural": "items"}
    answers |= {"_template": ".", "_repo_dir": str(harness.REPO_ROOT), "_checkout": None}
    replay.write_text(json.dumps({"cookiecutter": answers}), encoding="utf-8")

    added = add(project, "tag", "--parent", "item", "--answers", str(replay))

    assert added.returncode == 0, added.stderr
    assert "/items/{item_id}/tags" in (project / "app/tags/router.py").read_text()
    assert not (project / "tests/api/test_tags_ownership.py").exists()


def test_the_resource_hooks_tables_list_only_names_the_added_code_takes(
    names_the_added_code_takes: dict[str, set[str]],
) -> None:
    """A name the added code no longer uses must leave the tables (and is then allowed)."""
    hook = resource_hook()
    unused = {
        "TAKEN_BY_RESOURCE": hook.TAKEN_BY_RESOURCE - names_the_added_code_takes["resource_name"],
        "TAKEN_BY_PARENT": hook.TAKEN_BY_PARENT - names_the_added_code_takes["parent_name"],
    }
    assert not any(unused.values()), f"no longer taken by the added code: {unused}"


def add_resource_script() -> Any:
    """scripts/add_resource.py of the project template as a module."""
    return module_at("{{cookiecutter.project_slug}}/scripts/add_resource.py", "add_resource")


# answer -> how the command reads it from the project, and the resource template's variables.
PROJECT_ANSWERS = add_resource_script().PROJECT_ANSWERS
RESOURCE_VARIABLES = json.loads(
    (harness.REPO_ROOT / "resource" / "cookiecutter.json").read_text(encoding="utf-8")
)


def test_every_project_answer_the_resource_template_takes_is_checked() -> None:
    """Apart from the new resource's names, its parent's and the project's directory, which
    the command's arguments and the working directory give, the resource template takes the
    project's answers: each one is read from the project's files before it is passed."""
    own = {"project_dir", "resource_name", "resource_plural", "parent_name", "parent_plural"}
    project_answers = {key for key in RESOURCE_VARIABLES if not key.startswith("_")} - own
    assert {told.variable for told in PROJECT_ANSWERS.values()} == project_answers


def another_value(answer: str, value: str) -> str:
    """A value of `answer` other than `value`: another of the resource template's choices for
    it, or a name the project does not use."""
    choices = RESOURCE_VARIABLES[PROJECT_ANSWERS[answer].variable]
    if isinstance(choices, list):
        return next(choice for choice in choices if choice != value)
    return f"{value}_x"


@pytest.mark.parametrize("answer", list(PROJECT_ANSWERS))
def test_answers_the_project_contradicts_are_refused_with_nothing_written(
    grown_project: Path, answer: str, tmp_path: Path
) -> None:
    """Cookiecutter's replay file holds the answers of the template's last bake: another
    project's, with one answer that this project's files say otherwise."""
    record = json.loads((grown_project / ".cruft.json").read_text(encoding="utf-8"))
    answers = record["context"]["cookiecutter"]
    answers[answer] = another_value(answer, answers[answer])
    answers |= {"_template": ".", "_repo_dir": str(harness.REPO_ROOT), "_checkout": None}
    replay = tmp_path / "cookiecutter-tested-fastapi.json"
    replay.write_text(json.dumps({"cookiecutter": answers}), encoding="utf-8")
    before = contents(grown_project)

    refused = add(grown_project, "label", "--answers", str(replay))

    assert refused.returncode != 0
    (line,) = refused.stderr.splitlines()
    assert line.startswith("ERROR: ")
    told_by = PROJECT_ANSWERS[answer].path.format(**answers)
    for part in (str(replay), f"{answer}={answers[answer]!r}", told_by):
        assert part in line, line
    assert contents(grown_project) == before


GIT_IDENTITY = {
    f"GIT_{role}_{key}": value
    for role in ("AUTHOR", "COMMITTER")
    for key, value in {"NAME": "Template Tests", "EMAIL": "template-tests@example.com"}.items()
}


def git(repo: Path, *arguments: str) -> str:
    """git in `repo` as a fixed identity, without the user's or the system's config."""
    environ = harness.clean_environ(
        **GIT_IDENTITY, GIT_CONFIG_GLOBAL=os.devnull, GIT_CONFIG_NOSYSTEM="1"
    )
    return harness.run_checked(["git", *arguments], repo, environ).stdout.strip()


def commit_all(repo: Path, message: str) -> str:
    git(repo, "add", "--all")
    git(repo, "commit", "--quiet", "--message", message)
    return git(repo, "rev-parse", "HEAD")


# A line the template's working tree has and the commit a project records has not.
NEWER = "# Only in a newer commit of the template."
RESOURCE_SERVICE = (
    "resource/{{cookiecutter.project_dir}}/app/{{cookiecutter.resource_plural}}/service.py"
)


def test_a_local_template_repository_gives_the_recorded_commit_not_its_working_tree(
    bake: Callable[..., Any], tmp_path: Path
) -> None:
    """Cookiecutter ignores --checkout for a directory and bakes its working tree; the
    command bakes the commit `.cruft.json` records instead."""
    template = harness.copy_template(harness.REPO_ROOT, tmp_path / "template")
    git(template, "init", "--quiet", "--initial-branch=main")
    recorded = commit_all(template, "The template as the project was baked from it")
    service = template / RESOURCE_SERVICE
    service.write_text(service.read_text(encoding="utf-8") + NEWER + "\n", encoding="utf-8")
    commit_all(template, "A newer template")
    project = harness.project_path(bake({}))
    link(project, {}, template=template)
    from_working_tree = add(project, "label")
    assert from_working_tree.returncode == 0, from_working_tree.stderr
    assert NEWER in (project / "app/labels/service.py").read_text(encoding="utf-8")
    link(project, {}, template=template, commit=recorded)
    before = set(contents(project))

    added = add(project, "tag")

    assert added.returncode == 0, added.stderr
    new_files = {path: contents(project)[path] for path in set(contents(project)) - before}
    assert "app/tags/service.py" in new_files
    assert not [path for path, text in new_files.items() if NEWER.encode() in text]


UNKNOWN_COMMIT = "0123456789abcdef0123456789abcdef01234567"


@pytest.mark.parametrize(
    "repository", [pytest.param(True, id="a-repository"), pytest.param(False, id="no-repository")]
)
def test_a_recorded_commit_the_local_template_lacks_is_refused_with_nothing_written(
    grown_project: Path, tmp_path: Path, repository: bool
) -> None:
    template = tmp_path / "template"
    template.mkdir()
    if repository:
        git(template, "init", "--quiet", "--initial-branch=main")
    answers_file = tmp_path / ".cruft.json"
    answers_file.write_text(cruft_record({}, template, UNKNOWN_COMMIT), encoding="utf-8")
    before = contents(grown_project)

    refused = add(grown_project, "label", "--answers", str(answers_file))

    assert refused.returncode != 0
    (line,) = refused.stderr.splitlines()
    assert line.startswith("ERROR: ")
    assert UNKNOWN_COMMIT in line, line
    assert str(template) in line, line
    assert contents(grown_project) == before
