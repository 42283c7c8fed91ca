"""Every combination of answers bakes into a clean, lint-free, type-checked project."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import harness
import pytest

COMBOS = harness.COVERING
PARAMS = [harness.combo_param(combo, harness.BAKE_AXES) for combo in COMBOS]
WITHOUT_AUTH = [param for param in PARAMS if param.values[0].auth == "no"]
WITHOUT_DOCKER = [param for param in PARAMS if param.values[0].docker == "no"]


@pytest.fixture(params=PARAMS)
def combo(request: pytest.FixtureRequest) -> harness.Combo:
    combo: harness.Combo = request.param
    return combo


@pytest.fixture
def result(combo: harness.Combo, bake_once: Callable[[harness.Combo], Any]) -> Any:
    return bake_once(combo)


@pytest.fixture
def context(result: Any) -> dict[str, str]:
    answers: dict[str, str] = result.context
    return answers


@pytest.fixture
def checks(
    project: Path,
    combo: harness.Combo,
    static_checks: Callable[[Path, str], dict[str, harness.Outcome]],
) -> dict[str, harness.Outcome]:
    return static_checks(project, combo.python_version)


def bullet_list(lines: list[str]) -> str:
    return "\n".join(f"  {line}" for line in lines)


def test_bakes_without_error(result: Any) -> None:
    assert result.exception is None, harness.bake_failure(result)
    assert result.exit_code == 0, harness.bake_failure(result)


def test_renders_every_jinja_tag(project: Path) -> None:
    leftovers = harness.unrendered_jinja(project)
    assert not leftovers, "unrendered Jinja:\n" + bullet_list(leftovers)


# A line that opens a block: a def or class (its signature may end on a line of its own),
# or a compound statement.
OPENS_A_BLOCK = re.compile(
    r"^\s*((async\s+)?def|class|if|elif|else|for|while|with|try|except|finally)\b.*:$"
    r"|^\s*\)( -> .+)?:$"
)


def test_has_no_blank_line_opening_a_block(project: Path) -> None:
    # What a removed `{% if %}` line at the top of a body leaves; ruff format keeps it.
    found = [
        f"{path.relative_to(project)}:{number}"
        for path in sorted(project.rglob("*.py"))
        for number, (line, following) in enumerate(
            itertools.pairwise(path.read_text(encoding="utf-8").splitlines()), start=2
        )
        if OPENS_A_BLOCK.match(line) and not following.strip()
    ]
    assert not found, "a block opens with a blank line:\n" + bullet_list(found)


def test_has_the_files_its_answers_ask_for(project: Path, context: dict[str, str]) -> None:
    problems = harness.file_set_problems(project, context)
    assert not problems, "file set does not match the answers:\n" + bullet_list(problems)


@pytest.mark.parametrize("combo", WITHOUT_AUTH)
def test_mentions_no_auth_when_auth_is_off(project: Path) -> None:
    hits = harness.vocabulary(project, harness.AUTH_WORDS, harness.DATABASE_IMAGE_CREDENTIALS)
    assert not hits, "auth vocabulary with auth=no:\n" + bullet_list(hits)


@pytest.mark.parametrize("combo", WITHOUT_DOCKER)
def test_mentions_no_docker_when_docker_is_off(project: Path) -> None:
    hits = harness.vocabulary(project, harness.DOCKER_WORDS)
    assert not hits, "Docker vocabulary with docker=no:\n" + bullet_list(hits)


def test_mentions_no_service_its_answers_left_out(project: Path, context: dict[str, str]) -> None:
    hits = harness.service_vocabulary(project, context)
    assert not hits, "vocabulary of a service the answers left out:\n" + bullet_list(hits)


def test_imports_only_declared_dependencies(project: Path) -> None:
    problems = harness.undeclared_imports(project)
    assert not problems, "imports not provided by pyproject:\n" + bullet_list(problems)


@pytest.mark.env
def test_passes_ruff_check(checks: dict[str, harness.Outcome]) -> None:
    checks["ruff check"].require_success()


@pytest.mark.env
def test_is_ruff_formatted(checks: dict[str, harness.Outcome]) -> None:
    checks["ruff format"].require_success()


@pytest.mark.env
def test_passes_mypy_strict(checks: dict[str, harness.Outcome]) -> None:
    checks["mypy"].require_success()


def test_the_combinations_hold_every_pair_of_answers_and_every_core_combination() -> None:
    """Whatever cookiecutter.json lists: each value of a choice variable meets each value of
    every other one in a combination checked above, and database x mode x auth in full."""
    assert not harness.uncovered_pairs(COMBOS), harness.uncovered_pairs(COMBOS)
    cores = {combo.core for combo in COMBOS}
    every_core = {
        harness.Combo.of(**dict(zip(harness.CORE_AXES, values, strict=True))).core
        for values in itertools.product(*map(harness.choices, harness.CORE_AXES))
    }
    assert cores == every_core
    assert COMBOS[0] == harness.default_combo(), "the default answers are a combination"


def test_every_answer_runs_its_suite_in_both_modes() -> None:
    """The combinations whose generated suites run (one per database x mode x auth) hold
    every value of every choice variable in sync mode and in async mode."""
    suites = harness.core_combos()
    missing = [
        f"{axis}={value} in {mode} mode"
        for axis in harness.CHOICE_AXES
        if axis != "mode"
        for value in harness.choices(axis)
        for mode in harness.choices("mode")
        if not any(c.answers()[axis] == value and c.mode == mode for c in suites)
    ]
    assert not missing, missing
