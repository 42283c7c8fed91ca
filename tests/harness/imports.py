"""What a baked project imports against what its pyproject.toml declares."""

from __future__ import annotations

import ast
import sys
import tomllib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from harness.baked import read_text

# Only distributions whose import name is not their own name with "-" turned into "_".
IMPORT_NAMES: dict[str, tuple[str, ...]] = {
    "pyjwt": ("jwt",),
    "pydantic-settings": ("pydantic_settings",),
    "factory-boy": ("factory",),
    "python-multipart": ("multipart", "python_multipart"),
    "python-dotenv": ("dotenv",),
    "python-jose": ("jose",),
    "pyyaml": ("yaml",),
    "argon2-cffi": ("argon2",),
    "psycopg-binary": ("psycopg_binary",),
    "psycopg2-binary": ("psycopg2",),
    "mysqlclient": ("MySQLdb",),
    "pillow": ("PIL",),
    "python-json-logger": ("pythonjsonlogger",),
    "opentelemetry-api": ("opentelemetry",),
    "opentelemetry-sdk": ("opentelemetry",),
    "opentelemetry-instrumentation-sqlalchemy": ("opentelemetry",),
}

# Frameworks whose public API hands out another distribution's types: code that uses them
# imports those too, and the framework pins a compatible version.
API_OF: dict[str, tuple[str, ...]] = {
    # FastAPI's own tracing is OpenTelemetry's API; its `opentelemetry` extra adds the SDK.
    "fastapi": ("starlette", "pydantic", "opentelemetry"),
    "pydantic-settings": ("pydantic",),
    # Celery's messaging layer: its exceptions are what a failed enqueue raises.
    "celery": ("kombu",),
    "schemathesis": ("hypothesis",),
    "sqlmodel": ("sqlalchemy", "pydantic"),
}

LOCAL_PACKAGES = frozenset({"app", "tests", "migrations"})


def pyproject(root: Path) -> dict[str, Any]:
    return tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))


def declared_requirements(root: Path) -> list[str]:
    """`[project] dependencies` plus the `dev` dependency group (PEP 735): all the baked
    project may rely on."""
    metadata = pyproject(root)
    runtime = metadata.get("project", {}).get("dependencies", [])
    dev = metadata.get("dependency-groups", {}).get("dev", [])
    assert all(isinstance(req, str) for req in dev), "no {include-group} in the dev group"
    return sorted(" ".join(req.split()) for req in [*runtime, *dev])


def importable_modules(requirements: Iterable[str]) -> set[str]:
    modules: set[str] = set()
    for requirement in requirements:
        name = canonicalize_name(Requirement(requirement).name)
        modules.update(IMPORT_NAMES.get(name, (name.replace("-", "_"),)))
        modules.update(API_OF.get(name, ()))
    return modules


def local_modules(root: Path) -> frozenset[str]:
    top_level = {path.stem for path in root.glob("*.py")}
    top_level |= {path.parent.name for path in root.glob("*/__init__.py")}
    return LOCAL_PACKAGES | top_level


def undeclared_imports(root: Path) -> list[str]:
    known = (
        importable_modules(declared_requirements(root))
        | local_modules(root)
        | set(sys.stdlib_module_names)
    )
    problems = []
    for path in root.rglob("*.py"):
        relative = path.relative_to(root).as_posix()
        try:
            tree = ast.parse(read_text(path), filename=relative)
        except SyntaxError as error:
            problems.append(f"{relative}:{error.lineno}: syntax error: {error.msg}")
            continue
        for line, module in top_level_imports(tree):
            if module not in known:
                problems.append(f"{relative}:{line}: imports {module!r}; no dependency provides it")
    return sorted(problems)


def top_level_imports(tree: ast.AST) -> Iterator[tuple[int, str]]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name.partition(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module.partition(".")[0]
