"""A pytest plugin the meta-tests load into every baked suite they run (`-p leak_guard`).

A fixture or test that leaves process-wide state changed after everything has been torn
down makes a later test fail, and only when the scheduler puts that test after it on the
same xdist worker. This plugin makes such a leak fail every run: once the last test of a
process has been torn down (every fixture of every scope finalised), the environment
variables must be as they were when the session started, and `logging.captureWarnings`
must be off (pytest runs each test in `warnings.catch_warnings()`, which puts the plain
`showwarning` back while logging still believes the capture on, so that a later
`captureWarnings(True)` does nothing). The error names the test during whose run each
change first appeared.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Generator

import pytest

# Set and changed by pytest itself while a test runs.
PYTEST_OWN = frozenset({"PYTEST_CURRENT_TEST"})
CAPTURE = "logging.captureWarnings"

_at_start: dict[str, str] = {}
_last_seen: dict[str, str] = {}
_first_changed_by: dict[str, str] = {}


def state() -> dict[str, str]:
    """The process-wide state watched, as names and values."""
    watched = {f"os.environ[{name!r}]": value for name, value in os.environ.items()}
    for name in PYTEST_OWN:
        watched.pop(f"os.environ[{name!r}]", None)
    watched[CAPTURE] = "on" if getattr(logging, "_warnings_showwarning", None) else "off"
    return watched


def changes(before: dict[str, str], after: dict[str, str]) -> dict[str, str]:
    return {
        name: f"{before.get(name)!r} -> {after.get(name)!r}"
        for name in sorted(before.keys() | after.keys())
        if before.get(name) != after.get(name)
    }


def pytest_sessionstart(session: pytest.Session) -> None:
    _at_start.update(state())
    _last_seen.update(_at_start)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Generator[None]:
    yield
    now = state()
    for name in changes(_last_seen, now):
        _first_changed_by.setdefault(name, item.nodeid)
    _last_seen.clear()
    _last_seen.update(now)
    if nextitem is None:
        left = changes(_at_start, now)
        if left:
            lines = [
                f"{name}: {change} (first changed while {_first_changed_by.get(name)} ran)"
                for name, change in left.items()
            ]
            raise AssertionError(
                "the suite left process-wide state changed after its last teardown:\n"
                + "\n".join(lines)
            )
