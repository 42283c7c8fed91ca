"""The plugin every baked suite runs under (tests/plugins/leak_guard.py) fails a suite that
leaves process-wide state changed, and passes one that puts everything back."""

import subprocess
import sys
from pathlib import Path

import harness
import pytest

CLEAN = """
import logging, os, pytest

@pytest.fixture(scope="module")
def setting():
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOME_SETTING", "1")
        yield

def test_sets_and_restores(setting, monkeypatch):
    monkeypatch.setenv("OTHER", "2")
    logging.captureWarnings(True)
    logging.captureWarnings(False)
"""

LEAKS = {
    "environment": (
        """
import os, pytest

@pytest.fixture(scope="module")
def setting():
    os.environ["LEFT_BEHIND"] = "1"
    yield

def test_first(setting): pass
def test_second(): pass
""",
        "os.environ['LEFT_BEHIND']: None -> '1' (first changed while test_suite.py::test_first",
    ),
    "warnings capture": (
        """
import logging

def test_first(): pass
def test_second(): logging.captureWarnings(True)
""",
        "logging.captureWarnings: 'off' -> 'on' (first changed while test_suite.py::test_second",
    ),
}


def run_guarded(tmp_path: Path, source: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / "test_suite.py").write_text(source, encoding="utf-8")
    command = [sys.executable, "-m", "pytest", *harness.SUITE_ARGS[2:]]
    return subprocess.run(
        command,
        cwd=tmp_path,
        env=harness.clean_environ(PYTHONPATH=str(harness.PLUGINS_DIR)),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_a_suite_that_puts_everything_back_passes(tmp_path: Path) -> None:
    done = run_guarded(tmp_path, CLEAN)

    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize(("source", "said"), LEAKS.values(), ids=LEAKS.keys())
def test_a_suite_that_leaves_state_changed_fails_naming_the_test(
    tmp_path: Path, source: str, said: str
) -> None:
    done = run_guarded(tmp_path, source)

    assert done.returncode != 0, done.stdout
    assert said in done.stdout, done.stdout
