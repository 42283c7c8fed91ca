"""The template's answers as cookiecutter.json declares them, and where the repository lies."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[2]
CACHE_DIR = REPO_ROOT / ".cache"
ENVS_DIR = CACHE_DIR / "envs"


def load_answers_spec(template: Path = REPO_ROOT) -> dict[str, Any]:
    spec: dict[str, Any] = json.loads((template / "cookiecutter.json").read_text(encoding="utf-8"))
    return spec


SPEC = load_answers_spec()


def choices(option: str) -> tuple[str, ...]:
    return tuple(SPEC[option])


def check_answers(extra_context: Mapping[str, str], spec: Mapping[str, Any]) -> None:
    """Refuse answers cookiecutter would not understand, before pytest-cookies ignores them."""
    unknown = sorted(set(extra_context) - set(spec))
    assert not unknown, f"answers not in cookiecutter.json (they would be ignored): {unknown}"
    for option, value in extra_context.items():
        allowed = spec[option]
        if isinstance(allowed, list):
            assert value in allowed, f"{option}={value!r} is not one of {allowed}"
