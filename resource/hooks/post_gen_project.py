"""Drop the resource's files its answers do not need, and say what comes next.

Only files this template wrote are touched: the rest of the project is its owners'.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

# (variable, value) -> files removed when the variable has that value.
REMOVED_WHEN = {
    ("auth", "no"): ["tests/api/test_{resource_plural}_ownership.py"],
}


def paths_to_remove(answers: dict[str, str]) -> list[str]:
    return [
        path.format(**answers)
        for (key, value), paths in REMOVED_WHEN.items()
        if answers[key] == value
        for path in paths
    ]


def next_steps(answers: dict[str, str]) -> str:
    plural = answers["resource_plural"]
    return "\n".join(
        [
            f"Added {plural}: app/{plural}/, tests/factories_{plural}.py and its tests.",
            "",
            "Next steps:",
            "  uv run alembic upgrade head  # autogenerate compares with the latest revision",
            f'  uv run alembic revision --autogenerate -m "add {plural}"',
            "  uv run alembic upgrade head",
            "  make check",
        ]
    )


def main() -> int:
    answers = json.loads(ANSWERS)
    for relative in paths_to_remove(answers):
        (Path.cwd() / relative).unlink()
    print(next_steps(answers))
    return 0


# tojson escapes quotes and backslashes, so no answer can end this string early.
ANSWERS = r"""{{ cookiecutter | tojson }}"""

if __name__ == "__main__":
    sys.exit(main())
