"""What the resource template computes from its answers, on top of the project template's.

cookiecutter puts this directory (not the repository's root) on the import path while it
bakes `--directory resource`, so the project template's `local_extensions.py` is loaded
from its file: both templates derive class names, `await` and the rest in one place, and a
resource added to a project is written the way the project's first one was.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from jinja2 import Environment

_SHARED_NAME = "tested_fastapi_local_extensions"


def _load_shared() -> Any:
    if _SHARED_NAME in sys.modules:
        return sys.modules[_SHARED_NAME]
    path = Path(__file__).resolve().parent.parent / "local_extensions.py"
    spec = importlib.util.spec_from_file_location(_SHARED_NAME, path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[_SHARED_NAME] = module
    spec.loader.exec_module(module)
    return module


shared = _load_shared()


def resource_names(answers: Mapping[str, Any]) -> dict[str, Any]:
    """The answers, with the names derived from the parent (if any) added.

    `__scope_id` is the column that says whose a row is: the parent's id, else (with
    accounts) its owner's, else none; every query of the resource filters on it, and the
    handlers take it from `__scope_param` (the parent's dependency, or the current user).
    """
    result = dict(answers)
    parent = answers.get("parent_name")
    if not isinstance(parent, str) or not isinstance(answers.get("auth"), str):
        return result
    parent_plural = answers.get("parent_plural") or ""
    result["__parent_class"] = shared.class_name(parent) if parent else ""
    result["__parent_title"] = parent.replace("_", " ").capitalize()
    result["__parent_upper"] = parent.upper()
    result["__parent_factories"] = (
        "tests.factories"
        if parent and parent == answers.get("first_resource")
        else f"tests.factories_{parent_plural}"
    )
    # The column that says whose a row is, and the handlers' parameter that holds it.
    if parent:
        scope = (f"{parent}_id", f"{parent}: {result['__parent_class']}Dep", f"{parent}.id")
    elif answers["auth"] == "yes":
        scope = ("owner_id", "user: CurrentUser", "user.id")
    else:
        scope = ("", "", "")
    result["__scope_id"], result["__scope_param"], result["__scope_value"] = scope
    return result


def _natural(text: str) -> list[Any]:
    # Digits compare as numbers (`v2` before `v10`), as ruff's isort compares modules.
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text.lower())]


def import_order(block: str) -> str:
    """`from x import y` statements (one line, or parenthesized over several) in the order
    ruff's isort puts them: the framework section's modules first, then a blank line and the
    rest, each by module name. The modules of a resource and of its parent are
    named after answers (`app.tags`, `app.items`), so no order written in the template
    fits every answer."""
    statements: list[list[str]] = []
    for line in (line for line in block.split("\n") if line.strip()):
        if statements and statements[-1][-1] != ")" and statements[-1][0].endswith("("):
            statements[-1].append(line)
        else:
            statements.append([line])

    merged: dict[str, list[str]] = {}
    for statement in statements:
        module = statement[0].split()[1]
        if len(statement) == 1 and module in merged and len(merged[module]) == 1:
            # Two one-line imports of a module are one import to ruff.
            members = merged[module][0].partition(" import ")[2].split(", ")
            members += statement[0].partition(" import ")[2].split(", ")
            names = ", ".join(sorted(set(members), key=_member))
            merged[module] = [f"from {module} import {names}"]
        else:
            merged[module] = statement
    ordered = sorted(merged.items(), key=lambda item: _natural(item[0]))
    # The baked pyproject.toml's isort section "framework" comes first, in a block of its own.
    blocks = (
        [statement for module, statement in ordered if _is_framework(module)],
        [statement for module, statement in ordered if not _is_framework(module)],
    )
    return "\n\n".join(
        "\n".join(line for statement in block for line in statement) for block in blocks if block
    )


# The modules the baked pyproject.toml's isort section "framework" names.
FRAMEWORK = ("app.auth", "app.core", "app.health", "app.main", "app.users", "app.worker")


def _is_framework(module: str) -> bool:
    return any(module == name or module.startswith(f"{name}.") for name in FRAMEWORK)


def _member(name: str) -> tuple[int, list[Any]]:
    # ruff's isort order of imported names: CONSTANTS, then Classes, then the rest.
    kind = 0 if name.isupper() and len(name) > 1 else 1 if name[:1].isupper() else 2
    return kind, _natural(name)


class ResourceExtension(shared.AnswersExtension):  # type: ignore[misc,name-defined]
    """The project template's filters and derived names, the parent's names, and
    `import_order`."""

    # The parent's names first; the project template's derived names are then computed on top.
    derive = staticmethod(lambda answers: shared.with_derived(resource_names(answers)))

    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        environment.filters.update(import_order=import_order)
