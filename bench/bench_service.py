"""Throughput of the generated service against a hello-world FastAPI route.

A baked project (default answers: SQLite, sync, auth) and a one-route FastAPI app run
side by side, each as a single uvicorn worker on 127.0.0.1 with the same flags and from the
same virtualenv. The same load tool (wrk if installed, else bench/loadgen.py) then drives,
in turn and for several rounds: the hello-world route, the app's own /health/live, a read
of one item by id, and creates of new items. Requests/s is the median over the rounds.

With `--against REV`, a project baked from the template at git revision REV serves beside
them, and its read and create join the same rounds: the fairest before/after comparison
this machine allows, since one run's figures move by 10% with the machine's load.
"""

import argparse
import contextlib
import io
import json
import os
import re
import shutil
import subprocess
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


@dataclass
class Endpoint:
    name: str
    port: int
    path: str
    headers: dict[str, str] = field(default_factory=dict)
    creates: bool = False


def call(port: int, path: str, data: bytes | None = None, **headers: str) -> dict[str, str]:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data, headers)
    with NO_PROXY.open(request, timeout=10) as response:
        return dict(json.loads(response.read() or b"{}"))


@contextlib.contextmanager
def uvicorn(
    python: Path, app: str, port: int, ready_path: str, log: Path, *extra: str, **popen: object
) -> Iterator[None]:
    """A single uvicorn worker, stopped (by its pid) however the block ends."""
    command = [str(python), "-m", "uvicorn", app, "--host", "127.0.0.1", "--port", str(port),
               "--no-access-log", *extra]  # fmt: skip
    with log.open("w") as output:
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT, **popen)
    try:
        for _ in range(300):
            if process.poll() is not None:
                raise RuntimeError(f"{app} exited:\n{log.read_text()[-3000:]}")
            with contextlib.suppress(OSError):
                call(port, ready_path)
                break
            time.sleep(0.1)
        else:
            raise RuntimeError(f"{app} did not answer on port {port} within 30 s")
        yield
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


@dataclass
class Service:
    python: Path  # of the project's virtualenv
    port: int
    auth: dict[str, str]  # the Authorization header of a signed-in user; empty without auth
    item_id: str  # an item that user owns


@contextlib.contextmanager
def service(
    root: Path, name: str, answers: dict[str, str], template: Path = benchlib.REPO
) -> Iterator[Service]:
    """A baked project served by one uvicorn worker on a migrated SQLite file of its own."""
    project = benchlib.bake(root / f"{name}-out", answers, template)
    python = benchlib.env_python(benchlib.project_env(project))
    url = f"{benchlib.database_driver(project)}:///{root}/{name}.db"
    environ = benchlib.clean_environ(DATABASE_URL=url, ENVIRONMENT="development")
    benchlib.run([python, "-m", "alembic", "upgrade", "head"], cwd=project, env=environ)
    port = benchlib.free_port()
    with uvicorn(python, "app.main:app", port, "/health/live", root / f"{name}.log",
                 cwd=project, env=environ):  # fmt: skip
        auth = sign_in(port) if answers.get("auth", "yes") == "yes" else {}
        created = call(port, "/api/v1/items", b'{"name": "read me"}',
                       **auth, **{"Content-Type": "application/json"})  # fmt: skip
        yield Service(python, port, auth, created["id"])


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
    command = [wrk, "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "--latency"]
    for name, value in endpoint.headers.items():
        command += ["-H", f"{name}: {value}"]
    url = f"http://127.0.0.1:{endpoint.port}{endpoint.path}"
    if endpoint.creates:
        script = script_dir / "create.lua"
        script.write_text(CREATE_SCRIPT, encoding="utf-8")
        command += ["-s", str(script), url, "--", uuid.uuid4().hex[:12]]
    else:
        command.append(url)
    output = benchlib.run(command).stdout
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


def measure(
    endpoints: list[Endpoint], wrk: str | None, args: argparse.Namespace, script_dir: Path
) -> dict[str, list[LoadResult]]:
    def once(endpoint: Endpoint, seconds: float) -> LoadResult:
        if wrk:
            return run_wrk(wrk, endpoint, args.connections, seconds, script_dir)
        return run_python(endpoint, args.connections, seconds)

    for endpoint in endpoints:  # warm-up: connection pools, caches, lazily built code
        once(endpoint, 1)
    results: dict[str, list[LoadResult]] = {endpoint.name: [] for endpoint in endpoints}
    for round_number in range(1, args.rounds + 1):
        for endpoint in endpoints:
            result = once(endpoint, args.seconds)
            results[endpoint.name].append(result)
            benchlib.say(
                f"round {round_number} {endpoint.name:<12} "
                f"{result.ok_per_second:8.0f} req/s  p50 {result.p50_ms:6.2f} ms"
                f"  p99 {result.p99_ms:7.2f} ms  failed {result.errors}"
            )
    return results


def median_result(results: list[LoadResult]) -> LoadResult:
    return sorted(results, key=lambda r: r.ok_per_second)[len(results) // 2]


def main() -> None:
    args_parser = benchlib.parser(__doc__)
    benchlib.answers_option(args_parser)
    args_parser.add_argument("--tool", choices=("auto", "wrk", "python"), default="auto")
    args_parser.add_argument(
        "--no-install",
        action="store_true",
        help="never try to install wrk; fall back to bench/loadgen.py",
    )
    args_parser.add_argument("--seconds", type=int, default=5)
    args_parser.add_argument("--rounds", type=int, default=3)
    args_parser.add_argument("--connections", type=int, default=16)
    args_parser.add_argument(
        "--against",
        metavar="REV",
        help="also serve the template at this git revision, read and create in the same rounds",
    )
    args = args_parser.parse_args()
    answers = benchlib.parse_answers(args.set)
    if answers.get("database", "sqlite") != "sqlite":
        args_parser.error("the service benchmark runs on SQLite only")

    wrk = None if args.tool == "python" else find_wrk(install=not args.no_install)
    if args.tool == "wrk" and not wrk:
        args_parser.error("wrk is not installed and could not be installed")
    tool = f"wrk -t1 -c{args.connections}" if wrk else f"loadgen.py, {args.connections} conns"
    benchlib.say(f"load tool: {tool}; {args.rounds} rounds of {args.seconds:g} s per endpoint")

    with (
        tempfile.TemporaryDirectory(prefix="bench-service-") as tmp,
        contextlib.ExitStack() as stack,
    ):
        root = Path(tmp)
        app = stack.enter_context(service(root, "app", answers))
        # Hello-world runs from the same virtualenv: the same uvicorn, uvloop and httptools.
        (root / "hello.py").write_text(HELLO_APP, encoding="utf-8")
        hello_port = benchlib.free_port()
        stack.enter_context(uvicorn(app.python, "hello:app", hello_port, "/hello",
                                    root / "hello.log", "--app-dir", str(root)))  # fmt: skip
        endpoints = [
            Endpoint("hello", hello_port, "/hello"),
            Endpoint("hello-sync", hello_port, "/hello-sync"),
            Endpoint("health-live", app.port, "/health/live"),
            Endpoint("read", app.port, f"/api/v1/items/{app.item_id}", app.auth),
            Endpoint("create", app.port, "/api/v1/items", app.auth, creates=True),
        ]
        if args.against:
            template = template_at(args.against, root / "against-template")
            before = stack.enter_context(service(root, "against", answers, template))
            read_path = f"/api/v1/items/{before.item_id}"
            endpoints += [
                Endpoint("read-against", before.port, read_path, before.auth),
                Endpoint("create-against", before.port, "/api/v1/items", before.auth, True),
            ]
        results = measure(endpoints, wrk, args, root)

    best = {name: median_result(runs) for name, runs in results.items()}
    hello = best["hello"].ok_per_second

    def figure(name: str, key: str, target: float | None = None) -> Figure:
        result = best[key]
        detail = f"p50 {result.p50_ms:.2f} ms, p99 {result.p99_ms:.2f} ms"
        if result.errors:
            detail += f"; {result.errors:,} of {result.requests:,} failed, not counted"
        if key == "hello":
            detail += f"; {tool}"
        baseline = None if key == "hello" else hello
        return Figure(name, result.ok_per_second, "req/s", baseline, "hello-world",
                      target=target, target_on="ratio", at_most=False, detail=detail)  # fmt: skip

    figures = [
        figure("Service: hello-world route (`async def`)", "hello"),
        figure("Service: hello-world route as `def` (threadpool)", "hello-sync"),
        figure("Service: app's /health/live (middleware, no database)", "health-live"),
        figure("Service: read one item by id (auth + session)", "read", 0.5),
        figure("Service: create an item", "create", 0.3),
    ]
    if args.against:
        for key, what in (("read", "read one item by id"), ("create", "create an item")):
            current, earlier = best[key], best[f"{key}-against"]
            latency = f"p50 {earlier.p50_ms:.2f} ms, p99 {earlier.p99_ms:.2f} ms"
            figures.append(
                Figure(
                    f"Service: {what}, this revision against {args.against}",
                    current.ok_per_second,
                    "req/s",
                    earlier.ok_per_second,
                    f"at {args.against}: {latency}",
                    at_most=False,
                )
            )
    benchlib.report(figures, args.json)


if __name__ == "__main__":
    benchlib.use_tools_env()
    main()
