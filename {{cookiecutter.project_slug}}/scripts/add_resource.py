"""Add a resource to this project: `python3 scripts/add_resource.py tag --parent item`.

It bakes the `resource` template that lives beside the template this project was made from
(its `resource/` directory, at the commit `.cruft.json` records), with Cookiecutter's own
`--directory resource`, and passes it this project's answers (mode, auth, the first
resource) from `.cruft.json` or from Cookiecutter's replay file, so nothing is asked
again. The answers are checked against this project's own files first (PROJECT_ANSWERS):
the replay file holds the answers of the template's last bake, which may be another
project's, and those are refused. A template that is a local git repository is baked from
the recorded commit (exported to a temporary directory: Cookiecutter ignores `--checkout`
for a directory, and would bake its working tree); one given by URL is left to
Cookiecutter's `--checkout`. The resource's files are added next to the project's; none is
overwritten (`--skip-if-file-exists`), and a name the project already uses is refused by
the resource template's hook before anything is written. Then the OpenAPI snapshot is
written again from the app (syrupy's `--snapshot-update`): the contract has new routes,
for review.

Cookiecutter runs as `cookiecutter` when it is on PATH, else as `uvx cookiecutter`; the
COOKIECUTTER variable names another command (`COOKIECUTTER="pipx run cookiecutter"`).
Options of Cookiecutter's command line: https://cookiecutter.readthedocs.io/en/stable/cli_options.html
"""

import argparse
import ast
import importlib.util
import io
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NamedTuple

# The route a resource's router defines to read one row: `read_item` reads an item.
READ_ROUTE = re.compile(r"^(?:async )?def read_(\w+)\(", re.MULTILINE)


class Refused(Exception):
    """Why the resource cannot be added; nothing has been written."""


class ProjectAnswer(NamedTuple):
    """An answer of the project's that the resource template takes as `variable`, and where
    the project's own files tell it: `path` (formatted with the answers, relative to the
    project's root), which `read` turns into the value the project has (None: no such path)."""

    variable: str
    path: str
    read: Callable[[Path], str | None]


def session_mode(db_module: Path) -> str | None:
    """async when the module uses SQLAlchemy's AsyncSession (app/core/db.py of an async
    project), else sync; None when there is no such module. Comments and docstrings do not
    count: only names in the code."""
    if not db_module.is_file():
        return None
    tree = ast.parse(db_module.read_text(encoding="utf-8"))
    used = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
    return "async" if "AsyncSession" in used else "sync"


def read_route_name(router: Path) -> str | None:
    """The resource a router reads one of (`read_item`: item); "" when it reads none, None
    when there is no such router."""
    if not router.is_file():
        return None
    found = READ_ROUTE.search(router.read_text(encoding="utf-8"))
    return found.group(1) if found else ""


# Each answer of the project's the resource is written for -> how the project tells it.
# The first resource's package comes before its name, which is read from that package.
PROJECT_ANSWERS = {
    "mode": ProjectAnswer("mode", "app/core/db.py", session_mode),
    "auth": ProjectAnswer("auth", "app/auth/", lambda path: "yes" if path.is_dir() else "no"),
    "resource_plural": ProjectAnswer(
        "first_plural", "app/{resource_plural}/", lambda path: path.name if path.is_dir() else None
    ),
    "resource_name": ProjectAnswer(
        "first_resource", "app/{resource_plural}/router.py", read_route_name
    ),
}
# The reviewed OpenAPI contract, which a new resource changes on purpose (README, "Checks").
SNAPSHOT_UPDATE = ["-m", "pytest", "-q", "tests/api/test_openapi_snapshot.py", "--snapshot-update"]


def recorded(answers_file: Path) -> tuple[str, str | None, dict[str, Any]]:
    """(template, commit or None, answers) from `.cruft.json` or a Cookiecutter replay
    file. Raises KeyError when the file holds neither shape."""
    data = json.loads(answers_file.read_text(encoding="utf-8"))
    if "context" in data:  # .cruft.json: https://cruft.github.io/cruft/
        return data["template"], data.get("commit"), data["context"]["cookiecutter"]
    # A replay file: `_template` is what was typed (a relative path is relative to where it
    # was), `_repo_dir` the template's directory or clone as Cookiecutter found it.
    answers = data["cookiecutter"]
    repo_dir = answers.get("_repo_dir")
    if repo_dir and Path(repo_dir).is_dir():
        return repo_dir, None, answers
    return answers["_template"], answers.get("_checkout"), answers


def cookiecutter_command() -> list[str]:
    """How to run Cookiecutter here."""
    if configured := os.environ.get("COOKIECUTTER"):
        return shlex.split(configured)
    return ["cookiecutter"] if shutil.which("cookiecutter") else ["uvx", "cookiecutter"]


def check_answers(project: Path, answers: dict[str, Any], answers_file: Path) -> None:
    """Raises Refused, naming the first answer of PROJECT_ANSWERS that the project's files
    contradict, what they say instead, and the file the answer came from."""
    for key, told in PROJECT_ANSWERS.items():
        path = told.path.format(**answers)
        has = told.read(project / path)
        if has == answers[key]:
            continue
        there = f"no {path}" if has is None else f"{key}={has!r} (going by {path})"
        raise Refused(
            f"{answers_file} says {key}={answers[key]!r}, but this project has {there}: those"
            " are another project's answers (the replay file keeps the last bake's);"
            " pass --answers a file of this project's"
        )


@contextmanager
def template_at(template: str, commit: str | None) -> Iterator[tuple[str, str | None]]:
    """(template, checkout) to give Cookiecutter. A local directory with a recorded commit
    becomes that commit of its git repository, exported to a temporary directory that is
    removed afterwards, and no checkout; anything else (a URL, no commit) is given as it is.
    Raises Refused when the directory is in no git repository that holds the commit."""
    if not commit or not Path(template).is_dir():
        yield template, commit
        return
    git = shutil.which("git")
    if git is None:
        raise Refused(f"git is needed to bake commit {commit} of {template}, and is not on PATH")
    # The commit comes from a file: resolved by rev-parse first, only a hash reaches archive.
    found = subprocess.run(  # noqa: S603
        [git, "-C", template, "rev-parse", "--verify", "--quiet", commit + "^{commit}"],
        capture_output=True,
        text=True,
        check=False,
    )
    if found.returncode != 0:
        raise Refused(
            f"the recorded commit {commit} is not in a git repository at {template}:"
            " fetch it there, or pass --answers that record a commit it has"
        )
    archive = subprocess.run(  # noqa: S603
        [git, "-C", template, "archive", "--format=zip", found.stdout.strip()],
        capture_output=True,
        check=True,
    )
    with tempfile.TemporaryDirectory(prefix="add_resource-") as exported:
        with zipfile.ZipFile(io.BytesIO(archive.stdout)) as files:
            files.extractall(exported)
        yield exported, None


def bake_command(
    args: argparse.Namespace,
    project: Path,
    template: str,
    commit: str | None,
    answers: dict[str, Any],
) -> list[str]:
    """The Cookiecutter command line that adds the resource `args` describe to `project`,
    from `template` at `commit` (None: as it is), with the project's `answers`."""
    context = {told.variable: answers[key] for key, told in PROJECT_ANSWERS.items()}
    context.update(project_dir=project.name, resource_name=args.name)
    if args.plural:
        context["resource_plural"] = args.plural
    if args.parent:
        context["parent_name"] = args.parent
        if args.parent_plural:
            context["parent_plural"] = args.parent_plural
        elif args.parent == answers["resource_name"]:
            context["parent_plural"] = answers["resource_plural"]
    command = [*cookiecutter_command(), template, "--directory", "resource", "--no-input"]
    command += ["--overwrite-if-exists", "--skip-if-file-exists", "-o", str(project.parent)]
    if commit:
        command += ["--checkout", commit]
    return command + [f"{key}={value}" for key, value in context.items()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Add a resource to this project.")
    parser.add_argument("name", help="singular, snake_case (tag)")
    parser.add_argument("--plural", help="its plural (default: the name made plural)")
    parser.add_argument("--parent", help="an existing resource it belongs to (item)")
    parser.add_argument("--parent-plural", help="the parent's plural, if not the usual one")
    parser.add_argument(
        "--answers",
        type=Path,
        default=Path(".cruft.json"),
        help="where the project's answers are: .cruft.json (the default), or Cookiecutter's"
        " replay file, ~/.cookiecutter_replay/<template>.json",
    )
    args = parser.parse_args(argv)
    if not Path("app", "main.py").is_file():
        parser.error("run it from the project's root directory, where app/ is")
    if not args.answers.is_file():
        parser.error(f"{args.answers} not found: run `cruft link` (docs), or pass --answers")
    template, commit, answers = recorded(args.answers)
    # Every command is built from this project's own files and the arguments given.
    try:
        check_answers(Path.cwd(), answers, args.answers)
        with template_at(template, commit) as (source, checkout):
            command = bake_command(args, Path.cwd(), source, checkout, answers)
            baked = subprocess.run(command, check=False)  # noqa: S603
    except Refused as refusal:
        print(f"ERROR: {refusal}", file=sys.stderr)
        return 1
    if baked.returncode != 0:
        return baked.returncode
    if importlib.util.find_spec("syrupy") is None:  # not run in the project's environment
        print(f"Then review the API's new contract: uv run python {shlex.join(SNAPSHOT_UPDATE)}")
        return 0
    return subprocess.run([sys.executable, *SNAPSHOT_UPDATE], check=False).returncode  # noqa: S603


if __name__ == "__main__":
    sys.exit(main())
