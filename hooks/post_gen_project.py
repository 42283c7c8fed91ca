"""Shape the baked project to the answers: keep one variant of each file, drop what is off.

The template holds every file any answer needs. Files named `name.sync.py` and
`name.async.py` are the two SQLAlchemy modes of `name.py`; `manifest.json` at the
template's root lists what each answer removes (the meta-tests read the same file).
Nothing here touches the network or writes a random value, so the same answers always
give the same bytes.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

MODES = ("sync", "async")


def paths_to_remove(answers: dict[str, str], removed_when: dict[str, list[str]]) -> list[str]:
    """The paths `removed_when` (manifest.json's table) lists under the answers given."""
    return [
        path.format(**answers)
        for rule, paths in removed_when.items()
        if answers[rule.partition("=")[0]] == rule.partition("=")[2]
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


def shape(root: Path, answers: dict[str, str], removed_when: dict[str, list[str]]) -> None:
    choose_mode_variants(root, answers["mode"])
    for relative in paths_to_remove(answers, removed_when):
        remove(root, relative)
    remove_empty_dirs(root)


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
    shape(Path.cwd(), answers, json.loads(REMOVED_WHEN))
    print(next_steps(answers))
    return 0


# tojson escapes quotes and backslashes, so no answer can end this string early.
ANSWERS = r"""{{ cookiecutter | tojson }}"""
# manifest.json's table, which local_extensions reads beside itself when the hook is rendered.
REMOVED_WHEN = r"""{{ manifest.removed_when | tojson }}"""

if __name__ == "__main__":
    sys.exit(main())
