"""Refuse a resource the project cannot take, before any file is written.

cookiecutter runs this hook inside the project (the output directory exists already, so a
refusal removes nothing of it), and nothing of the resource is written when it fails. The
name rules are the project template's own (hooks/pre_gen_project.py beside this template's
directory), loaded from that file, so the two templates cannot disagree; on top of them, a
name the project already uses is refused.
"""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from pathlib import Path
from typing import Any

# One line per file the resource writes; none may exist yet.
NEW_FILES = (
    "app/{resource_plural}",
    "tests/factories_{resource_plural}.py",
    "tests/unit/test_{resource_plural}.py",
    "tests/api/test_{resource_plural}.py",
    "tests/api/test_{resource_plural}_ownership.py",
    "tests/db/test_{resource_plural}.py",
)
# Names the added code uses where the new resource's names appear, beyond those the project
# template refuses for its first resource (a resource called `url` would shadow a test's
# helper); and where the parent's appear (a parent called `description` would give a
# column and a relationship of one name). tests/test_resource_template.py derives both
# sets from added resources and fails when a name they hold is accepted.
TAKEN_BY_RESOURCE = frozenset(
    ["arguments", "collection", "count", "current_owner", "delete", "dependencies", "elsewhere",
     "enumerate", "event", "existing", "first_write", "functools", "i", "load", "load_then_lose",
     "locked", "made", "method", "mine", "next", "note_sql", "other", "page", "parameters",
     "parent", "parent_id", "re", "reads_before", "s_o_m_e_o_n_e_s", "shared", "sql", "sql_sent",
     "sqlalchemy", "stale_data_error", "url"]
)  # fmt: skip
TAKEN_BY_PARENT = frozenset(
    ["any", "app", "arguments", "async_client", "authorized_client", "base", "body", "callable",
     "client", "collection", "created", "current_owner", "db_session", "delete",
     "deleted_after_its_read", "dependencies", "description", "dict", "elsewhere", "enumerate",
     "event", "factory", "first_write", "found", "functools", "gone", "i", "int", "iterator",
     "list", "load", "load_then_lose", "made", "method", "mine", "model", "n", "name", "next",
     "note_sql", "object", "one", "other", "owner", "page", "parameters", "params", "pytest", "re",
     "reads_before", "response", "row", "sql", "sql_sent", "sqlalchemy", "status", "str", "url",
     "user", "uuid"]
)  # fmt: skip
# The route names a resource's router defines: `read_tag` must be unique in the app.
ROUTE_NAME = re.compile(r"^(?:async )?def read_(\w+)\(", re.MULTILINE)


def project_rules(repo_dir: Path) -> Any:
    """The project template's pre-generation hook, as a module (its `main` does not run)."""
    path = repo_dir.parent / "hooks" / "pre_gen_project.py"
    spec = importlib.util.spec_from_file_location("tested_fastapi_answer_rules", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def resource_names_in_use(project: Path, answers: dict[str, str]) -> set[str]:
    """The resources the project has: its first one and each one a router reads."""
    names = {answers["first_resource"]}
    for router in sorted(project.glob("app/*/router.py")):
        names.update(ROUTE_NAME.findall(router.read_text(encoding="utf-8")))
    return names


def problems(answers: dict[str, str], project: Path, rules: Any) -> list[str]:
    """One line per refused answer, naming the variable, the value and the rule."""
    found: list[str] = []

    def refuse(key: str, rule: str) -> None:
        found.append(f"{key}={answers[key]!r} {rule}")

    name, plural = answers["resource_name"], answers["resource_plural"]
    limits = {"resource_name": rules.RESOURCE_MAX, "resource_plural": rules.PLURAL_MAX}
    for key, limit in limits.items():
        problem = rules._resource_problem(key, answers[key], answers["auth"], limit)
        if problem:
            refuse(key, problem)
    if name == plural:
        refuse("resource_plural", "must differ from resource_name")
    parent = answers["parent_name"]
    if name in TAKEN_BY_RESOURCE or (parent and name in (f"{parent}_id", f"{parent}_dep")):
        refuse("resource_name", "is a name the added code already uses (pick another word)")
    if parent in TAKEN_BY_PARENT or (parent and parent == f"{name}_factory"):
        refuse("parent_name", "is a name the added code already uses, so it cannot be a parent")
    if found:
        return found

    if name in resource_names_in_use(project, answers) | {answers["first_plural"]}:
        refuse("resource_name", "names a resource the project already has")
    elif (project / "app" / name).is_dir():
        refuse("resource_name", f"names the project's package app/{name}/ (pick another word)")
    for pattern in NEW_FILES:
        path = pattern.format(**answers)
        if (project / path).exists() or (project / "app" / f"{plural}.py").exists():
            refuse("resource_plural", f"would write {path}, which the project already holds")
            break

    if parent:
        package = project / "app" / answers["parent_plural"]
        if parent == name:
            refuse("parent_name", "must be another resource")
        elif not (package / "dependencies.py").is_file():
            refuse(
                "parent_plural",
                f"names no resource of the project (no app/{answers['parent_plural']}/"
                "dependencies.py): give the parent's plural",
            )
        elif "{" in _prefix(package / "router.py"):
            refuse("parent_name", "belongs to a parent itself; only one level of nesting is made")
    return found


def _prefix(router: Path) -> str:
    match = re.search(r'prefix="([^"]*)"', router.read_text(encoding="utf-8"))
    return match.group(1) if match else ""


def main() -> int:
    answers = json.loads(ANSWERS)
    rules = project_rules(Path(answers["_repo_dir"]))
    refused = problems(answers, Path.cwd(), rules)
    for line in refused:
        print(f"ERROR: {line}", file=sys.stderr)
    return 1 if refused else 0


# tojson escapes quotes and backslashes, so no answer can end this string early.
ANSWERS = r"""{{ cookiecutter | tojson }}"""

if __name__ == "__main__":
    sys.exit(main())
