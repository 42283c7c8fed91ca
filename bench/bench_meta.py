"""Wall time of the template's whole meta-test matrix (`python -m pytest -n 2`). Slow: minutes.

The suite runs from a virtualenv made of the repository's dev dependency group, against the
database servers TEST_POSTGRES_URL and TEST_MYSQL_URL name. Its baseline is the sum of the
meta-tests' own durations (setup + call + teardown) from the same run: the ratio of wall
time to it shows how much the two workers overlap (0.5 would be perfect) and how much goes
on outside tests. Baked projects' virtualenvs are cached in .cache/envs; the figure says
how many of the ones the run ended with were there before it.
"""

import os
import re
import subprocess
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import benchlib
from benchlib import Figure

ENVS = benchlib.REPO / ".cache" / "envs"
META_ENV = benchlib.CACHE / "meta"
SUMMARY = re.compile(r"^=+ (.*) in ([\d.]+)s\b.* =+$", re.MULTILINE)


def meta_env() -> Path:
    """`uv venv` + `uv pip install --group dev`, rebuilt when pyproject.toml changes."""
    pyproject = (benchlib.REPO / "pyproject.toml").read_text(encoding="utf-8")
    marker = META_ENV / ".pyproject"
    if not marker.exists() or marker.read_text(encoding="utf-8") != pyproject:
        benchlib.say(f"building {META_ENV.relative_to(benchlib.REPO)} from the dev group")
        uv = benchlib.uv()
        benchlib.run([uv, "venv", "--quiet", "--python", benchlib.DEFAULT_PYTHON, META_ENV])
        python = benchlib.env_python(META_ENV)
        install = [uv, "pip", "install", "--quiet", "--compile-bytecode", "--python", python,
                   "--group", "dev"]  # fmt: skip
        benchlib.run(install, cwd=benchlib.REPO)
        marker.write_text(pyproject, encoding="utf-8")
    return META_ENV


def ready_envs() -> set[str]:
    return {path.parent.name for path in ENVS.glob("*/.ready")}


def test_durations(report: Path) -> dict[str, float]:
    """Test id -> setup + call + teardown, from the JUnit report."""
    if not report.exists():
        return {}
    cases = ET.parse(report).getroot().iter("testcase")
    return {f"{c.get('classname')}::{c.get('name')}": float(c.get("time", 0)) for c in cases}


def main() -> None:
    args_parser = benchlib.parser(__doc__)
    args_parser.add_argument("pytest_args", nargs="*", help="extra pytest arguments")
    args = args_parser.parse_args()

    python = benchlib.env_python(meta_env())
    environ = benchlib.clean_environ(
        TEST_POSTGRES_URL=benchlib.SERVER_URLS["postgresql"],
        TEST_MYSQL_URL=benchlib.SERVER_URLS["mysql"],
        PATH=f"{python.parent}{os.pathsep}{os.environ['PATH']}",
    )
    before = ready_envs()
    with tempfile.TemporaryDirectory(prefix="bench-meta-") as tmp:
        report = Path(tmp) / "report.xml"
        command = [
            str(python),
            "-m",
            "pytest",
            "-n",
            "2",
            f"--junitxml={report}",
            "-o",
            "junit_duration_report=total",
            *args.pytest_args,
        ]
        benchlib.say(f"running {' '.join(command[1:])} in {benchlib.REPO} (minutes)")
        started = time.perf_counter()
        done = subprocess.run(
            command, cwd=benchlib.REPO, env=environ, capture_output=True, text=True, check=False
        )
        wall = time.perf_counter() - started
        durations = test_durations(report)
    summary = SUMMARY.findall(done.stdout)
    outcome = summary[-1][0] if summary else f"pytest exited {done.returncode}"
    benchlib.say(done.stdout[-2000:])
    benchlib.say("slowest meta-tests (setup + call + teardown):")
    for test, seconds in sorted(durations.items(), key=lambda item: -item[1])[:8]:
        benchlib.say(f"  {seconds:6.1f} s  {test}")
    serial = sum(durations.values())
    after = ready_envs()
    cached = f"{len(before & after)} of {len(after)} project envs were already cached"
    figures = [
        Figure(
            "Meta-tests, full matrix (`pytest -n 2`, wall)",
            wall,
            "s",
            serial or None,
            "sum of test durations",
            detail=f"{outcome}; {cached}",
        ),
    ]
    benchlib.report(figures, args.json)


if __name__ == "__main__":
    benchlib.use_tools_env()
    main()
