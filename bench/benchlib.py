"""What the benchmark scripts share: paths, virtualenvs, baking, timing and the figures format.

Every script re-runs itself inside `.cache/bench/tools` (cookiecutter, matplotlib, uv), built on
first use with uv when it is on PATH, else with venv and pip. Baked projects get their own
virtualenv under `.cache/bench/envs/`, keyed by their declared dependencies.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import urlsplit

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
CACHE = REPO / ".cache" / "bench"
TOOLS_ENV = CACHE / "tools"
TOOLS = ("cookiecutter>=2.6", "matplotlib>=3.8", "uv>=0.7")
DEFAULT_PYTHON = "3.11"  # the template's default python_version answer

os.environ.setdefault("UV_PYTHON_DOWNLOADS", "never")


def say(*parts: object) -> None:
    print(*parts, flush=True)


def fmt(value: float, unit: str) -> str:
    if unit in ("tests", "req/s"):
        return f"{value:,.0f} {unit}"
    digits = 0 if value >= 100 else 1 if value >= 10 else 2 if value >= 1 else 3
    return f"{value:.{digits}f} {unit}"


@dataclass
class Figure:
    """One measured number, what it is compared with and the target it must meet.

    The target applies to the value itself, or (target_on="ratio") to value / baseline.
    """

    name: str
    value: float
    unit: str
    baseline: float | None = None
    baseline_name: str = ""
    target: float | None = None
    target_on: str = "value"
    at_most: bool = True
    detail: str = ""

    @property
    def ratio(self) -> float | None:
        return self.value / self.baseline if self.baseline else None

    @property
    def met(self) -> bool | None:
        judged = self.ratio if self.target_on == "ratio" else self.value
        if self.target is None or judged is None:
            return None
        return judged <= self.target if self.at_most else judged >= self.target

    def target_text(self) -> str:
        if self.target is None:
            return "-"
        sign = "≤" if self.at_most else "≥"
        if self.target_on == "ratio":
            return f"{sign} {self.target:g}x baseline"
        return f"{sign} {fmt(self.target, self.unit)}"

    def row(self) -> dict[str, object]:
        baseline = "-"
        if self.baseline is not None:
            baseline = f"{fmt(self.baseline, self.unit)} ({self.baseline_name})"
        return {
            **asdict(self),
            "measured_text": fmt(self.value, self.unit)
            + (f" ({self.detail})" if self.detail else ""),
            "baseline_text": baseline,
            "ratio_text": "-" if self.ratio is None else f"{self.ratio:.2f}x",
            "target_text": self.target_text(),
            "met_text": {True: "yes", False: "**no**", None: "-"}[self.met],
            "ratio": self.ratio,
            "met": self.met,
        }


def parser(description: str | None) -> argparse.ArgumentParser:
    first_line = (description or "").strip().splitlines()[0]
    result = argparse.ArgumentParser(description=first_line)
    result.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    return result


def answers_option(args_parser: argparse.ArgumentParser) -> None:
    args_parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a cookiecutter answer (repeatable); default answers otherwise",
    )


def parse_answers(pairs: Sequence[str]) -> dict[str, str]:
    return dict(pair.split("=", 1) for pair in pairs)


def report(figures: Sequence[Figure], json_path: Path | None) -> None:
    say("")
    for figure in figures:
        row = figure.row()
        say(f"* {figure.name}: {row['measured_text']}")
        if figure.baseline is not None:
            say(f"    baseline {row['baseline_text']}, ratio {row['ratio_text']}")
        if figure.target is not None:
            say(f"    target {row['target_text']}: {'met' if figure.met else 'NOT MET'}")
    if json_path:
        json_path.write_text(json.dumps([f.row() for f in figures], indent=2), encoding="utf-8")


def run(command: Sequence[object], **kwargs: object) -> subprocess.CompletedProcess[str]:
    """Run a command, raising with its output when it fails."""
    done = subprocess.run(
        [str(part) for part in command], capture_output=True, text=True, check=False, **kwargs
    )
    if done.returncode != 0:
        raise RuntimeError(
            f"{' '.join(map(str, command))} exited {done.returncode}:\n"
            f"{done.stdout[-3000:]}{done.stderr[-3000:]}"
        )
    return done


def timed(command: Sequence[object], **kwargs: object) -> float:
    started = time.perf_counter()
    run(command, **kwargs)
    return time.perf_counter() - started


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def clean_environ(**extra: str) -> dict[str, str]:
    """This environment minus what would leak into a baked project's tests or service."""
    leaky = ("PYTEST_", "COV_CORE_", "PYTHON", "VIRTUAL_ENV", "DATABASE_URL", "TEST_DATABASE_URL")
    environ = {key: value for key, value in os.environ.items() if not key.startswith(leaky)}
    environ.update(extra)
    return environ


def env_python(env: Path) -> Path:
    return env / "bin" / "python"


def use_tools_env() -> None:
    """Re-run the calling script inside the tools virtualenv, building it first if needed."""
    if Path(sys.prefix).resolve() == TOOLS_ENV.resolve():
        return
    python = ensure_tools_env()
    os.execv(python, [python, sys.argv[0], *sys.argv[1:]])


def ensure_tools_env() -> str:
    python = env_python(TOOLS_ENV)
    marker = TOOLS_ENV / ".ready"
    if not marker.exists() or marker.read_text(encoding="utf-8") != "\n".join(TOOLS):
        say(f"building {TOOLS_ENV.relative_to(REPO)} ({', '.join(TOOLS)})")
        shutil.rmtree(TOOLS_ENV, ignore_errors=True)
        uv = shutil.which("uv")
        if uv:
            run([uv, "venv", "--quiet", "--python", sys.executable, TOOLS_ENV])
            run([uv, "pip", "install", "--quiet", "--compile-bytecode", "--python", python, *TOOLS])
        else:
            run([sys.executable, "-m", "venv", TOOLS_ENV])
            run([python, "-m", "pip", "install", "--quiet", *TOOLS])  # pip compiles bytecode
        marker.write_text("\n".join(TOOLS), encoding="utf-8")
    return str(python)


def uv() -> str:
    return str(TOOLS_ENV / "bin" / "uv")


def project_env(project: Path, python_version: str = DEFAULT_PYTHON) -> Path:
    """A virtualenv holding a baked project's dependencies and its dev group (not the project)."""
    declared = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))
    dev = declared.get("dependency-groups", {}).get("dev", [])
    requirements = sorted([*declared["project"]["dependencies"], *dev])
    key = hashlib.sha256(json.dumps([python_version, requirements]).encode()).hexdigest()[:12]
    env = CACHE / "envs" / key
    if not (env / ".ready").exists():
        say(f"building {env.relative_to(REPO)} for {project.name} (python {python_version})")
        shutil.rmtree(env, ignore_errors=True)
        run([uv(), "venv", "--quiet", "--python", python_version, env])
        install = ["pip", "install", "--quiet", "--compile-bytecode", "--python", env_python(env)]
        run([uv(), *install, "-r", "pyproject.toml", "--group", "dev"], cwd=project)
        (env / ".ready").write_text(json.dumps(requirements, indent=2), encoding="utf-8")
    return env


@contextlib.contextmanager
def stdout_silenced() -> Iterator[None]:
    """Send file descriptor 1 to /dev/null: the post-gen hook, a subprocess, prints to it."""
    sys.stdout.flush()
    saved = os.dup(1)
    with Path(os.devnull).open("w") as devnull:
        os.dup2(devnull.fileno(), 1)
        try:
            yield
        finally:
            os.dup2(saved, 1)
            os.close(saved)


def hermetic_config(directory: Path) -> Path:
    """A cookiecutter config whose replay and clone directories live in `directory`, so a
    bake neither reads ~/.cookiecutterrc nor writes ~/.cookiecutter_replay."""
    config = directory / "cookiecutterrc.yaml"
    dirs = {"cookiecutters_dir": str(directory / "cc"), "replay_dir": str(directory / "replay")}
    config.write_text(json.dumps(dirs), encoding="utf-8")  # JSON is YAML
    return config


def bake(
    output_dir: Path,
    answers: Mapping[str, str] | None = None,
    template: Path = REPO,
    hooks: bool = True,
) -> Path:
    """Bake in-process with cookiecutter's API; returns the project directory."""
    from cookiecutter.main import cookiecutter

    output_dir.mkdir(parents=True, exist_ok=True)
    config = hermetic_config(Path(tempfile.mkdtemp(prefix="cc-config-", dir=output_dir.parent)))
    with stdout_silenced():
        path = cookiecutter(
            str(template),
            no_input=True,
            output_dir=str(output_dir),
            extra_context=dict(answers or {}),
            config_file=str(config),
            accept_hooks=hooks,
        )
    return Path(path)


def database_driver(project: Path) -> str:
    """The SQLAlchemy driver the baked project uses, from its `.env.example`."""
    text = (project / ".env.example").read_text(encoding="utf-8")
    found = re.search(r"^DATABASE_URL=([\w+]+)://", text, re.MULTILINE)
    if not found:
        raise RuntimeError(f"no DATABASE_URL in {project / '.env.example'}")
    return found.group(1)


SERVER_URLS = {
    "postgresql": os.environ.get(
        "TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
    ),
    "mysql": os.environ.get("TEST_MYSQL_URL", "mysql://root@127.0.0.1:3306/"),
}


def server_database_url(database: str, driver: str, name: str) -> str | None:
    """`driver://...host/name` on the server TEST_POSTGRES_URL / TEST_MYSQL_URL names,
    or None when nothing answers there."""
    parts = urlsplit(SERVER_URLS[database])
    try:
        with socket.create_connection((parts.hostname, parts.port), timeout=2):
            pass
    except OSError:
        return None
    return f"{driver}://{parts.netloc}/{name}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def git_revision() -> str:
    head = run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO).stdout.strip()
    template = ["cookiecutter.json", "hooks", "{{cookiecutter.project_slug}}"]
    dirty = run(["git", "status", "--porcelain", "--", *template], cwd=REPO).stdout.strip()
    return head + (" + uncommitted template changes" if dirty else "")
