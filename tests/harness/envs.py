"""Virtual environments for baked projects, and running their tools in them."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import NamedTuple

import pytest
from filelock import FileLock

from harness.answers import CACHE_DIR, ENVS_DIR
from harness.imports import declared_requirements

PLUGINS_DIR = Path(__file__).resolve().parents[1] / "plugins"


def clean_environ(**extra: str) -> dict[str, str]:
    """The outer environment minus what would leak this pytest run into a baked project's."""
    leaky = (
        "PYTEST_",
        "COV_CORE_",
        "PYTHON",
        "VIRTUAL_ENV",
        "MYPY_",
        "RUFF_",
        "TEST_DATABASE_URL",
        "TEST_REDIS_URL",
    )
    environ = {key: value for key, value in os.environ.items() if not key.startswith(leaky)}
    environ.update(extra)
    return environ


def find_interpreter(version: str) -> str:
    """python<version> from PATH, else from pyenv (whose shims only run the selected versions)."""
    pyenv_root = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv"))
    installed = pyenv_root.glob(f"versions/{version}.*/bin/python{version}")
    candidates = [shutil.which(f"python{version}"), *sorted(map(str, installed))]
    for candidate in filter(None, candidates):
        if interpreter_version(candidate) == version:
            return candidate
    pytest.fail(f"no working python{version} on PATH or under {pyenv_root}", pytrace=False)


def interpreter_version(executable: str) -> str | None:
    probe = "import sys; print('%d.%d' % sys.version_info[:2])"
    try:
        done = subprocess.run(
            [executable, "-c", probe], capture_output=True, text=True, timeout=30, check=False
        )
    except OSError:
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def env_key(python_version: str, requirements: list[str]) -> str:
    payload = json.dumps([python_version, requirements]).encode()
    return hashlib.sha256(payload).hexdigest()[:16]


def ensure_env(project: Path, python_version: str) -> Path:
    """A virtualenv with exactly the baked project's dependencies, shared by key across workers
    and runs; the `.ready` marker means a half-built env (interrupted run) is rebuilt."""
    requirements = declared_requirements(project)
    env_dir = ENVS_DIR / env_key(python_version, requirements)
    ENVS_DIR.mkdir(parents=True, exist_ok=True)
    with FileLock(f"{env_dir}.lock"):
        if not (env_dir / ".ready").exists():
            shutil.rmtree(env_dir, ignore_errors=True)
            build_env(project, env_dir, find_interpreter(python_version))
            marker = {"python": python_version, "requirements": requirements}
            (env_dir / ".ready").write_text(json.dumps(marker, indent=2), encoding="utf-8")
    return env_dir


def build_env(project: Path, env_dir: Path, interpreter: str) -> None:
    from uv import find_uv_bin

    uv = find_uv_bin()
    environ = clean_environ(UV_PYTHON_DOWNLOADS="never")
    steps = [
        [uv, "venv", "--quiet", "--python", interpreter, str(env_dir)],
        # No --compile-bytecode: compiling every installed module cost 9 s of CPU per
        # environment; Python compiles what a run imports, once, and keeps it.
        [uv, "pip", "install", "--quiet", "--python", str(env_dir),
         "-r", "pyproject.toml", "--group", "dev"],
    ]  # fmt: skip
    for step in steps:
        done = subprocess.run(
            step, cwd=project, env=environ, capture_output=True, text=True, check=False
        )
        if done.returncode != 0:
            shutil.rmtree(env_dir, ignore_errors=True)
            pytest.fail(f"`{' '.join(step)}` failed:\n{done.stdout}{done.stderr}", pytrace=False)


class Outcome(NamedTuple):
    command: str
    returncode: int
    output: str

    def report(self, lines: int = 60) -> str:
        output = self.output.splitlines()
        # pytest prints the cause far above its summary: lift the first distinct ones.
        causes = list(dict.fromkeys(line for line in output if line.startswith("E   ")))[:15]
        headline = "first error lines:\n" + "\n".join(causes) + "\n" if causes else ""
        tail = "\n".join(output[-lines:])
        return f"`{self.command}` exited {self.returncode}\n{headline}last lines:\n{tail}"

    def require_success(self) -> None:
        if self.returncode != 0:
            pytest.fail(self.report(), pytrace=False)


def run_in_env(
    env_dir: Path, args: list[str], cwd: Path, timeout: float, **environ: str
) -> Outcome:
    bin_dir = env_dir / "bin"
    command = [str(bin_dir / "python"), *args]
    shown = " ".join(["python", *args])
    extra = {
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "VIRTUAL_ENV": str(env_dir),
        "PYTHONPATH": str(PLUGINS_DIR),  # the suite's plugins; nothing else is found there
    }
    try:
        done = subprocess.run(
            command,
            cwd=cwd,
            env=clean_environ(**extra, **environ),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as expired:
        output = expired.output.decode() if isinstance(expired.output, bytes) else expired.output
        return Outcome(shown, -1, f"{output or ''}\n[timed out after {timeout}s]")
    return Outcome(shown, done.returncode, done.stdout)


STATIC_CHECKS: dict[str, list[str]] = {
    "ruff check": ["-m", "ruff", "check", "."],
    "ruff format": ["-m", "ruff", "format", "--check", "."],
    "mypy": ["-m", "mypy", "."],
}


def content_key(project: Path, python_version: str) -> str:
    """What the static checks' verdict depends on: Python sources, pyproject, interpreter."""
    digest = hashlib.sha256(python_version.encode())
    for path in sorted(project.rglob("*")):
        if path.suffix in {".py", ".pyi"} or path.name == "pyproject.toml":
            digest.update(path.relative_to(project).as_posix().encode() + b"\0")
            digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:24]


def static_checks(
    project: Path, env_dir: Path, python_version: str, results_dir: Path
) -> dict[str, Outcome]:
    """Run ruff and mypy once per distinct content in this session, shared by the workers."""
    results_dir.mkdir(parents=True, exist_ok=True)
    result_file = results_dir / f"{content_key(project, python_version)}.json"
    with FileLock(f"{result_file}.lock"):
        if not result_file.exists():
            outcomes = run_static_checks(project, env_dir, python_version)
            result_file.write_text(json.dumps({k: v._asdict() for k, v in outcomes.items()}))
    stored = json.loads(result_file.read_text())
    return {name: Outcome(**outcome) for name, outcome in stored.items()}


def mypy_cache_dir(python_version: str) -> Path:
    """mypy's cache for the projects checked on one Python, by every xdist worker.

    Shared by every environment of that Python: mypy checks a module again only when its
    source changed, so FastAPI, SQLAlchemy and pydantic, the same files in every
    environment, are analysed once instead of once per combination (about 20 s of CPU
    each); a driver only one environment has, or a project module of another combination,
    is checked on its own. Locked by the caller: mypy's cache has no concurrent writers.
    """
    mypy_cache = CACHE_DIR / "mypy" / f"python{python_version}"
    mypy_cache.parent.mkdir(parents=True, exist_ok=True)
    return mypy_cache


def run_static_checks(project: Path, env_dir: Path, python_version: str) -> dict[str, Outcome]:
    mypy_cache = mypy_cache_dir(python_version)
    # ruff would otherwise leave a .ruff_cache in the baked project that later checks read.
    caches = {"MYPY_CACHE_DIR": str(mypy_cache), "RUFF_NO_CACHE": "true"}
    with FileLock(f"{mypy_cache}.lock"):
        return {
            name: run_in_env(env_dir, args, project, timeout=600, **caches)
            for name, args in STATIC_CHECKS.items()
        }


# How the meta-tests run a baked project's own suite: quiet, leaving no cache behind it,
# and failing a suite that leaves process-wide state changed (tests/plugins/leak_guard.py,
# which run_in_env puts on PYTHONPATH).
SUITE_ARGS = ["-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "leak_guard"]
SUITE_TIMEOUT = 900
