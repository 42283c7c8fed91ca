"""Answers that would bake a broken project are refused: a clear line, nothing on disk."""

import tomllib
from pathlib import Path
from typing import Any

import harness
import pytest
from cookiecutter.exceptions import FailedHookException
from cookiecutter.main import cookiecutter

BAD_ANSWERS = [
    pytest.param({"project_slug": "Not A Slug"}, "project_slug", id="slug-with-spaces"),
    pytest.param({"resource_name": "class"}, "resource_name", id="resource-is-a-keyword"),
    pytest.param(
        {"resource_name": "user", "resource_plural": "people"},
        "resource_name",
        id="resource-shadows-users",
    ),
    pytest.param({"resource_plural": "core"}, "resource_plural", id="plural-shadows-core"),
    pytest.param({"author_email": "nobody"}, "author_email", id="email-without-at"),
    pytest.param({"version": "one"}, "version", id="version-not-pep-440"),
    pytest.param(
        {"resource_name": "status"}, "resource_name", id="resource-shadows-fastapi-status"
    ),
    pytest.param({"resource_name": "response"}, "resource_name", id="resource-class-is-response"),
    pytest.param(
        {"resource_name": "user", "resource_plural": "users", "auth": "no"},
        "resource_plural",
        id="plural-is-a-package-of-the-template",
    ),
    pytest.param({"project_name": "🚀"}, "project_slug", id="name-without-letters-has-no-slug"),
    pytest.param({"project_name": "Two\nlines"}, "project_name", id="name-on-two-lines"),
    pytest.param({"description": "x" * 301}, "description", id="description-too-long"),
]


@pytest.mark.parametrize("overwrite", [False, True], ids=["plain", "overwrite-if-exists"])
@pytest.mark.parametrize(("answers", "variable"), BAD_ANSWERS)
def test_a_bad_answer_fails_the_bake_and_leaves_no_directory(
    tmp_path: Path,
    capfd: pytest.CaptureFixture[str],
    answers: dict[str, str],
    variable: str,
    overwrite: bool,
) -> None:
    harness.check_answers(answers, harness.SPEC)

    with pytest.raises(FailedHookException):
        cookiecutter(
            str(harness.REPO_ROOT),
            no_input=True,
            extra_context=answers,
            output_dir=str(tmp_path),
            overwrite_if_exists=overwrite,
        )

    assert list(tmp_path.iterdir()) == []
    refusals = [line for line in capfd.readouterr().err.splitlines() if line.startswith("ERROR: ")]
    assert len(refusals) == 1, refusals
    assert refusals[0].startswith(f"ERROR: {variable}=")
    shown = answers.get(variable)
    if shown is not None:
        assert f"{variable}={shown!r}" in refusals[0]


def test_quotes_and_backslashes_in_answers_reach_the_project_intact(tmp_path: Path) -> None:
    name = 'Jane "JD" O\'Neil \\ Co 🚀'

    cookiecutter(
        str(harness.REPO_ROOT),
        no_input=True,
        extra_context={"author_name": name, "project_name": "Quote Test", "description": 'A "q"'},
        output_dir=str(tmp_path),
    )

    project = tomllib.loads((tmp_path / "quote-test" / "pyproject.toml").read_text())["project"]
    assert project["authors"][0]["name"] == name
    assert project["description"] == 'A "q"'


@pytest.mark.parametrize(
    ("answers", "complaint"),
    [
        pytest.param({"databse": "mysql"}, "not in cookiecutter.json", id="misspelled-key"),
        pytest.param({"database": "oracle"}, "is not one of", id="unknown-choice"),
    ],
)
def test_the_bake_fixture_refuses_answers_pytest_cookies_would_silently_drop(
    answers: dict[str, str], complaint: str
) -> None:
    with pytest.raises(AssertionError, match=complaint):
        harness.check_answers(answers, harness.SPEC)


def test_pytest_cookies_really_drops_a_misspelled_answer(cookies: Any) -> None:
    # Why the guard above exists: the typo bakes the default database without a word.
    result = cookies.bake(extra_context={"databse": "mysql"}, template=str(harness.REPO_ROOT))

    assert result.exit_code == 0
    assert "sqlite" in (Path(result.project_path) / ".env.example").read_text()
