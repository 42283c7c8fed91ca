"""The baked service's throughput and CPU per request, beside hello-world and hand-written apps.

For each database the machine has (SQLite always; PostgreSQL and MySQL where
TEST_POSTGRES_URL / TEST_MYSQL_URL answer) and each mode (sync, async), three apps serve
the same database, each a single uvicorn worker on 127.0.0.1 from the baked project's
virtualenv:

- the baked project (auth on, other answers default), on uvicorn's default HTTP parser
  (httptools) as every other app here, and again with `--http h11`, as its README's
  production command and Dockerfile run it;
- bench/handwritten_orm.py: the same JWT check and the same two ORM loads in one session per
  request, on the project's own models, with no middleware (the ORM's floor);
- bench/handwritten_raw.py: the same work as SQL on the driver (the floor under that).

A hello-world FastAPI route runs from the same virtualenv. One load tool (wrk if installed,
else bench/loadgen.py) drives, in rounds, every app's read of one owned item by id and its
create, hello-world first in each round, so that the machine's load hits them all alike.
Each app starts anew in each round and stops after it, and the variants run one after the
other: one app at a time holds connections to the (possibly shared) database server.
Each figure is the median round, as a ratio of hello-world and of the baked service, with
p50/p99 and the server process's CPU per request (from /proc).

The machine may be shared. Each round records the load average and the CPU that other
processes used while it ran (all CPU time in /proc/stat less the servers', the load tool's and
the database servers'); a round over --max-others is left out of the medians, and a run with
no quiet round, or begun above --max-load, says so and exits 2 (--allow-busy: figures marked).

With `--against REV`, a project baked from the template at git revision REV serves beside
them, and its read and create join the same rounds: a before/after comparison.
"""

import argparse
import contextlib
import io
import json
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import tarfile
import tempfile
import time
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import count
from pathlib import Path
from typing import Any

import benchlib
import loadgen
from benchlib import Figure
from loadgen import LoadResult

HELLO_APP = """from fastapi import FastAPI

app = FastAPI()


@app.get("/hello")
async def hello() -> dict[str, str]:
    return {"message": "Hello World"}


@app.get("/hello-sync")
def hello_sync() -> dict[str, str]:
    return {"message": "Hello World"}
"""

# Each request of a create run posts a name no other request used.
CREATE_SCRIPT = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
function init(args)
  prefix = args[1]
  counter = 0
end
function request()
  counter = counter + 1
  return wrk.format(nil, nil, nil, string.format('{"name": "%s-%d-%d"}', prefix, tid, counter))
end
"""
NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
# Processes of the database servers: their CPU serves the apps measured here (and, on a
# shared machine, other people's too), so it does not count as other people's load.
DATABASE_PROCESSES = {"postgres", "mariadbd", "mysqld"}
APPS = ("baked", "deployed", "orm", "raw")
APP_LABELS = {
    "baked": "baked service",
    "deployed": "baked service, --http h11 (as deployed)",
    "orm": "hand-written, ORM",
    "raw": "hand-written, raw driver",
    "against": "baked at --against",
}


@dataclass
class Server:
    """How to start one app: a uvicorn worker on `port`, started anew for each round."""

    python: Path
    app: str  # module:attribute
    ready_path: str
    log: Path
    cwd: Path
    env: dict[str, str]
    extra: tuple[str, ...] = ()
    port: int = field(default_factory=benchlib.free_port)

    @contextlib.contextmanager
    def running(self) -> Iterator[int]:
        """The server, up until the block ends; yields its pid."""
        with uvicorn(self.python, self.app, self.port, self.ready_path, self.log, *self.extra,
                     cwd=self.cwd, env=self.env) as pid:  # fmt: skip
            yield pid


@dataclass
class Endpoint:
    name: str
    server: Server
    path: str
    headers: dict[str, str] = field(default_factory=dict)
    creates: bool = False
    pid: int = 0  # the server process while it runs, for its CPU time

    @property
    def port(self) -> int:
        return self.server.port


@dataclass
class Run:
    """One endpoint's load in one round."""

    load: LoadResult
    cpu_per_request_us: float
    others_cores: float  # CPU other processes used meanwhile, in cores
    load_average: float  # 1 min, as the run started


def call(port: int, path: str, data: bytes | None = None, **headers: str) -> dict[str, str]:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data, headers)
    with NO_PROXY.open(request, timeout=10) as response:
        return dict(json.loads(response.read() or b"{}"))


@contextlib.contextmanager
def uvicorn(
    python: Path, app: str, port: int, ready_path: str, log: Path, *extra: str, **popen: Any
) -> Iterator[int]:
    """A single uvicorn worker, stopped (by its pid) however the block ends; yields its pid."""
    command = [str(python), "-m", "uvicorn", app, "--host", "127.0.0.1", "--port", str(port),
               "--no-access-log", *extra]  # fmt: skip
    with log.open("w") as output:
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT, **popen)
    try:
        for _ in range(300):
            if process.poll() is not None:
                raise RuntimeError(f"{app} exited:\n{log.read_text()[-3000:]}")
            with contextlib.suppress(OSError):
                NO_PROXY.open(f"http://127.0.0.1:{port}{ready_path}", timeout=10).close()
                break
            time.sleep(0.1)
        else:
            raise RuntimeError(f"{app} did not answer on port {port} within 30 s")
        yield process.pid
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def template_at(revision: str, directory: Path) -> Path:
    """This repository's template as it was at `revision`, exported into `directory`."""
    archive = subprocess.run(
        ["git", "-C", str(benchlib.REPO), "archive", "--format=tar", revision],
        capture_output=True,
        check=True,
    ).stdout
    directory.mkdir(parents=True)
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(directory, filter="data")
    return directory


# Creates or drops a database, run with a baked project's Python (its driver, async or not).
DATABASE_SCRIPT = """
import asyncio, sys
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

url, verb = make_url(sys.argv[1]), sys.argv[2]
admin = url.set(database="postgres" if url.get_backend_name() == "postgresql" else "mysql")
statement = text(f"CREATE DATABASE {url.database}" if verb == "CREATE"
                 else f"DROP DATABASE IF EXISTS {url.database}")

async def run_async():
    engine = create_async_engine(admin, isolation_level="AUTOCOMMIT")
    async with engine.connect() as connection:
        await connection.execute(statement)
    await engine.dispose()

if url.get_dialect().is_async:
    asyncio.run(run_async())
else:
    with create_engine(admin, isolation_level="AUTOCOMMIT").connect() as connection:
        connection.execute(statement)
"""


@contextlib.contextmanager
def database(python: Path, driver: str, database_name: str, root: Path) -> Iterator[str]:
    """A database URL: a SQLite file in `root`, or a new database on the server, dropped after."""
    backend = driver.partition("+")[0]
    if backend == "sqlite":
        yield f"{driver}:///{root}/{database_name}.db"
        return
    url = benchlib.server_database_url(backend, driver, database_name)
    if url is None:
        raise LookupError(f"no {backend} server at {benchlib.SERVER_URLS[backend]}")
    benchlib.run([python, "-c", DATABASE_SCRIPT, url, "CREATE"])
    try:
        yield url
    finally:
        benchlib.run([python, "-c", DATABASE_SCRIPT, url, "DROP"])


@dataclass
class Variant:
    """The apps serving one database in one mode."""

    name: str  # e.g. postgresql-async
    endpoints: list[Endpoint]


@contextlib.contextmanager
def variant(
    root: Path, database_kind: str, mode: str, args: argparse.Namespace
) -> Iterator[Variant]:
    """Hello-world, the baked service and both hand-written apps (and the baked service at
    --against) on one database of their own, each app's pool of --pool-size connections."""
    name = f"{database_kind}-{mode}"
    answers = {"database": database_kind, "mode": mode, "auth": "yes"}
    project = benchlib.bake(root / f"{name}-out", answers)
    python = benchlib.env_python(benchlib.project_env(project))
    driver = benchlib.database_driver(project)
    prefix = f"bench_service_{uuid.uuid4().hex[:8]}"
    with database(python, driver, f"{prefix}_{name.replace('-', '_')}", root) as url:
        pool = str(args.pool_size)
        environ = benchlib.clean_environ(
            DATABASE_URL=url,
            ENVIRONMENT="development",
            BENCH_MODE=mode,
            BENCH_POOL_SIZE=pool,
            DATABASE_POOL_SIZE=pool,
            DATABASE_MAX_OVERFLOW="0",
        )
        benchlib.run([python, "-m", "alembic", "upgrade", "head"], cwd=project, env=environ)
        # Hello-world runs from the project's virtualenv: the same uvicorn, uvloop, httptools.
        (root / "hello.py").write_text(HELLO_APP, encoding="utf-8")
        servers = {
            "hello": Server(python, "hello:app", "/hello", root / f"{name}-hello.log", root,
                            environ, ("--app-dir", str(root))),
            "baked": Server(python, "app.main:app", "/health/live", root / f"{name}.log",
                            project, environ),
            # The README's production command and the Dockerfile parse HTTP with h11, for
            # its bound on a request's headers; every other app here runs httptools.
            "deployed": Server(python, "app.main:app", "/health/live",
                               root / f"{name}-deployed.log", project, environ,
                               ("--http", "h11")),
        }  # fmt: skip
        for app in ("orm", "raw"):
            servers[app] = Server(python, f"handwritten_{app}:app", "/hello",
                                  root / f"{name}-{app}.log", project, environ,
                                  ("--app-dir", str(benchlib.BENCH_DIR)))  # fmt: skip
        if args.against:
            template = template_at(args.against, root / f"{name}-against-template")
            before = benchlib.bake(root / f"{name}-against-out", answers, template)
            before_python = benchlib.env_python(benchlib.project_env(before))
            servers["against"] = Server(before_python, "app.main:app", "/health/live",
                                        root / f"{name}-against.log", before, environ)  # fmt: skip
        with servers["baked"].running():
            auth = sign_in(servers["baked"].port)
            created = call(servers["baked"].port, "/api/v1/items", b'{"name": "read me"}',
                           **auth, **{"Content-Type": "application/json"})  # fmt: skip
        read_path = f"/api/v1/items/{created['id']}"
        endpoints = [Endpoint(f"{name} hello", servers.pop("hello"), "/hello")]
        for app, server in servers.items():
            endpoints += [
                Endpoint(f"{name} {app} read", server, read_path, auth),
                Endpoint(f"{name} {app} create", server, "/api/v1/items", auth, creates=True),
            ]
        yield Variant(name, endpoints)


def sign_in(port: int) -> dict[str, str]:
    """Register a throwaway user and log in; returns the Authorization header."""
    email, password = f"bench-{uuid.uuid4().hex[:12]}@example.com", uuid.uuid4().hex
    call(port, "/api/v1/auth/register", json.dumps({"email": email, "password": password}).encode(),
         **{"Content-Type": "application/json"})  # fmt: skip
    form = urllib.parse.urlencode({"username": email, "password": password}).encode()
    token = call(port, "/api/v1/auth/login", form,
                 **{"Content-Type": "application/x-www-form-urlencoded"})  # fmt: skip
    return {"Authorization": f"Bearer {token['access_token']}"}


def find_wrk(install: bool) -> str | None:
    """wrk from PATH; as root with apt-get and `install`, installed first when missing."""
    if not shutil.which("wrk") and install and os.geteuid() == 0 and shutil.which("apt-get"):
        benchlib.say("wrk is not installed: trying apt-get install wrk")
        environ = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        install_wrk = ["apt-get", "install", "-y", "-q", "wrk"]
        for command in (install_wrk, ["apt-get", "update", "-q"], install_wrk):
            done = subprocess.run(command, env=environ, capture_output=True, check=False)
            if command is install_wrk and done.returncode == 0:
                break
    return shutil.which("wrk")


def wrk_duration(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()  # type: ignore[union-attr]
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def run_wrk(
    wrk: str, endpoint: Endpoint, connections: int, seconds: float, script_dir: Path
) -> LoadResult:
    # A response slower than wrk's default 2 s timeout is slow, not failed: allow 10 s.
    command = [wrk, "-t1", f"-c{connections}", f"-d{seconds:g}s", "--timeout", "10s", "--latency"]
    for name, value in endpoint.headers.items():
        command += ["-H", f"{name}: {value}"]
    url = f"http://127.0.0.1:{endpoint.port}{endpoint.path}"
    if endpoint.creates:
        script = script_dir / "create.lua"
        script.write_text(CREATE_SCRIPT, encoding="utf-8")
        command += ["-s", str(script), url, "--", uuid.uuid4().hex[:12]]
    else:
        command.append(url)
    output = benchlib.run(command).stdout  # once reaped, wrk's CPU is in RUSAGE_CHILDREN
    percentiles = dict(re.findall(r"^\s+(\d+)%\s+(\S+)\s*$", output, re.MULTILINE))
    errors = sum(map(int, re.findall(r"Non-2xx or 3xx responses: (\d+)", output)))
    for socket_errors in re.findall(r"^\s*Socket errors: (.*)$", output, re.MULTILINE):
        errors += sum(map(int, re.findall(r"\d+", socket_errors)))
    return LoadResult(
        requests_per_second=float(re.findall(r"Requests/sec:\s+([\d.]+)", output)[0]),
        requests=int(re.findall(r"(\d+) requests in", output)[0]),
        errors=errors,
        p50_ms=wrk_duration(percentiles["50"]),
        p99_ms=wrk_duration(percentiles["99"]),
    )


def run_python(endpoint: Endpoint, connections: int, seconds: float) -> LoadResult:
    if not endpoint.creates:
        request = loadgen.http_request("GET", endpoint.path, endpoint.headers)
        return loadgen.load(endpoint.port, lambda: request, connections, seconds)
    prefix, numbers = uuid.uuid4().hex[:12], count()
    headers = {**endpoint.headers, "Content-Type": "application/json"}

    def create_request() -> bytes:
        body = json.dumps({"name": f"{prefix}-{next(numbers)}"}).encode()
        return loadgen.http_request("POST", endpoint.path, headers, body)

    return loadgen.load(endpoint.port, create_request, connections, seconds)


def process_cpu(pid: int) -> float:
    """CPU seconds (user + system) a running process has used, from /proc/PID/stat."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def busy_cpu() -> float:
    """CPU seconds every core has spent on something other than idling, since boot."""
    values = [int(value) for value in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    idle = values[3] + values[4]  # idle and iowait
    return (sum(values[:8]) - idle) / CLOCK_TICKS


def database_servers_cpu() -> float:
    """CPU seconds the database servers' processes have used (their live processes only)."""
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, IndexError, ValueError):
            text = stat.read_text()
            if text[text.index("(") + 1 : text.rindex(")")] in DATABASE_PROCESSES:
                total += process_cpu(int(stat.parent.name))
    return total


def ours_cpu() -> float:
    """CPU seconds this script and its finished children (the load tool) have used."""
    own, children = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def measure_once(
    endpoint: Endpoint, seconds: float, wrk: str | None, args: argparse.Namespace, tmp: Path
) -> Run:
    load_average = os.getloadavg()[0]
    before = (time.perf_counter(), busy_cpu(), process_cpu(endpoint.pid), ours_cpu(),
              database_servers_cpu())  # fmt: skip
    if wrk:
        result = run_wrk(wrk, endpoint, args.connections, seconds, tmp)
    else:
        result = run_python(endpoint, args.connections, seconds)
    after = (time.perf_counter(), busy_cpu(), process_cpu(endpoint.pid), ours_cpu(),
             database_servers_cpu())  # fmt: skip
    wall, busy, server, ours, databases = (b - a for a, b in zip(before, after, strict=True))
    others = max(0.0, busy - server - ours - databases) / wall
    return Run(result, server / max(result.requests, 1) * 1e6, others, load_average)


def measure(
    endpoints: list[Endpoint], wrk: str | None, args: argparse.Namespace, tmp: Path
) -> dict[str, list[Run]]:
    """Rounds over the endpoints. Each server starts anew in each round and stops once its
    endpoints are measured, so only one app holds database connections at a time; a
    warm-up of --warmup seconds per endpoint (pool, caches, lazily built code) comes first.

    A new process opens its pool's connections in its first requests (asyncpg also
    prepares each statement once per connection): on a starved machine a short warm-up
    leaves part of that cost in the measured run of the first endpoint.

    Each round starts one server later than the one before (round 2 with the second, and
    so on): in a fixed order the app measured last ran 15-20% slower on a read whose code
    was the same as the first's (rows left by every create before it, the database's
    background work after them), and `--against` compared positions, not revisions."""
    results: dict[str, list[Run]] = {endpoint.name: [] for endpoint in endpoints}
    servers = list(dict.fromkeys(endpoint.server.app + str(endpoint.server.port)
                                 for endpoint in endpoints))  # fmt: skip
    for round_number in range(1, args.rounds + 1):
        benchlib.say(f"round {round_number}: load average {os.getloadavg()[0]:.2f}")
        start = (round_number - 1) % len(servers)
        for server in servers[start:] + servers[:start]:
            served = [e for e in endpoints if e.server.app + str(e.server.port) == server]
            with served[0].server.running() as pid:
                for endpoint in served:
                    endpoint.pid = pid
                    measure_once(endpoint, args.warmup, wrk, args, tmp)
                for endpoint in served:
                    run = measure_once(endpoint, args.seconds, wrk, args, tmp)
                    results[endpoint.name].append(run)
                    busy = " BUSY" if run.others_cores > args.max_others else ""
                    benchlib.say(
                        f"  {endpoint.name:<32} {run.load.ok_per_second:7.0f} req/s"
                        f"  p50 {run.load.p50_ms:6.2f} ms  p99 {run.load.p99_ms:7.2f} ms"
                        f"  {run.cpu_per_request_us:6.0f} µs CPU/req  failed {run.load.errors}"
                        f"  others {run.others_cores:.2f} cores{busy}"
                    )
    return results


@dataclass
class Summary:
    """An endpoint's median over its quiet rounds (all rounds when none was quiet)."""

    rps: float
    p50_ms: float
    p99_ms: float
    cpu_us: float
    failed: int
    requests: int
    quiet_rounds: int
    rounds: int

    @classmethod
    def of(cls, runs: list[Run], max_others: float) -> "Summary":
        quiet = [run for run in runs if run.others_cores <= max_others]
        kept = quiet or runs

        def middle(values: list[float]) -> float:
            return benchlib.median(values)

        return cls(
            middle([run.load.ok_per_second for run in kept]),
            middle([run.load.p50_ms for run in kept]),
            middle([run.load.p99_ms for run in kept]),
            middle([run.cpu_per_request_us for run in kept]),
            sum(run.load.errors for run in kept),
            sum(run.load.requests for run in kept),
            len(quiet),
            len(runs),
        )


def table(summaries: dict[str, Summary], variants: list[str]) -> list[str]:
    lines = [
        f"{'app':<52} {'req/s':>7} {'/hello':>7} {'/baked':>7} {'CPU/req':>9}"
        f" {'p50 ms':>7} {'p99 ms':>7} {'quiet':>6}",
    ]
    for name in variants:
        hello = summaries[f"{name} hello"]
        lines.append(
            f"{name + ' hello-world':<52} {hello.rps:7.0f} {1:7.3f} {'-':>7}"
            f" {hello.cpu_us:7.0f}µs {hello.p50_ms:7.2f} {hello.p99_ms:7.2f}"
            f" {hello.quiet_rounds:>3}/{hello.rounds}"
        )
        for work in ("read", "create"):
            baked = summaries.get(f"{name} baked {work}")
            for app in (*APPS, "against"):
                found = summaries.get(f"{name} {app} {work}")
                if found is None:
                    continue
                of_baked = found.rps / baked.rps if baked and baked.rps else 0.0
                failed = f" ({found.failed} failed)" if found.failed else ""
                lines.append(
                    f"{name + ' ' + work + ': ' + APP_LABELS[app]:<52} {found.rps:7.0f}"
                    f" {found.rps / hello.rps:7.3f} {of_baked:7.2f} {found.cpu_us:7.0f}µs"
                    f" {found.p50_ms:7.2f} {found.p99_ms:7.2f}"
                    f" {found.quiet_rounds:>3}/{found.rounds}{failed}"
                )
    return lines


def paired(results: dict[str, list[Run]], variants: list[str]) -> list[str]:
    """The baked service's req/s over another app's, round by round: their median and range.

    Both ran in the same round, minutes apart at most, so a machine that drifts between
    rounds (turbo, a neighbour's load) moves both; the medians of the table do not pair
    them. Where the other app runs the same code (a read `--against` a revision that did
    not change it), the spread of these ratios is the spread of the method."""
    lines = []
    for name in variants:
        for work in ("read", "create"):
            baked = results.get(f"{name} baked {work}", [])
            for app in ("deployed", "orm", "against"):
                other = results.get(f"{name} {app} {work}", [])
                ratios = [
                    mine.load.ok_per_second / theirs.load.ok_per_second
                    for mine, theirs in zip(baked, other, strict=False)
                    if theirs.load.ok_per_second
                ]
                if ratios:
                    lines.append(
                        f"{name} {work}: baked / {APP_LABELS[app]}, paired by round: median "
                        f"{benchlib.median(ratios):.2f} ({min(ratios):.2f}-{max(ratios):.2f}, "
                        f"{len(ratios)} rounds)"
                    )
    return lines


def figures_of(
    summaries: dict[str, Summary], variants: list[str], tool: str, busy: bool
) -> list[Figure]:
    marked = " BUSY MACHINE: not comparable" if busy else ""
    figures = []
    for name in variants:
        hello = summaries[f"{name} hello"]
        figures.append(
            Figure(f"Service {name}: hello-world route (`async def`)", hello.rps, "req/s",
                   detail=f"p50 {hello.p50_ms:.2f} ms, p99 {hello.p99_ms:.2f} ms, "
                   f"{hello.cpu_us:.0f} µs CPU/request; {tool}{marked}")
        )  # fmt: skip
        for work in ("read", "create"):
            baked = summaries.get(f"{name} baked {work}")
            orm = summaries.get(f"{name} orm {work}")
            for app in (*APPS, "against"):
                found = summaries.get(f"{name} {app} {work}")
                if found is None:
                    continue
                detail = (
                    f"p50 {found.p50_ms:.2f} ms, p99 {found.p99_ms:.2f} ms, "
                    f"{found.cpu_us:,.0f} µs CPU/request"
                )
                if baked and app != "baked":
                    detail += f"; {found.rps / baked.rps:.2f}x the baked service"
                if found.failed:
                    detail += f"; {found.failed:,} of {found.requests:,} failed, not counted"
                figures.append(
                    Figure(f"Service {name}: {work}, {APP_LABELS[app]}", found.rps, "req/s",
                           hello.rps, "hello-world", at_most=False, detail=detail + marked)
                )  # fmt: skip
            if baked and orm and work == "read":
                figures.append(
                    Figure(f"Service {name}: read, baked CPU/request vs hand-written ORM",
                           baked.cpu_us, "µs", orm.cpu_us, "hand-written ORM", target=1.1,
                           target_on="ratio", detail=marked.strip())
                )  # fmt: skip
    for database_kind in ("sqlite", "postgresql", "mysql"):
        for work in ("read", "create"):
            sync = summaries.get(f"{database_kind}-sync baked {work}")
            asynchronous = summaries.get(f"{database_kind}-async baked {work}")
            if sync and asynchronous:
                figures.append(
                    Figure(f"Service {database_kind}: {work}, sync mode vs async", sync.rps,
                           "req/s", asynchronous.rps, "async mode", target=0.9,
                           target_on="ratio", at_most=False, detail=marked.strip())
                )  # fmt: skip
    return figures


def main() -> None:
    args_parser = benchlib.parser(__doc__)
    args_parser.add_argument("--tool", choices=("auto", "wrk", "python"), default="auto")
    args_parser.add_argument(
        "--no-install",
        action="store_true",
        help="never try to install wrk; fall back to bench/loadgen.py",
    )
    args_parser.add_argument("--seconds", type=int, default=5)
    args_parser.add_argument("--rounds", type=int, default=3)
    args_parser.add_argument(
        "--warmup", type=int, default=2, help="seconds per endpoint before each round's runs"
    )
    args_parser.add_argument("--connections", type=int, default=32)
    args_parser.add_argument(
        "--databases", default="sqlite,postgresql,mysql", help="comma-separated (default: all)"
    )
    args_parser.add_argument("--modes", default="async,sync", help="comma-separated")
    args_parser.add_argument(
        "--pool-size",
        type=int,
        default=32,
        help="each app's pool on PostgreSQL and MySQL, one app at a time (default 32)",
    )
    args_parser.add_argument(
        "--max-load",
        type=float,
        default=float(os.cpu_count() or 1),
        help="refuse to compare when the 1-minute load average exceeds this as the run "
        "starts (default: the number of cores)",
    )
    args_parser.add_argument(
        "--max-others",
        type=float,
        default=0.25,
        help="a round during which other processes used more CPU than this, in cores, is "
        "left out of the medians (default 0.25)",
    )
    args_parser.add_argument(
        "--allow-busy",
        action="store_true",
        help="on a busy machine, mark the figures instead of exiting 2",
    )
    args_parser.add_argument(
        "--against",
        metavar="REV",
        help="also serve the template at this git revision, read and create in the same rounds",
    )
    args = args_parser.parse_args()
    # Stopped with SIGTERM, still stop the servers and drop the databases (the `finally`s).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    wrk = None if args.tool == "python" else find_wrk(install=not args.no_install)
    if args.tool == "wrk" and not wrk:
        args_parser.error("wrk is not installed and could not be installed")
    tool = f"wrk -t1 -c{args.connections}" if wrk else f"loadgen.py, {args.connections} conns"
    starting_load = os.getloadavg()[0]
    benchlib.say(
        f"load tool: {tool}; {args.rounds} rounds of {args.seconds:g} s per endpoint; "
        f"load average {starting_load:.2f} (--max-load {args.max_load:g})"
    )

    variants: list[str] = []
    results: dict[str, list[Run]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-service-") as tmp:
        # One variant at a time: the database servers may be shared, and every app keeps its
        # pool open between runs. Hello-world is measured again in each variant's rounds.
        for database_kind in args.databases.split(","):
            for mode in args.modes.split(","):
                with contextlib.ExitStack() as stack:
                    try:
                        served = stack.enter_context(variant(Path(tmp), database_kind, mode, args))
                    except LookupError as missing:
                        benchlib.say(f"skipping {database_kind}-{mode}: {missing}")
                        continue
                    benchlib.say(f"\n{served.name}")
                    variants.append(served.name)
                    results.update(measure(served.endpoints, wrk, args, Path(tmp)))

    summaries = {name: Summary.of(runs, args.max_others) for name, runs in results.items()}
    ending_load = os.getloadavg()[0]
    benchlib.say("")
    for line in [*table(summaries, variants), "", *paired(results, variants)]:
        benchlib.say(line)
    loud = [name for name, summary in summaries.items() if summary.quiet_rounds == 0]
    problems = []
    if starting_load > args.max_load:
        problems.append(f"the load average was {starting_load:.2f} as the run started")
    if loud:
        problems.append(
            f"no quiet round (others under {args.max_others:g} cores) for {len(loud)} of "
            f"{len(summaries)} endpoints: {', '.join(loud[:4])}{' ...' if len(loud) > 4 else ''}"
        )
    benchlib.say(f"load average: {starting_load:.2f} at the start, {ending_load:.2f} at the end")
    benchlib.report(figures_of(summaries, variants, tool, bool(problems)), args.json)
    if problems:
        message = "machine too busy to compare: " + "; ".join(problems)
        if not args.allow_busy:
            benchlib.say(message + " (--allow-busy: report the figures marked)")
            sys.exit(2)
        benchlib.say(message + ": figures marked BUSY")


if __name__ == "__main__":
    benchlib.use_tools_env()
    main()
