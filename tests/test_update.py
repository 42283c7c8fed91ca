"""Projects baked from this template follow it with cruft: create or link, check, update.

Each scenario copies the working tree's template into a throwaway git repository, bakes a
project from it (with `cruft create`, or with `cookiecutter` and then `cruft link`), commits
the project, edits it the way its owners would, commits a change to the template, and runs
`cruft update`. The update must bring the template change in, keep every edit, leave no
conflict and touch nothing else: the project must end up exactly as a fresh bake of the new
template with the same edits made to it.
"""

from __future__ import annotations

import functools
import json
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import harness
import pytest

SLUG_DIR = "{{cookiecutter.project_slug}}"

# cruft imports `example` from the optional `examples` package, for its docs. Some wheels
# (aiomysql 0.3.x) install an unrelated top-level `examples` package, and with one installed
# beside cruft every `cruft` command dies with "TypeError: 'module' object is not callable".
# Blocking that import makes cruft use its own no-op fallback, whatever else the environment
# running the meta-tests holds; otherwise cruft runs exactly as its console script does.
CRUFT = [
    sys.executable,
    "-c",
    "import runpy, sys; sys.modules['examples'] = None; "
    "runpy.run_module('cruft', run_name='__main__', alter_sys=True)",
]

SUITE_ARGS = [*harness.SUITE_ARGS, "-rA", "--cov"]


NEW_SETTING = "    request_timeout_seconds: float = 30.0\n"
NEW_ENV_LINES = (
    "# Seconds an outgoing call may take before it is abandoned.\nREQUEST_TIMEOUT_SECONDS=30\n"
)
NEW_README_LINE = "Outgoing calls give up after `REQUEST_TIMEOUT_SECONDS` (30 by default).\n"
SECURITY_COMMENT = (
    "# HS256 is symmetric: every instance that checks tokens holds the same SECRET_KEY.\n"
)
NEW_TEST_FILE = "tests/unit/test_request_timeout.py"
NEW_TEST = """\
import pytest

from app.core.config import Settings


def test_request_timeout_defaults_to_thirty_seconds() -> None:
    assert Settings().request_timeout_seconds == 30.0


def test_request_timeout_is_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REQUEST_TIMEOUT_SECONDS", "2.5")

    assert Settings().request_timeout_seconds == 2.5
"""


def only_match(path: Path, pattern: str) -> tuple[str, re.Match[str]]:
    text = path.read_text(encoding="utf-8")
    matches = list(re.finditer(pattern, text, flags=re.MULTILINE))
    assert len(matches) == 1, f"{path}: expected one line matching {pattern!r}, found {matches}"
    return text, matches[0]


def insert_after_line(path: Path, pattern: str, addition: str) -> None:
    text, match = only_match(path, pattern)
    end = text.index("\n", match.end()) + 1
    path.write_text(text[:end] + addition + text[end:], encoding="utf-8")


def insert_before_line(path: Path, pattern: str, addition: str) -> None:
    text, match = only_match(path, pattern)
    path.write_text(text[: match.start()] + addition + text[match.start() :], encoding="utf-8")


def append(path: Path, addition: str) -> None:
    text = path.read_text(encoding="utf-8")
    separator = "" if text.endswith("\n") else "\n"
    path.write_text(text + separator + addition, encoding="utf-8")


# A filter the template's extension gains, which the new README line uses: cruft renders
# the old commit and the new one in one process, and the new one must get its own filters.
NEW_FILTER = """

_first_init = AnswersExtension.__init__


def _with_by_default(self: AnswersExtension, environment: Environment) -> None:
    _first_init(self, environment)
    environment.filters["by_default"] = lambda value: f"{value} by default"


AnswersExtension.__init__ = _with_by_default  # type: ignore[method-assign]
"""
NEW_README_SOURCE = (
    "Outgoing calls give up after `REQUEST_TIMEOUT_SECONDS` ({{ 30|by_default }}).\n"
)


def change_template(template: Path) -> None:
    """What a maintainer might commit: a new setting, documented in .env.example and the
    README (with a filter new to local_extensions.py) and tested by a new file; and a
    comment in a file only auth=yes projects hold."""
    slug = template / SLUG_DIR
    insert_after_line(slug / "app/core/config.py", r"^    database_url: str = ", NEW_SETTING)
    append(slug / ".env.example", NEW_ENV_LINES)
    append(template / "local_extensions.py", NEW_FILTER)
    append(slug / "README.md", "\n" + NEW_README_SOURCE)
    insert_before_line(slug / "app/core/security.py", r"^ALGORITHM = ", SECURITY_COMMENT)
    (slug / NEW_TEST_FILE).write_text(NEW_TEST, encoding="utf-8")


PING_ENDPOINT = '''

@router.get("/ping")
async def ping() -> dict[str, str]:
    """Added by the project's owners after it was baked."""
    return {"ping": "pong"}
'''
PING_TEST_FILE = "tests/api/test_ping.py"
PING_TEST = """\
from fastapi import status
from httpx2 import Client


def test_ping_answers_pong(client: Client) -> None:
    response = client.get("/health/ping")

    assert response.status_code == status.HTTP_200_OK
    assert response.json() == {"ping": "pong"}
"""
# What `pytest --snapshot-update` adds to the OpenAPI snapshot for it, which the owners
# commit with the endpoint (the snapshot test fails until they do).
PING_OPERATION = {
    "description": "Added by the project's owners after it was baked.",
    "operationId": "ping_health_ping_get",
    "responses": {
        "200": {
            "content": {
                "application/json": {
                    "schema": {
                        "additionalProperties": {"type": "string"},
                        "title": "Response Ping Health Ping Get",
                        "type": "object",
                    }
                }
            },
            "description": "Successful Response",
        }
    },
    "summary": "Ping",
    "tags": ["health"],
}
OWNERS_CONSTANT = "\n\nREPORT_BATCH_SIZE = 500\n"
README_TEAM = " (payments team)"


def retitle_readme(project: Path) -> None:
    readme = project / "README.md"
    text = readme.read_text(encoding="utf-8")
    title = text.split("\n", 1)[0]
    assert title.startswith("# "), f"README.md does not start with a title: {title!r}"
    readme.write_text(text.replace(title, title + README_TEAM, 1), encoding="utf-8")


def edit_common(project: Path) -> None:
    """Other lines of two files the template change touches."""
    append(project / "app/core/config.py", OWNERS_CONSTANT)
    retitle_readme(project)


def edit_with_endpoint(project: Path) -> None:
    """Also a new endpoint in a file the change does not touch, the owners' own test and the
    endpoint in the OpenAPI snapshot.
    (The test uses the sync client: for projects baked with mode=sync.)"""
    edit_common(project)
    append(project / "app/health/router.py", PING_ENDPOINT)
    (project / PING_TEST_FILE).write_text(PING_TEST, encoding="utf-8")
    (snapshot,) = (project / "tests/api/__snapshots__").rglob("*.json")
    schema = json.loads(snapshot.read_text(encoding="utf-8"))
    schema["paths"]["/health/ping"] = {"get": PING_OPERATION}
    updated = json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    snapshot.write_text(updated, encoding="utf-8")


@pytest.fixture(scope="module")
def tool_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """git with a fixed identity and no user or system config; cookiecutter (inside cruft too)
    with its replay files and clones kept in a temporary directory."""
    home = tmp_path_factory.mktemp("tools")
    gitconfig = home / "gitconfig"
    gitconfig.write_text("", encoding="utf-8")
    identity = {"NAME": "Template Tests", "EMAIL": "template-tests@example.com"}
    git_identity = {
        f"GIT_{role}_{key}": value
        for role in ("AUTHOR", "COMMITTER")
        for key, value in identity.items()
    }
    return harness.clean_environ(
        **git_identity,
        GIT_CONFIG_GLOBAL=str(gitconfig),
        GIT_CONFIG_NOSYSTEM="1",
        COOKIECUTTER_CONFIG=str(harness.write_cookiecutter_config(home / "cookiecutter")),
    )


def git(environ: dict[str, str], cwd: Path, *args: str) -> str:
    return harness.run_checked(["git", *args], cwd, environ).stdout


def cruft(environ: dict[str, str], cwd: Path, *args: str, check: bool = True) -> harness.Outcome:
    done = subprocess.run(
        [*CRUFT, *args],
        cwd=cwd,
        env=environ,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    outcome = harness.Outcome(f"cruft {' '.join(args)}", done.returncode, done.stdout + done.stderr)
    if check:
        outcome.require_success()
    return outcome


def commit_all(environ: dict[str, str], repo: Path, message: str) -> str:
    git(environ, repo, "add", "--all")
    git(environ, repo, "commit", "--quiet", "--message", message)
    return git(environ, repo, "rev-parse", "HEAD").strip()


def make_template_repo(source: Path, destination: Path, environ: dict[str, str]) -> str:
    """Copy the template's files into a new git repository; return its first commit."""
    harness.copy_template(source, destination)
    git(environ, destination, "init", "--quiet", "--initial-branch=main")
    return commit_all(environ, destination, "Template as in the working tree")


def changed_paths(environ: dict[str, str], project: Path) -> dict[str, str]:
    """Path -> A/M/D for everything in the working tree that differs from HEAD."""
    git(environ, project, "add", "--all")
    lines = git(environ, project, "diff", "--cached", "--name-status", "HEAD").splitlines()
    return {path: status for status, path in (line.split("\t", 1) for line in lines)}


CONFLICT_MARKER = re.compile(rb"^(<{7}|>{7}|={7})( |$)", re.MULTILINE)


def leftovers(project: Path) -> list[str]:
    """Rejected hunks and conflict markers that a failed merge leaves behind."""
    found = []
    for path in sorted(project.rglob("*")):
        relative = path.relative_to(project)
        if relative.parts[0] == ".git" or not path.is_file():
            continue
        if path.suffix in {".rej", ".orig"}:
            found.append(f"{relative.as_posix()}: left by a patch that did not apply")
        elif CONFLICT_MARKER.search(path.read_bytes()):
            found.append(f"{relative.as_posix()}: conflict markers")
    return found


def cookiecutter_config(environ: dict[str, str]) -> Path:
    return Path(environ["COOKIECUTTER_CONFIG"])


@dataclass
class Scenario:
    answers: dict[str, str]
    project: Path
    template: Path
    old_commit: str
    new_commit: str
    check_before: harness.Outcome  # the template has moved on
    update: harness.Outcome
    check_after: harness.Outcome
    changed: dict[str, str]  # what the update changed in the committed, edited project
    expected: Path  # a fresh bake of the new template, with the same edits
    edit: Callable[[Path], None]

    @property
    def has_endpoint(self) -> bool:
        return self.edit is edit_with_endpoint

    @property
    def has_added_resource(self) -> bool:
        return isinstance(self.edit, functools.partial) and self.edit.func is grow

    @property
    def has_auth(self) -> bool:
        return self.answers.get("auth", "yes") == "yes"


def update_and_compare(
    answers: dict[str, str],
    project: Path,
    template: Path,
    old_commit: str,
    new_commit: str,
    edit: Callable[[Path], None],
    work: Path,
    environ: dict[str, str],
) -> Scenario:
    check_before = cruft(environ, project, "check", check=False)
    update = cruft(environ, project, "update", "--skip-apply-ask", check=False)
    check_after = cruft(environ, project, "check", check=False)
    changed = changed_paths(environ, project)
    # The template repository's working tree is at the new commit.
    expected = harness.cookiecutter_cli(
        template, cookiecutter_config(environ), work / "expected", "--no-input",
        *harness.key_values(answers),
    )  # fmt: skip
    edit(expected)
    return Scenario(
        answers, project, template, old_commit, new_commit, check_before, update, check_after,
        changed, expected, edit,
    )  # fmt: skip


@dataclass
class Created:
    scenario: Scenario
    baked: harness.Tree  # the project as cruft baked it, .cruft.json aside
    state_at_bake: dict[str, Any]  # .cruft.json as cruft create wrote it
    check_at_bake: harness.Outcome


@pytest.fixture(scope="module")
def created(
    template_dir: Path, tool_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Created:
    """`cruft create` with the default answers; the owners add an endpoint and edit two files."""
    work = tmp_path_factory.mktemp("created")
    template = work / "template"
    old_commit = make_template_repo(template_dir, template, tool_env)

    out = work / "out"
    cruft(tool_env, work, "create", str(template), "--no-input", "--output-dir", str(out))
    (project,) = (path for path in out.iterdir() if path.is_dir())
    baked = harness.tree(project, ignore=(".cruft.json",))
    state_at_bake = json.loads((project / ".cruft.json").read_text(encoding="utf-8"))
    git(tool_env, project, "init", "--quiet", "--initial-branch=main")
    commit_all(tool_env, project, "Baked with cruft")
    check_at_bake = cruft(tool_env, project, "check", check=False)

    edit_with_endpoint(project)
    commit_all(tool_env, project, "Owners' edits")
    change_template(template)
    new_commit = commit_all(tool_env, template, "Add REQUEST_TIMEOUT_SECONDS")

    scenario = update_and_compare(
        {}, project, template, old_commit, new_commit, edit_with_endpoint, work, tool_env
    )
    return Created(scenario, baked, state_at_bake, check_at_bake)


# What the owners of a grown project ran: `make resource NAME=tag PARENT=item`.
ADDED_RESOURCE = ["tag", "--parent", "item"]
DEFAULT_CONTEXT = {"resource_name": "item", "resource_plural": "items"}


def grow(project: Path, template: Path, environ: dict[str, str]) -> None:
    """The common edits, and a resource under the first one added with the project's own
    command. A fresh bake to compare with has no `.cruft.json`: one for the default answers
    is lent to it for the command and taken back."""
    edit_common(project)
    record = project / ".cruft.json"
    lent = not record.exists()
    if lent:
        context = {**harness.default_combo().answers(), **DEFAULT_CONTEXT}
        state = {"template": str(template), "commit": None, "context": {"cookiecutter": context}}
        record.write_text(json.dumps(state), encoding="utf-8")
    command = shlex.join([sys.executable, "-m", "cookiecutter"])
    added = subprocess.run(
        [sys.executable, "scripts/add_resource.py", *ADDED_RESOURCE],
        cwd=project,
        env={**environ, "COOKIECUTTER": command},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert added.returncode == 0, added.stdout + added.stderr
    if lent:
        record.unlink()


@pytest.fixture(scope="module")
def grown(
    template_dir: Path, tool_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Scenario:
    """`cruft create`, then the owners add a resource with `make resource` and commit it; the
    template moves on and `cruft update` must bring its change into the grown project."""
    work = tmp_path_factory.mktemp("grown")
    template = work / "template"
    old_commit = make_template_repo(template_dir, template, tool_env)
    out = work / "out"
    cruft(tool_env, work, "create", str(template), "--no-input", "--output-dir", str(out))
    (project,) = (path for path in out.iterdir() if path.is_dir())
    git(tool_env, project, "init", "--quiet", "--initial-branch=main")
    commit_all(tool_env, project, "Baked with cruft")

    edit = functools.partial(grow, template=template, environ=tool_env)
    edit(project)
    commit_all(tool_env, project, "Add tags")
    change_template(template)
    new_commit = commit_all(tool_env, template, "Add REQUEST_TIMEOUT_SECONDS")
    return update_and_compare({}, project, template, old_commit, new_commit, edit, work, tool_env)


LINKED_ANSWERS = {
    "project_name": "Order Desk",
    "resource_name": "order",
    "mode": "async",
    "auth": "no",
    "ci": "none",
    "docker": "no",
    "license": "none",
}


@pytest.fixture(scope="module")
def linked(
    template_dir: Path, tool_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Scenario:
    """Baked by plain `cookiecutter` with other answers, then linked with `cruft link` to the
    commit it was baked from (the template has moved on by then), as docs/updating.md says."""
    work = tmp_path_factory.mktemp("linked")
    template = work / "template"
    old_commit = make_template_repo(template_dir, template, tool_env)
    project = harness.cookiecutter_cli(
        template, cookiecutter_config(tool_env), work / "out", "--no-input",
        *harness.key_values(LINKED_ANSWERS),
    )  # fmt: skip
    git(tool_env, project, "init", "--quiet", "--initial-branch=main")
    commit_all(tool_env, project, "Baked with cookiecutter")

    change_template(template)
    new_commit = commit_all(tool_env, template, "Add REQUEST_TIMEOUT_SECONDS")

    cruft(
        tool_env, project, "link", str(template), "--no-input", "--checkout", old_commit,
        "--extra-context", json.dumps(LINKED_ANSWERS),
    )  # fmt: skip
    edit_common(project)
    commit_all(tool_env, project, "Link to the template; owners' edits")
    return update_and_compare(
        LINKED_ANSWERS, project, template, old_commit, new_commit, edit_common, work, tool_env
    )


@dataclass
class Skipped:
    project: Path
    readme_before: bytes
    update: harness.Outcome
    changed: dict[str, str]


@pytest.fixture(scope="module")
def skipped(
    template_dir: Path, tool_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Skipped:
    """The owners list README.md under `skip` in .cruft.json and delete .env.example; both
    files are changed by the template afterwards."""
    work = tmp_path_factory.mktemp("skipped")
    template = work / "template"
    make_template_repo(template_dir, template, tool_env)
    out = work / "out"
    cruft(tool_env, work, "create", str(template), "--no-input", "--output-dir", str(out))
    (project,) = (path for path in out.iterdir() if path.is_dir())
    cruft_file = project / ".cruft.json"
    state = json.loads(cruft_file.read_text(encoding="utf-8"))
    state["skip"] = ["README.md"]
    cruft_file.write_text(json.dumps(state, indent=2) + "\n", encoding="utf-8")
    (project / ".env.example").unlink()
    git(tool_env, project, "init", "--quiet", "--initial-branch=main")
    commit_all(tool_env, project, "Baked with cruft; README.md is ours; no .env.example")
    readme_before = (project / "README.md").read_bytes()

    change_template(template)
    commit_all(tool_env, template, "Add REQUEST_TIMEOUT_SECONDS")
    update = cruft(tool_env, project, "update", "--skip-apply-ask", check=False)
    return Skipped(project, readme_before, update, changed_paths(tool_env, project))


# Each scenario is built once per worker that asks for it: one xdist group per scenario.
ON_CREATED = pytest.mark.xdist_group("cruft-created")
ON_LINKED = pytest.mark.xdist_group("cruft-linked")
ON_SKIPPED = pytest.mark.xdist_group("cruft-skipped")
ON_GROWN = pytest.mark.xdist_group("cruft-grown")


@pytest.fixture(
    params=[
        pytest.param("created", marks=ON_CREATED),
        pytest.param("linked", marks=ON_LINKED),
        pytest.param("grown", marks=ON_GROWN),
    ]
)
def scenario(request: pytest.FixtureRequest) -> Scenario:
    value = request.getfixturevalue(request.param)
    result: Scenario = value.scenario if isinstance(value, Created) else value
    return result


# The grown project's suite would need the migration its owners generate for the new
# resource; tests/test_new_model_workflow.py runs that workflow on every database and mode.
@pytest.fixture(
    params=[
        pytest.param("created", marks=ON_CREATED),
        pytest.param("linked", marks=ON_LINKED),
    ]
)
def suite_scenario(request: pytest.FixtureRequest) -> Scenario:
    value = request.getfixturevalue(request.param)
    result: Scenario = value.scenario if isinstance(value, Created) else value
    return result


@ON_CREATED
def test_cruft_create_bakes_what_cookiecutter_bakes(
    created: Created, tool_env: dict[str, str], tmp_path: Path
) -> None:
    old = tmp_path / "template-at-old-commit"
    git(tool_env, tmp_path, "clone", "--quiet", str(created.scenario.template), str(old))
    git(tool_env, old, "checkout", "--quiet", created.scenario.old_commit)
    plain = harness.cookiecutter_cli(
        old, cookiecutter_config(tool_env), tmp_path / "out", "--no-input"
    )
    harness.assert_same_tree(harness.tree(plain), created.baked, "cookiecutter vs cruft create")


@ON_CREATED
def test_cruft_create_records_the_template_commit_and_the_answers(created: Created) -> None:
    state = created.state_at_bake
    assert state["template"] == str(created.scenario.template)
    assert state["commit"] == created.scenario.old_commit
    spec = harness.load_answers_spec(created.scenario.template)
    answers = state["context"]["cookiecutter"]
    for key, value in spec.items():
        if not key.startswith("_"):
            default = value[0] if isinstance(value, list) else value
            if "{{" not in default:
                assert answers[key] == default, key


@ON_CREATED
def test_check_passes_right_after_cruft_create(created: Created) -> None:
    assert created.check_at_bake.returncode == 0, created.check_at_bake.report()
    assert "up to date" in created.check_at_bake.output


def test_check_fails_once_the_template_has_moved_on(scenario: Scenario) -> None:
    assert scenario.check_before.returncode != 0, scenario.check_before.report()
    assert "out of date" in scenario.check_before.output


def test_update_applies_cleanly(scenario: Scenario) -> None:
    # cruft exits 0 and says "updated" even when `git apply` refused part of the diff.
    scenario.update.require_success()
    output = scenario.update.output
    assert "has been updated" in output, scenario.update.report()
    assert "error:" not in output, scenario.update.report()
    assert "Failed to apply" not in output, scenario.update.report()


def test_update_leaves_no_rejected_hunk_or_conflict(scenario: Scenario) -> None:
    found = leftovers(scenario.project)
    assert not found, "after cruft update:\n" + "\n".join(found)


def test_update_changes_only_what_the_template_changed(scenario: Scenario) -> None:
    expected = {
        ".cruft.json": "M",
        ".env.example": "M",
        "README.md": "M",
        "app/core/config.py": "M",
        NEW_TEST_FILE: "A",
    }
    if scenario.has_auth:
        expected["app/core/security.py"] = "M"
    assert scenario.changed == expected, scenario.update.report()


def test_update_keeps_the_owners_edits_and_brings_the_template_change(scenario: Scenario) -> None:
    def read(relative: str) -> str:
        return (scenario.project / relative).read_text(encoding="utf-8")

    assert read("app/core/config.py").endswith(OWNERS_CONSTANT)
    assert NEW_SETTING in read("app/core/config.py")
    assert read("README.md").split("\n", 1)[0].endswith(README_TEAM)
    assert read("README.md").endswith(NEW_README_LINE)
    assert read(".env.example").endswith(NEW_ENV_LINES)
    assert read(NEW_TEST_FILE) == NEW_TEST
    if scenario.has_endpoint:
        assert read("app/health/router.py").endswith(PING_ENDPOINT)
        assert read(PING_TEST_FILE) == PING_TEST
    if scenario.has_added_resource:
        assert "/items/{item_id}/tags" in read("app/tags/router.py")
    if scenario.has_auth:
        assert SECURITY_COMMENT in read("app/core/security.py")
    else:
        # A change to a file these answers remove does not bring the file back.
        assert not (scenario.project / "app/core/security.py").exists()


def test_updated_project_is_a_fresh_bake_with_the_same_edits(scenario: Scenario) -> None:
    actual = harness.tree(scenario.project, ignore=(".git", ".cruft.json"))
    harness.assert_same_tree(
        harness.tree(scenario.expected), actual, "fresh bake + edits vs updated project"
    )


def test_update_records_the_new_commit_and_keeps_the_answers(scenario: Scenario) -> None:
    state = json.loads((scenario.project / ".cruft.json").read_text(encoding="utf-8"))
    assert state["commit"] == scenario.new_commit
    recorded = state["context"]["cookiecutter"]
    assert {key: recorded[key] for key in scenario.answers} == scenario.answers


def test_check_passes_after_the_update(scenario: Scenario) -> None:
    assert scenario.check_after.returncode == 0, scenario.check_after.report()


def test_a_second_update_has_nothing_to_do(scenario: Scenario, tool_env: dict[str, str]) -> None:
    project = scenario.project
    if git(tool_env, project, "status", "--porcelain").strip():
        commit_all(tool_env, project, "Update from the template")
    again = cruft(tool_env, project, "update", "--skip-apply-ask")
    assert "Nothing to do" in again.output, again.report()
    assert not git(tool_env, project, "status", "--porcelain").strip()


@pytest.mark.env
def test_updated_project_passes_its_own_suite(suite_scenario: Scenario, tmp_path: Path) -> None:
    scenario = suite_scenario
    # A copy: the suite's own files (.coverage, caches) stay out of the scenario's project.
    project = tmp_path / scenario.project.name
    shutil.copytree(scenario.project, project, ignore=shutil.ignore_patterns(".git"))
    state = json.loads((project / ".cruft.json").read_text(encoding="utf-8"))
    env_dir = harness.ensure_env(project, state["context"]["cookiecutter"]["python_version"])
    outcome = harness.run_in_env(env_dir, SUITE_ARGS, project, timeout=harness.SUITE_TIMEOUT)

    outcome.require_success()
    ran = [NEW_TEST_FILE]
    if scenario.has_endpoint:
        ran.append(PING_TEST_FILE)
    for path in ran:
        assert f"PASSED {path}::" in outcome.output, outcome.report()


@ON_SKIPPED
def test_update_leaves_skipped_and_deleted_files_alone(skipped: Skipped) -> None:
    skipped.update.require_success()
    assert skipped.changed == {
        ".cruft.json": "M",
        "app/core/config.py": "M",
        "app/core/security.py": "M",
        NEW_TEST_FILE: "A",
    }, skipped.update.report()
    assert (skipped.project / "README.md").read_bytes() == skipped.readme_before
    assert not (skipped.project / ".env.example").exists()
    assert not leftovers(skipped.project)


@ON_SKIPPED
def test_update_keeps_the_skip_list(skipped: Skipped) -> None:
    state = json.loads((skipped.project / ".cruft.json").read_text(encoding="utf-8"))
    assert state["skip"] == ["README.md"]


def test_update_can_turn_an_answer_on_later(
    template_dir: Path, tool_env: dict[str, str], tmp_path: Path
) -> None:
    """`--variables-to-update` re-bakes with the new answer and applies the difference: a
    project baked without Docker gets exactly the files and README lines docker=yes bakes."""
    template = tmp_path / "template"
    make_template_repo(template_dir, template, tool_env)
    out = tmp_path / "out"
    cruft(
        tool_env, tmp_path, "create", str(template), "--no-input", "--output-dir", str(out),
        "--extra-context", json.dumps({"docker": "no"}),
    )  # fmt: skip
    (project,) = (path for path in out.iterdir() if path.is_dir())
    git(tool_env, project, "init", "--quiet", "--initial-branch=main")
    commit_all(tool_env, project, "Baked without Docker")

    update = cruft(
        tool_env, project, "update", "--skip-apply-ask",
        "--variables-to-update", json.dumps({"docker": "yes"}),
    )  # fmt: skip

    assert "error:" not in update.output, update.report()
    added = {path for path, status in changed_paths(tool_env, project).items() if status == "A"}
    assert added == set(harness.removed_when()["docker=no"])
    with_docker = harness.cookiecutter_cli(
        template, cookiecutter_config(tool_env), tmp_path / "expected", "--no-input", "docker=yes"
    )
    actual = harness.tree(project, ignore=(".git", ".cruft.json"))
    harness.assert_same_tree(
        harness.tree(with_docker), actual, "docker=no updated to yes vs baked with yes"
    )


def test_an_edit_on_the_lines_the_template_changes_is_left_as_a_marked_conflict(
    template_dir: Path, tool_env: dict[str, str], tmp_path: Path
) -> None:
    """What docs/updating.md tells owners to look for: cruft reports success, and the
    conflict is only visible in git (an unmerged path, markers `git diff --check` finds)."""
    template = tmp_path / "template"
    make_template_repo(template_dir, template, tool_env)
    out = tmp_path / "out"
    cruft(tool_env, tmp_path, "create", str(template), "--no-input", "--output-dir", str(out))
    (project,) = (path for path in out.iterdir() if path.is_dir())
    git(tool_env, project, "init", "--quiet", "--initial-branch=main")
    commit_all(tool_env, project, "Baked with cruft")
    # The owners change the line the template change is inserted after.
    config = project / "app/core/config.py"
    text, match = only_match(config, r"^    database_url: str = .*$")
    config.write_text(
        text.replace(match.group(0), '    database_url: str = "sqlite:///./owners.db"'),
        encoding="utf-8",
    )
    commit_all(tool_env, project, "Owners' database")
    change_template(template)
    commit_all(tool_env, template, "Add REQUEST_TIMEOUT_SECONDS")

    update = cruft(tool_env, project, "update", "--skip-apply-ask")

    assert "has been updated" in update.output, update.report()
    status = git(tool_env, project, "status", "--porcelain")
    assert "UU app/core/config.py" in status.splitlines(), status
    diff_check = subprocess.run(
        ["git", "diff", "--check"], cwd=project, env=tool_env, capture_output=True, text=True
    )
    assert diff_check.returncode != 0
    assert "app/core/config.py" in diff_check.stdout
    assert "leftover conflict marker" in diff_check.stdout


def test_private_values_stored_by_an_earlier_version_do_not_reach_the_project(
    template_dir: Path, tool_env: dict[str, str], tmp_path: Path
) -> None:
    """`.cruft.json` keeps the whole context of the bake; `cruft diff` bakes the template
    again from it and compares. Stale derived values in it must change nothing."""
    template = tmp_path / "template"
    make_template_repo(template_dir, template, tool_env)
    out = tmp_path / "out"
    cruft(
        tool_env, tmp_path, "create", str(template), "--no-input", "--output-dir", str(out),
        "--extra-context", json.dumps(harness.STALE_ANSWERS),
    )  # fmt: skip
    (project,) = (path for path in out.iterdir() if path.is_dir())
    cruft_file = project / ".cruft.json"
    state = json.loads(cruft_file.read_text(encoding="utf-8"))
    state["context"] = harness.with_stale_private_values(state["context"])
    cruft_file.write_text(json.dumps(state, indent=2) + "\n", encoding="utf-8")

    diff = cruft(tool_env, project, "diff", "--exit-code", check=False)

    assert diff.returncode == 0, diff.report()
    assert "mysql+asyncmy://" in (project / "app/core/config.py").read_text(encoding="utf-8")
