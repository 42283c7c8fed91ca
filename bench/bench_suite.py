"""The generated test suite: pytest's reported time, per-test times and test count.

Each variant is baked with default answers except database and mode, and its suite run
`--runs` times with `python -m pytest` exactly as the project configures it, alternating
with `python -m pytest --cov`, the coverage gate CI runs; for each, the run with the median
reported time is kept. The targets apply to `pytest`, what a developer runs many times a
day. Per-test times (setup + call + teardown) come from a ten-line plugin loaded into the
run. Variants on a server database are skipped when their server (TEST_POSTGRES_URL,
TEST_MYSQL_URL) does not answer.
"""

import json
import re
import resource
import subprocess
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import benchlib
from benchlib import Figure

# (database, mode) -> the pytest time and per-test median targets. The issue sets SQLite at
# 1.5 s and 10 ms, PostgreSQL at 3 s, and lets async and MySQL variants take up to twice that.
VARIANTS = {
    ("sqlite", "sync"): (1.5, 0.010),
    ("sqlite", "async"): (3.0, 0.020),
    ("postgresql", "sync"): (3.0, None),
    ("postgresql", "async"): (6.0, None),
    ("mysql", "sync"): (6.0, None),
    ("mysql", "async"): (6.0, None),
}
REPORTED = re.compile(r"=+ .*\bin ([\d.]+)s\b.* =+$", re.MULTILINE)


# Loaded into the measured run with -p: records each test's setup, call and teardown times
# at full resolution (a JUnit report rounds them to the millisecond).
TIMING_PLUGIN = """
import json, os
phases, failed = {}, set()

def pytest_runtest_logreport(report):
    phases.setdefault(report.nodeid, {})[report.when] = report.duration
    if report.failed:
        failed.add(report.nodeid)

def pytest_sessionfinish(session):
    with open(os.environ["BENCH_TIMES"], "w") as out:
        json.dump({"phases": phases, "failed": sorted(failed)}, out)
"""


@dataclass
class SuiteRun:
    reported: float  # pytest's own "in X s"
    wall: float  # the whole process, interpreter and plugin start-up included
    cpu: float  # user + system time of the process: less disturbed by other load than wall
    phases: dict[str, dict[str, float]]  # test id -> {"setup": s, "call": s, "teardown": s}
    failed: int

    @property
    def durations(self) -> dict[str, float]:
        return {test: sum(phases.values()) for test, phases in self.phases.items()}

    @property
    def per_test_median(self) -> float:
        return benchlib.median(list(self.durations.values()))

    @property
    def functions(self) -> int:
        return len({test.split("[")[0] for test in self.phases})

    def phase_total(self, phase: str) -> float:
        return sum(phases.get(phase, 0.0) for phases in self.phases.values())


def run_suite(project: Path, python: Path, environ: dict[str, str], *extra: str) -> SuiteRun:
    plugin_dir, times = project.parent / "plugin", project.parent / "times.json"
    plugin_dir.mkdir(exist_ok=True)
    (plugin_dir / "bench_timing.py").write_text(TIMING_PLUGIN, encoding="utf-8")
    environ = {**environ, "PYTHONPATH": str(plugin_dir), "BENCH_TIMES": str(times)}
    started, cpu_before = time.perf_counter(), children_cpu()
    done = subprocess.run(
        [str(python), "-m", "pytest", "-p", "bench_timing", *extra],
        cwd=project,
        env=environ,
        capture_output=True,
        text=True,
        check=False,
    )
    wall, cpu = time.perf_counter() - started, children_cpu() - cpu_before
    reported = REPORTED.findall(done.stdout)
    if not reported or not times.exists():
        raise RuntimeError(f"pytest did not finish:\n{done.stdout[-3000:]}{done.stderr[-2000:]}")
    recorded = json.loads(times.read_text(encoding="utf-8"))
    times.unlink()
    return SuiteRun(float(reported[-1]), wall, cpu, recorded["phases"], len(recorded["failed"]))


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def median_run(runs: list[SuiteRun]) -> SuiteRun:
    return sorted(runs, key=lambda r: r.reported)[len(runs) // 2]


def measure(database: str, mode: str, root: Path, runs: int) -> tuple[SuiteRun, SuiteRun]:
    """The median run of the variant's suite, and the median run with the coverage gate."""
    project = benchlib.bake(root / f"{database}-{mode}", {"database": database, "mode": mode})
    python = benchlib.env_python(benchlib.project_env(project))
    environ = benchlib.clean_environ()
    if database != "sqlite":
        # A name of this run's own: the servers may be shared with other runs.
        name = f"bench_suite_{uuid.uuid4().hex[:8]}_{mode}"
        url = benchlib.server_database_url(database, benchlib.database_driver(project), name)
        if url is None:
            raise LookupError(f"no {database} server at {benchlib.SERVER_URLS[database]}")
        environ["TEST_DATABASE_URL"] = url
    plain, covered = [], []
    try:
        # Collecting once first writes the bytecode and the rewritten test modules, which the
        # first run would otherwise pay for alone.
        benchlib.run([python, "-m", "pytest", "--collect-only", "-q"], cwd=project, env=environ)
        for _ in range(runs):  # alternating, so drift in the machine's load hits both alike
            plain.append(run_suite(project, python, environ))
            covered.append(run_suite(project, python, environ, "--cov"))
    finally:
        if database != "sqlite":  # the test database and its per-purpose variants
            benchlib.run([python, "-m", "tests.database", "--drop"], cwd=project, env=environ)
    return median_run(plain), median_run(covered)


def show(name: str, run: SuiteRun) -> None:
    slowest = sorted(run.durations.items(), key=lambda item: -item[1])[:5]
    benchlib.say(
        f"{name}: {len(run.phases)} tests, {run.failed} failed, pytest "
        f"{run.reported:.2f} s, process {run.wall:.2f} s (CPU {run.cpu:.2f} s), per-test median "
        f"{run.per_test_median * 1000:.1f} ms"
    )
    totals = ", ".join(
        f"{phase} {run.phase_total(phase):.2f} s" for phase in ("setup", "call", "teardown")
    )
    benchlib.say(f"  sum over tests: {totals}; slowest tests:")
    for test, seconds in slowest:
        benchlib.say(f"  {seconds * 1000:6.0f} ms  {test}")


def figures_for(
    name: str,
    run: SuiteRun,
    covered: SuiteRun,
    targets: tuple[float, float | None],
    default: SuiteRun,
) -> list[Figure]:
    time_target, per_test_target = targets
    per_test_target = None if per_test_target is None else per_test_target * 1000
    baseline = None if run is default else default.reported
    return [
        Figure(f"Suite {name}: pytest time", run.reported, "s", baseline, "sqlite-sync",
               target=time_target, detail=outcome(run)),
        Figure(f"Suite {name}: per-test median", run.per_test_median * 1000, "ms",
               target=per_test_target),
        Figure(f"Suite {name}: `pytest --cov` time (CI's coverage gate)", covered.reported, "s",
               run.reported, "`pytest`", detail=outcome(covered)),
    ]  # fmt: skip


def outcome(run: SuiteRun) -> str:
    return f"{len(run.phases)} tests, {run.failed} failed; process CPU {run.cpu:.1f} s"


def default_figures(run: SuiteRun) -> list[Figure]:
    """What only the default answers are judged on, and what start-up costs."""
    functions = f"{run.functions} test functions"
    return [
        Figure("Suite sqlite-sync: tests run", len(run.phases), "tests",
               target=60, at_most=False, detail=functions),
        Figure("Suite sqlite-sync: whole `pytest` process", run.wall, "s",
               run.reported, "pytest's reported time"),
    ]  # fmt: skip


def main() -> None:
    args_parser = benchlib.parser(__doc__)
    args_parser.add_argument("--runs", type=int, default=3)
    args_parser.add_argument(
        "--only",
        action="append",
        default=[],
        help="run only these variants besides sqlite-sync (the baseline), e.g. sqlite-async",
    )
    args = args_parser.parse_args()

    figures: list[Figure] = []
    with tempfile.TemporaryDirectory(prefix="bench-suite-") as tmp:
        default, default_covered = measure("sqlite", "sync", Path(tmp), args.runs)
        show("sqlite-sync", default)
        show("sqlite-sync, --cov", default_covered)
        count, process = default_figures(default)
        own = figures_for(
            "sqlite-sync", default, default_covered, VARIANTS["sqlite", "sync"], default
        )
        figures += [count, *own, process]
        for (database, mode), targets in VARIANTS.items():
            name = f"{database}-{mode}"
            if name == "sqlite-sync" or (args.only and name not in args.only):
                continue
            try:
                run, covered = measure(database, mode, Path(tmp), args.runs)
            except LookupError as skipped:
                benchlib.say(f"{name}: skipped, {skipped}")
                continue
            show(name, run)
            show(f"{name}, --cov", covered)
            figures += figures_for(name, run, covered, targets, default)
    benchlib.report(figures, args.json)


if __name__ == "__main__":
    benchlib.use_tools_env()
    main()
