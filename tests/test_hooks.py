"""The hooks' logic as plain functions: validation rules and file shaping."""

import importlib.util
import json
import os
import subprocess
from pathlib import Path
from types import ModuleType

import harness
import pytest


def load_hook(name: str) -> ModuleType:
    # The hooks are Jinja templates only where they read the answers; loaded raw, the
    # ANSWERS string is inert and every function can be called with a dict.
    path = harness.REPO_ROOT / "hooks" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec
    assert spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


pre = load_hook("pre_gen_project")
post = load_hook("post_gen_project")

GOOD = {
    "project_name": "My Service",
    "project_slug": "my-service",
    "description": "A FastAPI service that arrives tested.",
    "author_name": "Jane Doe",
    "author_email": "jane@example.com",
    "version": "0.1.0",
    "resource_name": "item",
    "resource_plural": "items",
    "auth": "yes",
}


def refusals(**changes: str) -> list[str]:
    return pre.problems({**GOOD, **changes})


def test_good_answers_are_accepted() -> None:
    assert refusals() == []


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("project_slug", "My Service"),
        ("project_slug", "-service"),
        ("project_slug", "service!"),
        ("project_slug", ""),
        ("resource_name", "Item"),
        ("resource_name", "2items"),
        ("resource_name", "class"),
        ("resource_name", "match"),
        ("resource_name", "user"),
        ("resource_plural", "health"),
        ("resource_plural", "item"),
        ("author_email", "jane.example.com"),
        ("author_email", "jane@"),
        ("version", "1.0-beta"),
        ("version", "v1"),
        ("project_name", "   "),
        ("project_name", " My Service"),
        ("project_name", "My\nService"),
        ("project_name", "界" * 12),
        ("description", "two\u2028lines"),
        ("author_name", "x" * 101),
        ("project_slug", "a" * 41),
        ("resource_name", "order__line"),
        ("resource_name", "_order"),
        ("resource_name", "a" * 20),
        ("resource_name", "testimonial"),
        ("resource_name", "session"),
        ("resource_name", "response"),
        ("resource_plural", "main"),
        ("resource_plural", "request_context"),
    ],
)
def test_a_bad_answer_is_refused_with_one_line_naming_variable_value_and_rule(
    key: str, value: str
) -> None:
    (line,) = refusals(**{key: value})

    assert line.startswith(f"{key}={value!r} ")
    assert len(line.split()) > 2  # the rule follows the value


def test_auth_names_are_free_when_auth_is_off() -> None:
    assert refusals(auth="no", resource_name="user", resource_plural="people") == []


def test_a_plural_naming_a_package_of_the_template_is_refused_even_without_auth() -> None:
    # app/users is in the template whatever the answers; it is removed after baking.
    (line,) = refusals(auth="no", resource_name="user", resource_plural="users")

    assert line.startswith("resource_plural='users' ")


@pytest.mark.parametrize(
    ("value", "allowed"),
    [
        ("Rocket 🚀", True),
        ("界" * 11, True),
        ("界" * 12, False),
        ("x" * 70, True),
        ("x" * 71, False),
        ('"' * 35, True),
        ("\\" * 35, True),
        ("\\" * 36, False),
    ],
)
def test_a_project_name_is_measured_as_the_python_string_it_becomes(
    value: str, allowed: bool
) -> None:
    assert (refusals(project_name=value) == []) is allowed


@pytest.mark.parametrize(
    ("version_info", "refused"),
    [((3, 9, 18), True), ((3, 7, 0), True), ((3, 10, 0), False), ((3, 13, 1), False)],
)
def test_an_old_python_is_refused_with_one_line(
    version_info: tuple[int, ...], refused: bool
) -> None:
    problem = pre.python_problem(version_info)

    assert (problem is not None) is refused
    if problem:
        assert "Python 3.10 or newer" in problem
        assert ".".join(map(str, version_info)) in problem


@pytest.mark.parametrize("version", ["0.1.0", "1.0", "2.0.0rc1", "1.0.post2", "1.0.dev3", "1!2.0"])
def test_pep_440_versions_are_accepted(version: str) -> None:
    assert refusals(version=version) == []


def test_every_refused_answer_is_reported_at_once() -> None:
    assert len(refusals(project_slug="Bad Slug", author_email="nope", version="x")) == 3


ANSWERS = {
    "auth": "no",
    "cache": "none",
    "ci": "gitlab",
    "database": "mysql",
    "docker": "no",
    "license": "none",
    "mode": "async",
    "storage": "none",
    "tasks": "none",
}


def test_answers_turning_options_off_remove_their_files() -> None:
    removed = post.paths_to_remove({**ANSWERS, "resource_plural": "orders"}, harness.removed_when())

    assert {"app/auth", "app/users", "tests/api/test_orders_ownership.py"} <= set(removed)
    assert {".github", "Dockerfile", "docker-compose.yml", "LICENSE"} <= set(removed)
    assert "app/core/sqlite.py" in removed
    assert {"app/orders/cache.py", "tests/cache", "app/worker.py", "tests/tasks"} <= set(removed)
    assert {"app/core/storage.py", "app/orders/attachments.py", "tests/storage"} <= set(removed)
    assert ".gitlab-ci.yml" not in removed


def test_the_chosen_mode_variant_becomes_the_module(tmp_path: Path) -> None:
    (tmp_path / "db.sync.py").write_text("sync\n")
    (tmp_path / "db.async.py").write_text("async\n")

    post.choose_mode_variants(tmp_path, "async")

    assert sorted(p.name for p in tmp_path.iterdir()) == ["db.py"]
    assert (tmp_path / "db.py").read_text() == "async\n"


def test_shaping_leaves_no_empty_directory(tmp_path: Path) -> None:
    (tmp_path / "app" / "users").mkdir(parents=True)
    (tmp_path / "app" / "users" / "models.py").write_text("")
    (tmp_path / "app" / "main.py").write_text("")

    post.shape(tmp_path, {**ANSWERS, "resource_plural": "items"}, harness.removed_when())

    assert [p.relative_to(tmp_path).as_posix() for p in sorted(tmp_path.rglob("*"))] == [
        "app",
        "app/main.py",
    ]


# The Pythons older than the harness's own that can run some release of cookiecutter 2
# (3.7 and later; 2.x releases dropped Python 2): on each, the hook either checks the
# answers (3.10 and later, as the current cookiecutter release requires) or refuses at once
# in one line, never with a traceback.
PYENV_ROOT = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv"))


def pyenv_version(python: Path) -> tuple[int, int]:
    major, minor = python.parent.parent.name.split(".")[:2]
    return int(major), int(minor)


OLD_PYTHONS = sorted(
    (
        path
        for path in PYENV_ROOT.glob("versions/3.*/bin/python3")
        if path.is_file() and (3, 7) <= pyenv_version(path) < (3, 11)
    ),
    key=pyenv_version,
)


# Compiles without writing bytecode beside the file.
COMPILE = "import sys; compile(open(sys.argv[1], encoding='utf-8').read(), sys.argv[1], 'exec')"


def rendered_hook(name: str, answers: dict[str, str]) -> str:
    source = (harness.REPO_ROOT / "hooks" / f"{name}.py").read_text(encoding="utf-8")
    return source.replace("{{ cookiecutter | tojson }}", json.dumps(answers))


@pytest.mark.skipif(not OLD_PYTHONS, reason="no Python 3.7-3.10 under pyenv")
@pytest.mark.parametrize("python", OLD_PYTHONS, ids=lambda path: path.parent.parent.name)
def test_the_hook_on_an_older_python_checks_or_refuses_in_one_line(
    python: Path, tmp_path: Path
) -> None:
    hook = tmp_path / "pre_gen_project.py"
    hook.write_text(rendered_hook("pre_gen_project", {**GOOD, "resource_name": "status"}))

    done = subprocess.run(
        [str(python), str(hook)], capture_output=True, text=True, timeout=60, check=False
    )

    lines = done.stderr.splitlines()
    assert done.returncode == 1, done.stderr
    assert len(lines) == 1, done.stderr
    if pyenv_version(python) < pre.MINIMUM_PYTHON:
        assert lines[0].startswith("ERROR: baking needs Python 3.10 or newer"), lines
    else:
        assert lines[0].startswith("ERROR: resource_name='status' "), lines
    # cookiecutter imports the template's extension before it runs any hook.
    for module in ("template_extensions.py", "local_extensions.py"):
        compiled = subprocess.run(
            [str(python), "-c", COMPILE, str(harness.REPO_ROOT / module)],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert compiled.returncode == 0, compiled.stderr
