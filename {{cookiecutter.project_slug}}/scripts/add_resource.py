"""Add a resource to this project: `python3 scripts/add_resource.py tag --parent item`.

It bakes the `resource` template that lives beside the template this project was made from
(its `resource/` directory, at the commit `.cruft.json` records), with Cookiecutter's own
`--directory resource`, and passes it this project's answers (mode, auth, the first
resource) from `.cruft.json` or from Cookiecutter's replay file, so nothing is asked
again. The resource's files are added next to the project's; none is overwritten
(`--skip-if-file-exists`), and a name the project already uses is refused by the resource
template's hook before anything is written. Then the OpenAPI snapshot is written again
from the app (syrupy's `--snapshot-update`): the contract has new routes, for review.

Cookiecutter runs as `cookiecutter` when it is on PATH, else as `uvx cookiecutter`; the
COOKIECUTTER variable names another command (`COOKIECUTTER="pipx run cookiecutter"`).
Options of Cookiecutter's command line: https://cookiecutter.readthedocs.io/en/stable/cli_options.html
"""

import argparse
import importlib.util
import json
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

# The project's answers the resource is written for.
SHARED_ANSWERS = ("mode", "auth")
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


def bake_command(args: argparse.Namespace, project: Path) -> list[str]:
    """The Cookiecutter command line that adds the resource `args` describe to `project`."""
    template, commit, answers = recorded(args.answers)
    context = {key: answers[key] for key in SHARED_ANSWERS}
    context.update(
        project_dir=project.name,
        first_resource=answers["resource_name"],
        first_plural=answers["resource_plural"],
        resource_name=args.name,
    )
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
    # Both commands are built from this project's own files and the arguments given.
    baked = subprocess.run(bake_command(args, Path.cwd()), check=False)  # noqa: S603
    if baked.returncode != 0:
        return baked.returncode
    if importlib.util.find_spec("syrupy") is None:  # not run in the project's environment
        print(f"Then review the API's new contract: uv run python {shlex.join(SNAPSHOT_UPDATE)}")
        return 0
    return subprocess.run([sys.executable, *SNAPSHOT_UPDATE], check=False).returncode  # noqa: S603


if __name__ == "__main__":
    sys.exit(main())
