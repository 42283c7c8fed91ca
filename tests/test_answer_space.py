"""The whole answer space: an answer the hooks accept bakes a project that passes its own
checks; any other answer is refused in one line per rule broken, with nothing left on disk.

The names the hook refuses as taken are compared with the names freshly baked code uses; the
answers are generated (hypothesis, derandomized) from wide Unicode text, common nouns and the
generated code's own identifiers; and a sample of unusual answers runs its whole suite.
"""

from __future__ import annotations

import atexit
import functools
import itertools
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import harness
import pytest
import yaml
from cookiecutter.exceptions import FailedHookException
from cookiecutter.generate import generate_context
from cookiecutter.main import cookiecutter
from cookiecutter.prompt import prompt_for_config
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from test_hooks import load_hook

pre = load_hook("pre_gen_project")

SINGULAR, PLURAL = (
    harness.SAMPLE_RESOURCE["resource_name"],
    harness.SAMPLE_RESOURCE["resource_plural"],
)


TABLE_NAME = re.compile(r'^\s+__tablename__ = "(\w+)"', re.MULTILINE)


def bake_into(output_dir: Path, answers: dict[str, str]) -> Path:
    return Path(
        cookiecutter(
            str(harness.REPO_ROOT),
            no_input=True,
            extra_context=answers,
            output_dir=str(output_dir),
        )
    )


class Taken:
    """What the baked code takes, by answer: names for resource_name (with and without
    accounts), names for resource_plural; and every identifier it uses. Each core combination
    is baked with the optional services off and on: the tables hold for either."""

    def __init__(self, root: Path) -> None:
        self.singular: dict[str, set[str]] = {"yes": set(), "no": set()}
        self.plural: set[str] = set()
        self.identifiers: set[str] = set()
        self.tables: dict[str, set[str]] = {"yes": set(), "no": set()}
        # With accounts and every service on: the projects that install the most.
        self.fullest: list[Path] = []
        for (database, mode, auth), services in itertools.product(
            itertools.product(*(harness.choices(axis) for axis in harness.CORE_AXES)),
            (harness.SERVICES_OFF, harness.SERVICES_ON),
        ):
            answers = {
                **harness.SAMPLE_RESOURCE,
                **services,
                "database": database,
                "mode": mode,
                "auth": auth,
            }
            name = "-".join([database, mode, auth, *services.values()])
            project = bake_into(root / name, answers)
            self.singular[auth] |= harness.colliding_answers(project, SINGULAR, PLURAL)
            self.plural |= harness.colliding_answers(project, PLURAL)
            for names in harness.project_names(project).values():
                self.identifiers |= names
            for models in project.glob("app/*/models.py"):
                self.tables[auth] |= set(TABLE_NAME.findall(models.read_text(encoding="utf-8")))
            self.tables[auth].discard(PLURAL)
            if auth == "yes" and services == harness.SERVICES_ON:
                self.fullest.append(project)


@functools.cache
def baked_taken() -> Taken:
    """Computed once per process, on first use (the strategies below need it too)."""
    root = Path(tempfile.mkdtemp(prefix="answer-space-taken-"))
    atexit.register(shutil.rmtree, root, ignore_errors=True)
    return Taken(root)


@pytest.fixture(scope="module")
def taken() -> Taken:
    return baked_taken()


def named_after_pytest(name: str) -> bool:
    # Refused by their own rule: pytest collects what starts with "test".
    return name.startswith("test")


def test_the_hook_refuses_every_resource_name_the_baked_code_takes(taken: Taken) -> None:
    base = {**pre_gen_defaults(), "resource_plural": "zebra_crossings"}
    accepted = [
        f"{name} (auth={auth})"
        for auth, names in taken.singular.items()
        for name in sorted(names)
        if not any(
            line.startswith("resource_name=")
            for line in pre.problems({**base, "auth": auth, "resource_name": name})
        )
    ]
    assert not accepted, "taken by the baked code, yet accepted:\n" + "\n".join(accepted)


def test_the_hook_refuses_every_plural_the_template_takes(taken: Taken) -> None:
    base = {**pre_gen_defaults(), "resource_name": "zebra_crossing"}
    accepted = [
        name
        for name in sorted(taken.plural)
        if not any(
            line.startswith("resource_plural=")
            for line in pre.problems({**base, "auth": "no", "resource_plural": name})
        )
    ]
    assert not accepted, f"taken by the template, yet accepted: {accepted}"


def test_the_hooks_tables_list_only_names_the_baked_code_takes(taken: Taken) -> None:
    """Names that the code no longer uses must leave the tables (and are then allowed)."""
    always = {n for n in taken.singular["no"] & taken.singular["yes"] if not named_after_pytest(n)}
    with_auth = {n for n in taken.singular["yes"] - always if not named_after_pytest(n)}
    assert taken.singular["no"] <= taken.singular["yes"]
    for table, derived in (
        ("TAKEN_NAMES", always),
        ("TAKEN_WITH_AUTH", with_auth),
        ("TAKEN_PLURALS", taken.plural),
    ):
        assert sorted(getattr(pre, table)) == sorted(derived), (
            f"hooks/pre_gen_project.py: {table} should be {sorted(derived)}"
        )


def installed_distributions(project: Path) -> set[str]:
    """PEP 503 names of every distribution `project` installs with its tools, on any
    platform and Python it supports: uv resolves its requirements without installing."""
    from uv import find_uv_bin

    done = subprocess.run(
        [find_uv_bin(), "pip", "compile", "--universal", "--quiet", "--no-header",
         "--no-annotate", "pyproject.toml", "--group", "dev"],
        cwd=project, capture_output=True, text=True, check=True,
        env=harness.clean_environ(UV_PYTHON_DOWNLOADS="never"),
    )  # fmt: skip
    return {
        pre.NORMALISED_RUN.sub("-", re.split(r"[=<>;\[ ]", line, maxsplit=1)[0]).lower()
        for line in done.stdout.splitlines()
        if line and line[0].isalnum()
    }


def test_the_hook_refuses_as_a_slug_every_distribution_a_project_installs(
    taken: Taken,
) -> None:
    """A project named after a package it installs depends on itself: nothing installs."""
    derived: set[str] = set()
    for project in taken.fullest:  # each database and mode
        derived |= installed_distributions(project)
    assert sorted(pre.INSTALLED) == sorted(derived), (
        f"hooks/pre_gen_project.py: INSTALLED should be {sorted(derived)}"
    )
    accepted = [
        name
        for name in sorted(derived)
        if not any(
            line.startswith("project_slug=")
            for line in pre.problems({**pre_gen_defaults(), "project_slug": name})
        )
    ]
    assert not accepted, f"installed by the project, yet accepted as its slug: {accepted}"


def test_the_hook_refuses_as_a_plural_every_table_the_project_has_besides_its_resource(
    taken: Taken,
) -> None:
    """A resource's table is named after its plural: one the project has would be defined
    twice (and alembic_version is Alembic's)."""
    base = {**pre_gen_defaults(), "resource_name": "zebra_crossing"}
    for auth, tables in taken.tables.items():
        accepted = [
            table
            for table in sorted(tables | {"alembic_version"})
            if not any(
                line.startswith("resource_plural=")
                for line in pre.problems({**base, "auth": auth, "resource_plural": table})
            )
        ]
        assert not accepted, f"tables of the project (auth={auth}), yet accepted: {accepted}"


def pre_gen_defaults() -> dict[str, str]:
    """The answers as cookiecutter hands them to the hook when nobody changes a thing."""
    return answers_as_baked({})


def answers_as_baked(answers: dict[str, str]) -> dict[str, str]:
    """The full context cookiecutter renders for `answers` (defaults and derived values)."""
    context = generate_context(
        context_file=str(harness.REPO_ROOT / "cookiecutter.json"),
        extra_context=answers,
    )
    sys.path.insert(0, str(harness.REPO_ROOT))
    try:
        rendered: dict[str, Any] = prompt_for_config(context, no_input=True)
    finally:
        sys.path.remove(str(harness.REPO_ROOT))
    return {key: value for key, value in rendered.items() if isinstance(value, str)}


# Text as people type it, from the whole of Unicode (astral characters, right-to-left
# scripts, combining marks, quotes, backslashes), less what cannot be one line of text.
ONE_LINE = st.characters(exclude_categories=("Cc", "Cs", "Zl", "Zp"))
PUNCTUATION = st.sampled_from(list("\"'\\`*_[]<>&|~#!-+=.()1 "))
TEXT_CHARACTERS = st.one_of(ONE_LINE, PUNCTUATION, st.sampled_from("aé漢🚀ש\u200f\u202e"))


def text(max_size: int) -> st.SearchStrategy[str]:
    return st.text(TEXT_CHARACTERS, min_size=1, max_size=max_size)


SNAKE = re.compile(r"[a-z][a-z0-9]*(_[a-z0-9]+)*")


def snake_identifiers(names: set[str]) -> list[str]:
    """The code's identifiers as a resource name would have to be spelled (`Response` ->
    `response`), up to the hook's length and a little past it."""
    snake = {re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower() for name in names}
    return sorted(n for n in snake if SNAKE.fullmatch(n) and len(n) <= pre.RESOURCE_MAX + 3)


# Drawn only when the test runs: deriving them bakes a dozen projects.
CODE_IDENTIFIERS = st.deferred(
    lambda: st.sampled_from(snake_identifiers(baked_taken().identifiers))
)


@st.composite
def answer_sets(draw: st.DrawFn) -> dict[str, str]:
    answers = {
        "project_name": draw(text(max_size=pre.PROJECT_NAME_LITERAL_MAX)),
        "description": draw(
            st.one_of(text(max_size=80), text(max_size=pre.TEXT_MAX["description"]))
        ),
        "author_name": draw(text(max_size=pre.TEXT_MAX["author_name"])),
        "resource_name": draw(
            st.one_of(
                st.sampled_from(harness.COMMON_NOUNS),
                CODE_IDENTIFIERS,
                st.from_regex(r"[a-z][a-z0-9]{0,8}(_[a-z][a-z0-9]{0,8}){0,2}", fullmatch=True),
            )
        ),
        "database": draw(st.sampled_from(harness.choices("database"))),
        "mode": draw(st.sampled_from(harness.choices("mode"))),
        "auth": draw(st.sampled_from(harness.choices("auth"))),
    }
    if draw(st.booleans()):
        # A slug of the longest length the hook allows, or just past it.
        answers["project_slug"] = draw(
            st.from_regex(r"[a-z][a-z0-9-]{30,40}[a-z0-9]", fullmatch=True)
        )
    return answers


# Free text with every kind of character a format gives a meaning to, and right-to-left
# text with its direction marks.
QUOTES_AND_RTL = {
    "project_name": 'Jane "JD" O\'Neil \\ שלום *b* [x](y) <b> & #1',
    "description": "- 1. > # `code` \\ **not bold** | table | ~~no~~ &amp; \u202eémoji 🚀🎉 漢字",
    "author_name": 'O\'Brien "Zoë" \\ \u200f مرحبا',
}
# Every name as long as the hook allows.
LONGEST_POSTGRESQL = {
    "project_name": "界" * 11,
    "project_slug": "a" * pre.SLUG_MAX,
    "resource_name": "abcdefghij_klmnopq",
    "resource_plural": "abcdefghij_klmnopqzz",
    "database": "postgresql",
    "mode": "async",
}
LONGEST_MYSQL = {
    "project_name": "x" * (pre.PROJECT_NAME_LITERAL_MAX - 2),
    "project_slug": "b" * pre.SLUG_MAX,
    "resource_name": "abcdefghij_klmnopq",
    "resource_plural": "abcdefghij_klmnopqzz",
    "database": "mysql",
    "auth": "no",
}
# The answers that broke bakes before the hooks checked them, and the ones above.
ISSUE_EXAMPLES: list[dict[str, str]] = [
    {"project_name": "Acme Orders API", "database": "postgresql"},
    {"resource_name": "customer_complaint"},
    {"description": "Rocket 🚀"},
    {"project_name": "Rocket 🚀"},
    {"project_name": "Dan's Service"},
    {"project_name": "Café API (v2)!"},
    {"project_name": "🚀"},
    {"resource_name": "data", "resource_plural": "datasets"},
    {"resource_name": "status"},
    {"resource_name": "response"},
    {"resource_name": "user", "resource_plural": "users", "auth": "no"},
    {"resource_name": "category", "database": "mysql", "mode": "async"},
    # Names that ruff takes for a secret's (S105), a parameter ruff refuses (ASYNC109), a
    # table the project has, one SQLite keeps, a slug the project installs, an address
    # packaging tools cannot read back.
    {"resource_name": "api_token", "mode": "async"},
    {"resource_name": "boarding_pass", "resource_plural": "boarding_passes"},
    {"resource_name": "timeout"},
    {"resource_name": "login_failure"},
    {"resource_name": "sqlite_file", "resource_plural": "sqlite_files"},
    {"project_name": "FastAPI"},
    {"author_email": "<jane@example.com>"},
    # Slugs that YAML reads as something else when written bare.
    {"project_name": "Null", "database": "postgresql"},
    {"project_name": "On", "database": "mysql"},
    QUOTES_AND_RTL,
    LONGEST_POSTGRESQL,
    LONGEST_MYSQL,
    # The longest names in the code and docstrings that only the services' options write.
    *(
        {**longest, "mode": mode, "cache": "redis", "tasks": "celery", "storage": "s3"}
        for longest in (LONGEST_POSTGRESQL, LONGEST_MYSQL)
        for mode in ("sync", "async")
    ),
]


def _ruff(project: Path, *args: str) -> harness.Outcome:
    done = subprocess.run(
        [sys.executable, "-m", "ruff", *args],
        cwd=project,
        env={**harness.clean_environ(), "RUFF_NO_CACHE": "true"},
        capture_output=True,
        text=True,
        check=False,
    )
    return harness.Outcome(f"ruff {' '.join(args)}", done.returncode, done.stdout + done.stderr)


MARKDOWN = MarkdownIt("commonmark").enable(["table", "strikethrough"])


def rendered_text(inline: Any) -> str:
    """What a Markdown inline token shows a reader; anything but plain text is markup."""
    kinds = {child.type for child in inline.children}
    assert kinds <= {"text"}, f"{inline.content!r} renders as markup: {sorted(kinds)}"
    return "".join(child.content for child in inline.children)


def readme_shows(project: Path) -> tuple[str, str]:
    """The README's title and first paragraph, as a reader sees them."""
    tokens = MARKDOWN.parse((project / "README.md").read_text(encoding="utf-8"))
    assert [token.type for token in tokens[:6]] == [
        "heading_open", "inline", "heading_close",
        "paragraph_open", "inline", "paragraph_close",
    ]  # fmt: skip
    return rendered_text(tokens[1]), rendered_text(tokens[4])


def environment_values(node: Any, where: str = "") -> Iterator[tuple[str, Any]]:
    """Every variable a compose or CI file sets (`environment`, `env`, `variables`): YAML
    reads a bare `null`, `on` or `1e3` as something other than the text a slug makes."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in {"environment", "env", "variables"} and isinstance(value, dict):
                yield from ((f"{where}/{key}/{name}", v) for name, v in value.items())
            yield from environment_values(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from environment_values(value, f"{where}[{index}]")


def static_problems(project: Path, answers: dict[str, str]) -> Iterator[str]:
    """What fails in a baked project without installing it."""
    for path in harness.baked_files(project):
        if path.suffix == ".py":
            try:
                compile(path.read_text(encoding="utf-8"), str(path), "exec")
            except SyntaxError as error:
                yield f"{path.relative_to(project)}: {error}"
        elif path.suffix in {".yml", ".yaml"}:
            document = yaml.safe_load(path.read_text(encoding="utf-8"))
            for where, value in environment_values(document):
                if not isinstance(value, str):
                    yield f"{path.relative_to(project)}: {where} reads as {value!r}, not text"
    yield from harness.file_set_problems(project, answers)
    yield from harness.unrendered_jinja(project)
    metadata = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    if metadata["description"] != answers["description"]:
        yield f"pyproject.toml: description {metadata['description']!r}"
    if metadata["authors"][0]["name"] != answers["author_name"]:
        yield f"pyproject.toml: author {metadata['authors'][0]['name']!r}"
    if readme_shows(project) != (answers["project_name"], answers["description"]):
        yield f"README.md shows {readme_shows(project)!r}"
    for args in (("check", "--output-format", "concise", "."), ("format", "--diff", ".")):
        outcome = _ruff(project, *args)
        if outcome.returncode != 0:
            yield outcome.report(lines=40)


def bake_and_check(answers: dict[str, str], output_dir: Path) -> Path | None:
    """Bake `answers`: a refusal must match the hook's rules and leave nothing; a project
    must pass the static checks. Returns the project, if one was baked."""
    context = answers_as_baked(answers)
    refusals = pre.problems(context)
    output_dir.mkdir(parents=True)
    if refusals:
        with pytest.raises(FailedHookException):
            bake_into(output_dir, answers)
        assert list(output_dir.iterdir()) == [], f"a refused bake left files: {refusals}"
        for line in refusals:
            variable, _, rest = line.partition("=")
            assert variable in context, line
            assert rest.startswith(repr(context[variable])), line
        return None
    project = bake_into(output_dir, answers)
    problems = list(static_problems(project, context))
    assert not problems, f"answers {answers!r}:\n" + "\n".join(problems)
    return project


@pytest.fixture(scope="module")
def bakes(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("answer-space")


def with_issue_examples(test: Any) -> Any:
    for answers in reversed(ISSUE_EXAMPLES):
        test = example(answers=answers)(test)
    return test


# derandomize: the same examples on every run and machine, so a failure comes back.
@settings(
    derandomize=True,
    max_examples=60,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(answers=answer_sets())
@with_issue_examples
def test_every_answer_bakes_a_clean_project_or_is_refused_cleanly(
    answers: dict[str, str], bakes: Path
) -> None:
    bake_and_check(answers, bakes / str(len(list(bakes.iterdir()))))


# Accepted answers far from the defaults whose projects are installed and run: mypy
# --strict, the suite with its coverage gate and, for CONTRACT_SAMPLE, the contract tests.
SUITE_SAMPLE = {
    # An astral character in the API's title (it once made /openapi.json answer 500), quotes,
    # backslashes, Markdown and right-to-left text everywhere.
    "astral-quotes-and-rtl-sqlite-async": {
        **QUOTES_AND_RTL,
        "project_name": 'Jane "JD" O\'Neil \\ שלום *b* [x](y) 🚀',
        "mode": "async",
    },
    "longest-names-postgresql-async": LONGEST_POSTGRESQL,
    "longest-names-mysql-sync-no-auth": LONGEST_MYSQL,
}
# The contract's operations and their ids do not depend on the database: the longest names
# are put through schemathesis once.
CONTRACT_SAMPLE = ("astral-quotes-and-rtl-sqlite-async", "longest-names-postgresql-async")


@pytest.mark.env
@pytest.mark.parametrize(
    ("answers", "with_contract"),
    [
        pytest.param(
            answers,
            name in CONTRACT_SAMPLE,
            id=name,
            marks=[pytest.mark.database] if answers.get("database", "sqlite") != "sqlite" else [],
        )
        for name, answers in SUITE_SAMPLE.items()
    ],
)
def test_unusual_answers_bake_a_project_that_passes_its_own_ci(
    answers: dict[str, str], with_contract: bool, tmp_path: Path, session_dir: Path
) -> None:
    """Every step is run and every failure reported together: a line-length problem in one
    file says nothing about whether the suite passes."""
    context = answers_as_baked(answers)
    assert not pre.problems(context), "the sample must be answers the hook accepts"
    project = bake_into(tmp_path / "out", answers)
    failed = list(static_problems(project, context))
    python = context["python_version"]
    env_dir = harness.ensure_env(project, python)
    outcomes = harness.static_checks(project, env_dir, python, session_dir / "static-checks")
    failed += [
        outcome.report()
        for name, outcome in outcomes.items()
        if name == "mypy" and outcome.returncode != 0
    ]
    combo = harness.default_combo().but(
        database=context["database"],
        mode=context["mode"],
        auth=context["auth"],
    )
    runs = [(["--cov"], "_answers")]
    if with_contract:
        runs.append((["-m", "contract"], "_answers_contract"))
    for args, suffix in runs:
        url = harness.generated_database_url(
            combo.database, combo.mode, harness.database_name(combo, suffix)
        )
        environ = {"TEST_DATABASE_URL": url} if url else {}
        outcome = harness.run_in_env(
            env_dir,
            [*harness.SUITE_ARGS, *args],
            project,
            timeout=900,
            **environ,
        )
        if outcome.returncode != 0:
            failed.append(outcome.report())
    assert not failed, f"answers {answers!r}:\n" + "\n".join(failed)
