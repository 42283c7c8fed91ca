"""Shape the baked project to the answers: keep one variant of each file, drop what is off.

The template holds every file any answer needs. Files named `name.sync.py` and
`name.async.py` are the two SQLAlchemy modes of `name.py`; the table below lists what
each answer removes. Nothing here touches the network or writes a random value, so the
same answers always give the same bytes.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
from pathlib import Path

SQLITE_ONLY = ["app/core/sqlite.py", "tests/migrations/test_sqlite_migrations.py"]
# Faults of a database server reached over the network: SQLite has no connection to lose.
SERVER_ONLY = ["tests/faults"]
# (variable, value) -> paths removed when the variable has that value; `{name}` in a
# path stands for the answer to `name`.
REMOVED_WHEN = {
    ("auth", "no"): [
        "app/auth",
        "app/users",
        "app/core/security.py",
        "migrations/versions/0002_login_failures.py",
        "tests/api/test_auth.py",
        "tests/api/test_login_throttle.py",
        "tests/api/test_users.py",
        "tests/api/test_{resource_plural}_ownership.py",
        "tests/unit/test_security.py",
        "tests/api/test_login_and_the_event_loop.py",
    ],
    # In sync mode the login handler runs in a worker thread by construction.
    ("mode", "sync"): ["tests/api/test_login_and_the_event_loop.py"],
    ("database", "sqlite"): SERVER_ONLY,
    ("database", "postgresql"): SQLITE_ONLY,
    ("database", "mysql"): SQLITE_ONLY,
    ("ci", "github"): [".gitlab-ci.yml", "renovate.json"],
    ("ci", "gitlab"): [".github"],
    ("ci", "none"): [".github", ".gitlab-ci.yml", "renovate.json"],
    ("docker", "no"): ["Dockerfile", ".dockerignore", "docker-compose.yml"],
    ("license", "none"): ["LICENSE"],
    ("cache", "none"): ["app/core/cache.py", "app/{resource_plural}/cache.py", "tests/cache"],
    ("tasks", "none"): [
        "app/core/outbound.py",
        "app/worker.py",
        "app/{resource_plural}/tasks.py",
        "app/{resource_plural}/webhooks.py",
        "tests/tasks",
    ],
    ("storage", "none"): [
        "app/core/storage.py",
        "app/{resource_plural}/attachments.py",
        "tests/storage",
    ],
}
MODES = ("sync", "async")
FIRST_PARTY = ("app", "tests", "migrations")
LINE_LENGTH = 100
_FROM_IMPORT = re.compile(r"^from ([\w.]+) import (.+)$")


def paths_to_remove(answers: dict[str, str]) -> list[str]:
    return [
        path.format(**answers)
        for (key, value), paths in REMOVED_WHEN.items()
        if answers[key] == value
        for path in paths
    ]


def remove(root: Path, relative: str) -> None:
    target = root / relative
    if target.is_dir():
        shutil.rmtree(target)
    elif target.exists():
        target.unlink()


def choose_mode_variants(root: Path, mode: str) -> None:
    """Keep `x.<mode>.py` as `x.py` and delete the other mode's file."""
    for other in MODES:
        for variant in sorted(root.rglob(f"*.{other}.py")):
            if other == mode:
                variant.rename(variant.with_name(variant.name.replace(f".{mode}.py", ".py")))
            else:
                variant.unlink()


def remove_empty_dirs(root: Path) -> None:
    for directory in sorted((p for p in root.rglob("*") if p.is_dir()), reverse=True):
        if not any(directory.iterdir()):
            directory.rmdir()


def _member_key(name: str) -> tuple[int, str]:
    # The order ruff's isort gives: CONSTANTS, then Classes, then everything else.
    rank = 0 if name.isupper() and len(name) > 1 else 1 if name[:1].isupper() else 2
    return rank, name.lower()


def _render_import(module: str, members: list[str], exploded: bool) -> list[str]:
    members = sorted(members, key=_member_key)
    line = f"from {module} import {', '.join(members)}"
    if not exploded and len(line) <= LINE_LENGTH:
        return [line]
    return [f"from {module} import (", *(f"    {m}," for m in members), ")"]


def sort_first_party_imports(source: str) -> str:
    """Order the project's own `from app... import` lines as ruff's isort would.

    Their order depends on names the user chose (`app.orders` sorts after `app.main`,
    `app.categories` before `app.core`), so no fixed order in the template fits every
    answer. Only runs of single-module `from` imports of the project's packages are
    touched; everything else is left byte for byte.
    """
    lines = source.split("\n")
    out: list[str] = []
    i = 0
    while i < len(lines):
        run: list[tuple[str, list[str], bool]] = []
        while i < len(lines):
            match = _FROM_IMPORT.match(lines[i])
            if not match or match.group(1).split(".")[0] not in FIRST_PARTY:
                break
            module, rest = match.groups()
            if rest == "(":
                end = lines.index(")", i)
                members = [m.strip().rstrip(",") for m in lines[i + 1 : end]]
                run.append((module, members, True))
                i = end + 1
            else:
                run.append((module, [m.strip() for m in rest.split(",")], False))
                i += 1
        if run:
            for module, members, exploded in sorted(run, key=lambda r: r[0]):
                out.extend(_render_import(module, members, exploded))
        else:
            out.append(lines[i])
            i += 1
    return "\n".join(out)


def tidy_imports(root: Path) -> None:
    for path in sorted(root.rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        tidied = sort_first_party_imports(source)
        if tidied != source:
            path.write_text(tidied, encoding="utf-8")


def shape(root: Path, answers: dict[str, str]) -> None:
    choose_mode_variants(root, answers["mode"])
    for relative in paths_to_remove(answers):
        remove(root, relative)
    remove_empty_dirs(root)
    tidy_imports(root)


def next_steps(answers: dict[str, str]) -> str:
    lines = [
        f"Baked {answers['project_name']} into ./{answers['project_slug']}",
        "",
        "Next steps:",
        f"  cd {answers['project_slug']}",
        "  the two commands at the top of README.md: run the service, run the tests",
    ]
    if answers["database"] != "sqlite":
        lines.append(f"  (start {answers['database']} first: see README.md, 'Database')")
    return "\n".join(lines)


def main() -> int:
    answers = json.loads(ANSWERS)
    shape(Path.cwd(), answers)
    print(next_steps(answers))
    return 0


# tojson escapes quotes and backslashes, so no answer can end this string early.
ANSWERS = r"""{{ cookiecutter | tojson }}"""

if __name__ == "__main__":
    sys.exit(main())
