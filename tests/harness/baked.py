"""What a bake should hold: the files each answer keeps or removes (manifest.json)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, NamedTuple

import pytest

import local_extensions
from harness.answers import REPO_ROOT


def project_path(result: Any) -> Path:
    """The baked directory, or a failure that shows why the bake did not produce one."""
    if result.exception is not None or result.exit_code != 0:
        pytest.fail(f"bake failed: {bake_failure(result)}", pytrace=False)
    return Path(result.project_path)


def bake_failure(result: Any) -> str:
    """Why a bake failed, without the whole context cookiecutter packs into its exceptions."""
    exception = result.exception
    message = getattr(exception, "message", None) or str(exception)
    cause = getattr(exception, "error", None)
    detail = f" ({cause})" if cause is not None else ""
    return f"exit code {result.exit_code}, {type(exception).__name__}: {message}{detail}"


class Presence(NamedTuple):
    present: tuple[str, ...] = ()
    absent: tuple[str, ...] = ()


# A trailing "/" names a directory. "{resource_plural}" is that answer.
ALWAYS_PRESENT = (
    "README.md",
    "Makefile",
    "logging.json",
    "docs/hand-written.md",
    "pyproject.toml",
    "alembic.ini",
    ".env.example",
    ".gitignore",
    ".pre-commit-config.yaml",
    "app/__init__.py",
    "app/main.py",
    "app/core/config.py",
    "app/core/db.py",
    "app/core/errors.py",
    "app/core/schemas.py",
    "app/health/router.py",
    "app/{resource_plural}/__init__.py",
    "app/{resource_plural}/models.py",
    "app/{resource_plural}/schemas.py",
    "app/{resource_plural}/router.py",
    "app/{resource_plural}/service.py",
    "migrations/env.py",
    "migrations/script.py.mako",
    "tests/conftest.py",
    "tests/factories.py",
    "scripts/add_resource.py",
)


def mode_only() -> dict[str, tuple[str, ...]]:
    """mode -> the modules only that mode bakes: a `name.<mode>.py` with no other mode's file
    beside it becomes `name.py` in that mode and is gone in the other."""
    template = REPO_ROOT / "{{cookiecutter.project_slug}}"
    found: dict[str, list[str]] = {"sync": [], "async": []}
    for mode, other in (("sync", "async"), ("async", "sync")):
        for variant in template.rglob(f"*.{mode}.py"):
            if not variant.with_name(variant.name.replace(f".{mode}.", f".{other}.")).exists():
                module = variant.relative_to(template).as_posix().replace(f".{mode}.py", ".py")
                found[mode].append(module)
    return {mode: tuple(sorted(modules)) for mode, modules in found.items()}


def removed_when() -> dict[str, list[str]]:
    """manifest.json's table of what each answer removes, which the hook obeys too."""
    table: dict[str, list[str]] = local_extensions.load_manifest()["removed_when"]
    return table


def expected_presence(context: Mapping[str, str]) -> Presence:
    """Each path the manifest names is absent where one of its rules applies, else present."""
    absent: set[str] = set()
    named: set[str] = set()
    for rule, paths in removed_when().items():
        named.update(paths)
        option, _, value = rule.partition("=")
        if context.get(option) == value:
            absent.update(paths)
    for mode, paths in mode_only().items():
        (named if context.get("mode") == mode else absent).update(paths)
    present = [*ALWAYS_PRESENT, *sorted(named - absent)]
    return Presence(
        present=tuple(path.format(**context) for path in present),
        absent=tuple(path.format(**context) for path in sorted(absent)),
    )


def walk(root: Path) -> list[Path]:
    """Every file and directory under root, in a stable order."""
    return sorted(root.rglob("*"))


def baked_files(root: Path) -> list[Path]:
    return [path for path in walk(root) if path.is_file()]


def file_set_problems(root: Path, context: Mapping[str, str]) -> list[str]:
    expected = expected_presence(context)
    problems = [f"missing: {path}" for path in expected.present if not (root / path).exists()]
    problems += [f"should not exist: {path}" for path in expected.absent if (root / path).exists()]
    for path in walk(root):
        relative = path.relative_to(root).as_posix()
        if ".sync." in relative or ".async." in relative:
            problems.append(f"mode variant left behind: {relative}")
        if "{{" in relative or "{%" in relative:
            problems.append(f"unrendered path: {relative}")
        if path.is_dir() and not any(path.iterdir()):
            problems.append(f"empty directory: {relative}")
    return problems


JINJA_MARKERS = re.compile(r"\{\{|\{%|\{#")
CI_FILE_PATTERNS = (".github/workflows/*.yml", ".github/workflows/*.yaml", ".gitlab-ci.yml")


def read_text(path: Path) -> str:
    return path.read_text(encoding="utf-8", errors="replace")


def is_ci_file(root: Path, path: Path) -> bool:
    relative = path.relative_to(root)
    return any(relative.match(pattern) for pattern in CI_FILE_PATTERNS)


def unrendered_jinja(root: Path) -> list[str]:
    hits = []
    for path in baked_files(root):
        text = read_text(path)
        if is_ci_file(root, path):
            # `${{ ... }}` is GitHub's own expression syntax, meant to survive rendering.
            text = text.replace("${{", "$")
        hits += located_matches(root, path, text, JINJA_MARKERS)
    return hits


def readme_blocks(project: Path) -> list[str]:
    """The ```sh blocks of a README.md, in order, each without its closing newline."""
    readme = (project / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"^```sh[ \t]*\n(.*?)^```", readme, flags=re.MULTILINE | re.DOTALL)
    return [block.rstrip("\n") for block in blocks]


def located_matches(root: Path, path: Path, text: str, pattern: re.Pattern[str]) -> list[str]:
    relative = path.relative_to(root).as_posix()
    return [
        f"{relative}:{number}: {line.strip()}"
        for number, line in enumerate(text.splitlines(), start=1)
        if pattern.search(line)
    ]
