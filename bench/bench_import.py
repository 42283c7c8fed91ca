"""Import time of the generated app against its three frameworks alone.

`python -c "import app.main"` in a baked project is timed against
`python -c "import fastapi, sqlalchemy.orm, pydantic_settings"` in the same virtualenv,
alternating, and the medians compared. One `-X importtime` run of each then lists the
packages the app imports beyond that baseline, by their own (self) import time.
"""

import re
import tempfile
import time
from collections import Counter
from pathlib import Path

import benchlib
from benchlib import Figure

APP = "import app.main"
BASELINE = "import fastapi, sqlalchemy.orm, pydantic_settings"
IMPORTTIME_LINE = re.compile(r"^import time:\s+(\d+) \|\s+\d+ \|(\s*)(\S+)$")


def wall(python: Path, code: str, cwd: Path, environ: dict[str, str]) -> float:
    started = time.perf_counter()
    benchlib.run([python, "-c", code], cwd=cwd, env=environ)
    return time.perf_counter() - started


def self_times(python: Path, code: str, cwd: Path, environ: dict[str, str]) -> dict[str, int]:
    """Module -> its own import time in microseconds, from `-X importtime`."""
    done = benchlib.run([python, "-X", "importtime", "-c", code], cwd=cwd, env=environ)
    times = {}
    for line in done.stderr.splitlines():
        match = IMPORTTIME_LINE.match(line)
        if match:
            times[match.group(3)] = int(match.group(1))
    return times


def extra_modules(app: dict[str, int], baseline: dict[str, int]) -> Counter[str]:
    """Self time of the modules only the app imports."""
    return Counter({module: micros for module, micros in app.items() if module not in baseline})


def by_package(modules: Counter[str]) -> Counter[str]:
    packages: Counter[str] = Counter()
    for module, micros in modules.items():
        packages[module.split(".")[0]] += micros
    return packages


def show(title: str, times: Counter[str], count: int) -> None:
    benchlib.say(title)
    for name, micros in times.most_common(count):
        benchlib.say(f"  {micros / 1000:7.1f} ms  {name}")


def main() -> None:
    args_parser = benchlib.parser(__doc__)
    benchlib.answers_option(args_parser)
    args_parser.add_argument("--runs", type=int, default=15)
    args = args_parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-import-") as tmp:
        project = benchlib.bake(Path(tmp) / "out", benchlib.parse_answers(args.set))
        python = benchlib.env_python(benchlib.project_env(project))
        # Importing builds the engine but does not connect: any URL of the right driver does.
        driver = benchlib.database_driver(project)
        database_url = (
            f"{driver}:///{tmp}/import.db"
            if driver.startswith("sqlite")
            else f"{driver}://bench@127.0.0.1:1/bench"
        )
        environ = benchlib.clean_environ(DATABASE_URL=database_url, ENVIRONMENT="development")

        for code in (APP, BASELINE):  # warm-up: writes the app's .pyc files
            wall(python, code, project, environ)
        benchlib.say(f"importing each {args.runs} times, alternating")
        app_times, baseline_times = [], []
        for _ in range(args.runs):
            app_times.append(wall(python, APP, project, environ))
            baseline_times.append(wall(python, BASELINE, project, environ))
        modules = extra_modules(
            self_times(python, APP, project, environ),
            self_times(python, BASELINE, project, environ),
        )

    extra = by_package(modules)
    show(
        "packages the app imports beyond the baseline (self time, one -X importtime run):", extra, 8
    )
    show(
        "slowest of those modules (an app module's time includes what it runs at import):",
        modules,
        8,
    )
    app_median, baseline_median = benchlib.median(app_times), benchlib.median(baseline_times)
    gap = (app_median - baseline_median) * 1000
    top = ", ".join(f"{name} {micros / 1000:.0f} ms" for name, micros in extra.most_common(3))
    figures = [
        Figure(
            f"App import, `{APP}` (median of {args.runs})",
            app_median,
            "s",
            baseline_median,
            "fastapi + sqlalchemy.orm + pydantic_settings",
            target=1.3,
            target_on="ratio",
            detail=f"+{gap:.0f} ms; most: {top}",
        ),
    ]
    benchlib.report(figures, args.json)


if __name__ == "__main__":
    benchlib.use_tools_env()
    main()
