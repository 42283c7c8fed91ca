"""The baked service as a real process, started by its README's run command and driven over
HTTP: the client journey, a burst of concurrent writes, a database outage that readiness
reports and survives (PostgreSQL), a database that stops answering (PostgreSQL, MySQL), a
request with huge headers, a login flood, the locustfile's journey, and the API docs in a
browser with no network."""

from __future__ import annotations

import contextlib
import csv
import json
import os
import re
import shlex
import shutil
import socket
import sqlite3
import statistics
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import harness
import pytest

SECRET_KEY = "live-test-secret-key-that-is-long-enough-for-production"
PASSWORD = "live-test-password"


# --- the README's run command -------------------------------------------------------------------


def readme_run_steps(project: Path, env_dir: Path, port: int) -> list[list[str]]:
    """The README's first command, from the migration step on, run with the shared env's tools.

    Creating .venv and installing are what the shared env already did; `--reload` (a file
    watcher for development) becomes a fixed address.
    """
    readme = (project / "README.md").read_text(encoding="utf-8")
    first_command = re.search(r"```sh\n(.+?)\n```", readme, re.DOTALL)
    assert first_command, "README.md has no ```sh block"
    steps = [shlex.split(step) for step in first_command.group(1).split("&&")]
    # `uv run alembic ...` and `.venv/bin/alembic ...` both run the environment's alembic.
    steps = [step[2:] if step[:2] == ["uv", "run"] else step for step in steps]
    run_from = next(i for i, step in enumerate(steps) if Path(step[0]).name == "alembic")
    resolved = []
    for step in steps[run_from:]:
        step = [str(env_dir / "bin" / Path(step[0]).name), *step[1:]]
        if "--reload" in step:
            step.remove("--reload")
            step += ["--host", "127.0.0.1", "--port", str(port)]
        resolved.append(step)
    return resolved


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def running_service(
    project: Path, env_dir: Path, database_url: str, log: Path, **settings: str
) -> Iterator[str]:
    port = free_port()
    *setup, serve = readme_run_steps(project, env_dir, port)
    environ = harness.clean_environ(
        PATH=f"{env_dir / 'bin'}{os.pathsep}{os.environ['PATH']}",
        DATABASE_URL=database_url,
        ENVIRONMENT="production",
        SECRET_KEY=SECRET_KEY,
        **settings,
    )
    with log.open("w") as output:  # everything the steps print, as a log pipeline sees it
        for step in setup:
            done = subprocess.run(step, cwd=project, env=environ, stdout=output, stderr=output)
            assert done.returncode == 0, f"{shlex.join(step)} failed:\n{log.read_text()}"
        server = subprocess.Popen(serve, cwd=project, env=environ, stdout=output, stderr=output)
    base_url = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: call("GET", f"{base_url}/health/live")[0] == 200, server, log)
        yield base_url
    except BaseException:
        print(f"--- the service's output ---\n{log.read_text()[-4000:]}")
        raise
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def wait_for(ready: Callable[[], bool], server: subprocess.Popen[Any], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"the service exited with {server.returncode}:\n{log.read_text()}")
        try:
            if ready():
                return
        except OSError:
            pass
        time.sleep(0.2)
    pytest.fail(f"the service did not answer within 60 s:\n{log.read_text()}")


# --- a tiny HTTP client (standard library only) -------------------------------------------------


def call(
    method: str,
    url: str,
    body: dict[str, Any] | None = None,
    form: dict[str, str] | None = None,
    token: str | None = None,
    timeout: float = 30,
) -> tuple[int, Any]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    data = None
    if body is not None:
        data, headers["Content-Type"] = json.dumps(body).encode(), "application/json"
    if form is not None:
        data = urllib.parse.urlencode(form).encode()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    request = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            raw, status = response.read(), response.status
    except urllib.error.HTTPError as error:
        raw, status = error.read(), error.code
    return status, json.loads(raw) if raw else None


def sign_in(base_url: str, email: str) -> str:
    credentials = {"email": email, "password": PASSWORD}
    assert call("POST", f"{base_url}/api/v1/auth/register", credentials)[0] == 201
    form = {"username": email, "password": PASSWORD}
    status, body = call("POST", f"{base_url}/api/v1/auth/login", form=form)
    assert status == 200, body
    return str(body["access_token"])


# --- a TCP proxy that can cut the service off from its database ---------------------------------


class OutageProxy:
    """Forwards a local port to the database until `cut()`, and again after `restore()`."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.port = free_port()
        self._sockets: list[socket.socket] = []
        self._listener: socket.socket | None = None

    def restore(self) -> None:
        listener = socket.create_server(("127.0.0.1", self.port))
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def cut(self) -> None:
        # shutdown() before close(): a thread blocked in accept() or recv() on a socket is
        # only woken by a shutdown, and only then does the peer see the connection drop.
        for sock in [self._listener, *self._sockets]:
            if sock is None:
                continue
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
        self._sockets.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            self._sockets += [client, upstream]
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        try:
            while chunk := source.recv(65536):
                sink.sendall(chunk)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                with suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)


class FreezingProxy:
    """Forwards a local port to the database; freeze() stops it forwarding, both ways,
    without closing anything (a database host that stopped answering), thaw() resumes."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self._flowing = threading.Event()
        self._flowing.set()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = int(self._listener.getsockname()[1])
        self._sockets: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def freeze(self) -> None:
        self._flowing.clear()

    def thaw(self) -> None:
        self._flowing.set()

    def close(self) -> None:
        self._flowing.set()
        for sock in [self._listener, *self._sockets]:
            with suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
                upstream = socket.create_connection(self.target)
            except OSError:
                return
            self._sockets += [client, upstream]
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while chunk := source.recv(65536):
                self._flowing.wait()
                sink.sendall(chunk)
        except OSError:
            pass
        finally:  # one side closed: the other learns it, as across a network
            self._flowing.wait()
            for sock in (source, sink):
                with suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)


# --- the tests ----------------------------------------------------------------------------------


def baked_project(combo: harness.Combo, bake: Callable[..., Any]) -> tuple[Path, Path]:
    """The baked project and the shared environment holding its dependencies."""
    project = harness.project_path(bake(combo.answers()))
    return project, harness.ensure_env(project, combo.python_version)


@pytest.mark.parametrize("combo", harness.one_per_database())
def test_the_running_service_serves_a_journey_and_a_burst_of_writes(
    combo: harness.Combo, bake: Callable[..., Any], tmp_path: Path
) -> None:
    project, env_dir = baked_project(combo, bake)
    database_url = harness.empty_generated_database(project, env_dir, combo, tmp_path, "_live")
    log = tmp_path / "service.log"

    with running_service(project, env_dir, database_url, log) as base_url:
        items = f"{base_url}/api/v1/items"
        token = sign_in(base_url, "journey@example.com")
        assert call("GET", f"{base_url}/health/ready")[0] == 200

        status, created = call("POST", items, {"name": "first"}, token=token)
        assert status == 201, created
        one = f"{items}/{created['id']}"
        assert call("GET", one, token=token) == (200, created)
        assert call("PATCH", one, {"description": "edited"}, token=token)[1]["description"] == (
            "edited"
        )
        assert call("DELETE", one, token=token)[0] == 204
        assert call("GET", one, token=token)[0] == 404

        names = [f"burst {n}" for n in range(40)] + ["contested"] * 10
        with ThreadPoolExecutor(max_workers=16) as pool:
            answers = list(
                pool.map(lambda name: call("POST", items, {"name": name}, token=token), names)
            )

        statuses = [status for status, _ in answers]
        assert max(statuses) < 500, answers
        assert statuses.count(201) == 41
        assert statuses.count(409) == 9
        created_ids = {body["id"] for status, body in answers if status == 201}
        status, page = call("GET", f"{items}?limit=100", token=token)
        assert status == 200
        assert page["total"] == len(created_ids)
        assert {row["id"] for row in page["items"]} == created_ids

        # The load script the project ships, pointed at it as its README says, with more
        # requests at once than the server has worker threads (40) or pooled connections.
        load = harness.run_in_env(
            env_dir,
            ["scripts/load.py", "--url", base_url, "--requests", "400", "--concurrency", "64"],
            project,
            timeout=120,
        )
        load.require_success()
        assert "400 requests in" in load.output, load.output

    output = log.read_text()
    assert PASSWORD not in output
    assert token not in output
    assert SECRET_KEY not in output
    # In production every line, the migration step's included, is JSON, and a request gets
    # one access line: the app's, not uvicorn's as well.
    not_json = [line for line in output.splitlines() if line and not line.startswith("{")]
    assert not not_json, not_json[:5]
    lines = [json.loads(line) for line in output.splitlines() if line]
    loggers = {line["logger"] for line in lines}
    assert "alembic.runtime.migration" in loggers, sorted(loggers)
    assert "uvicorn.access" not in loggers, sorted(loggers)
    access = [line for line in lines if line["logger"] == "app.access"]
    assert all({"method", "path", "status", "duration_ms"} <= line.keys() for line in access)
    assert len(access) >= 400 + 50, len(access)  # the load script's requests and the burst


# The params carry their env and database marks (see harness.env_param).
@pytest.mark.parametrize(
    "combo",
    [c for c in harness.one_per_database() if c.values[0].database == "postgresql"],
)
def test_readiness_reports_a_database_outage_and_recovers_without_a_restart(
    combo: harness.Combo, bake: Callable[..., Any], tmp_path: Path
) -> None:
    project, env_dir = baked_project(combo, bake)
    direct_url = harness.empty_generated_database(project, env_dir, combo, tmp_path, "_outage")
    parts = urllib.parse.urlsplit(direct_url)
    proxy = OutageProxy((parts.hostname or "127.0.0.1", parts.port or 5432))
    proxy.restore()
    via_proxy = direct_url.replace(parts.netloc, f"{parts.username}@127.0.0.1:{proxy.port}")

    with running_service(project, env_dir, via_proxy, tmp_path / "service.log") as base_url:
        ready = f"{base_url}/health/ready"
        token = sign_in(base_url, "outage@example.com")
        assert call("GET", ready)[0] == 200

        proxy.cut()
        assert statuses_until(ready, 503)[-1] == 503
        status, body = call("POST", f"{base_url}/api/v1/items", {"name": "x"}, token=token)
        assert status == 503, body
        assert set(body) == {"detail"}

        proxy.restore()
        # The pool is not pinged: one request at most may take a connection the outage
        # killed (a 503), and the pool then replaces them all.
        recovered = statuses_until(ready, 200)
        assert recovered[-1] == 200
        assert recovered.count(503) <= 1, recovered
        assert call("POST", f"{base_url}/api/v1/items", {"name": "y"}, token=token)[0] == 201
    proxy.cut()


def statuses_until(url: str, wanted: int, seconds: float = 20) -> list[int]:
    """GET `url` until it answers `wanted` or time runs out; every status seen, in order."""
    seen = [call("GET", url)[0]]
    deadline = time.monotonic() + seconds
    while seen[-1] != wanted and time.monotonic() < deadline:
        time.sleep(0.25)
        seen.append(call("GET", url)[0])
    return seen


def timed_call(method: str, url: str, **kwargs: Any) -> tuple[int, Any, float]:
    started = time.monotonic()
    status, body = call(method, url, **kwargs)
    return status, body, time.monotonic() - started


def one_combo(database: str) -> list[Any]:
    return [c for c in harness.one_per_database() if c.values[0].database == database]


# The service's default, as its settings declare it (app/core/config.py).
READINESS_TIMEOUT = 2
# Shorter than the default 10 s: the test proves the bound the setting names is kept, and
# each frozen request waits it out.
STATEMENT_TIMEOUT = 3
LOGIN_FAILURES_PER_CLIENT = 50
# What a 503 may take past its bound on a busy 2-core machine.
SLACK = 3


@pytest.mark.parametrize("combo", one_combo("postgresql") + one_combo("mysql"))
def test_a_database_that_stops_answering_gets_503s_within_bounds_and_no_data_in_the_log(
    combo: harness.Combo, bake: Callable[..., Any], tmp_path: Path
) -> None:
    project, env_dir = baked_project(combo, bake)
    direct_url = harness.empty_generated_database(project, env_dir, combo, tmp_path, "_frozen")
    parts = urllib.parse.urlsplit(direct_url)
    default_port = 5432 if combo.database == "postgresql" else 3306
    proxy = FreezingProxy((parts.hostname or "127.0.0.1", parts.port or default_port))
    user_part = parts.netloc.rpartition("@")[0]
    via_proxy = direct_url.replace(parts.netloc, f"{user_part}@127.0.0.1:{proxy.port}")
    log = tmp_path / "service.log"
    email = "frozen-person@example.com"

    try:
        with running_service(
            project, env_dir, via_proxy, log, DATABASE_STATEMENT_TIMEOUT=str(STATEMENT_TIMEOUT)
        ) as base_url:
            ready = f"{base_url}/health/ready"
            token = sign_in(base_url, "reader@example.com")
            assert call("GET", ready)[0] == 200

            proxy.freeze()
            probe = timed_call("GET", ready)
            read = timed_call("GET", f"{base_url}/api/v1/items", token=token)
            credentials = {"email": email, "password": PASSWORD}
            register = timed_call("POST", f"{base_url}/api/v1/auth/register", body=credentials)
            proxy.thaw()
            recovered = statuses_until(ready, 200, seconds=30)
    finally:
        proxy.close()

    assert probe[0] == 503, probe
    assert probe[2] < READINESS_TIMEOUT + SLACK, probe
    for status, body, took in (read, register):
        assert (status, body) == (503, {"detail": "Database unavailable, try again shortly"})
        assert took < STATEMENT_TIMEOUT + SLACK
    assert recovered[-1] == 200, recovered
    output = log.read_text()
    for secret in (email, "frozen-person", PASSWORD, SECRET_KEY, "$argon2", token):
        assert secret not in output, f"{secret!r} is in the service's log"


HEADER_FLOOD_BYTES = 64 * 1024 * 1024


@pytest.mark.parametrize("combo", one_combo("sqlite"))
def test_a_request_with_huge_headers_is_refused_at_once_and_holds_no_one_up(
    combo: harness.Combo, bake: Callable[..., Any], tmp_path: Path
) -> None:
    project, env_dir = baked_project(combo, bake)
    database_url = harness.empty_generated_database(project, env_dir, combo, tmp_path, "_headers")

    with running_service(project, env_dir, database_url, tmp_path / "service.log") as base_url:
        port = int(urllib.parse.urlsplit(base_url).port or 0)
        with socket.create_connection(("127.0.0.1", port), timeout=30) as flood:
            flood.sendall(b"GET /health/live HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ")
            started, sent = time.monotonic(), 0
            chunk = b"a" * 65536
            try:
                while sent < HEADER_FLOOD_BYTES:
                    flood.sendall(chunk)
                    sent += len(chunk)
            except OSError:
                pass  # the server closed the connection: the refusal
            refused_after = time.monotonic() - started
            flood.settimeout(5)
            try:
                answer = flood.recv(4096)
            except OSError:
                answer = b""
        live = timed_call("GET", f"{base_url}/health/live")

    assert sent < HEADER_FLOOD_BYTES, "the whole 64 MiB header was read"
    assert refused_after < 2, refused_after
    assert answer == b"" or answer.split(b" ")[1] in (b"400", b"413", b"431"), answer[:80]
    assert live[0] == 200
    assert live[2] < 1, live


# A few users started at once: their registrations and logins (Argon2 each) stay within the
# service's hashing queue, which answers 503 past it by design.
LOCUST_USERS = 4
LOCUST_SECONDS = 8


@pytest.mark.parametrize("combo", one_combo("sqlite"))
def test_the_locustfile_runs_its_journey_against_the_service_without_a_failure(
    combo: harness.Combo, bake: Callable[..., Any], tmp_path: Path
) -> None:
    """The project's locustfile, headless as its README says, for a few seconds: every step
    of the journey is taken and no request fails (locust exits 1 when one does)."""
    project, env_dir = baked_project(combo, bake)
    database_url = harness.empty_generated_database(project, env_dir, combo, tmp_path, "_locust")
    stats = tmp_path / "locust"

    with running_service(project, env_dir, database_url, tmp_path / "service.log") as base_url:
        run = harness.run_in_env(
            env_dir,
            ["-m", "locust", "-f", "locustfile.py", "--headless", "--only-summary",
             "-u", str(LOCUST_USERS), "-r", str(LOCUST_USERS), "-t", f"{LOCUST_SECONDS}s",
             "--host", base_url, "--csv", str(stats)],
            project,
            timeout=LOCUST_SECONDS + 60,
        )  # fmt: skip

    run.require_success()
    with (tmp_path / "locust_stats.csv").open(newline="") as table:
        rows = {(row["Type"], row["Name"]): row for row in csv.DictReader(table)}
    failures = {
        name: row["Failure Count"] for name, row in rows.items() if row["Failure Count"] != "0"
    }
    assert not failures, run.output[-3000:]
    steps = {(method, name.split("?")[0]) for method, name in rows}
    assert {
        ("POST", "/api/v1/auth/register"),
        ("POST", "/api/v1/auth/login"),
        ("POST", "/api/v1/items"),
        ("GET", "/api/v1/items/{item_id}"),
        ("GET", "/api/v1/items"),
    } <= steps, sorted(steps)


@pytest.mark.parametrize("combo", one_combo("sqlite"))
def test_a_login_flood_starves_no_other_request(
    combo: harness.Combo, bake: Callable[..., Any], tmp_path: Path
) -> None:
    project, env_dir = baked_project(combo, bake)
    database_url = harness.empty_generated_database(project, env_dir, combo, tmp_path, "_flood")

    with running_service(project, env_dir, database_url, tmp_path / "service.log") as base_url:
        token = sign_in(base_url, "reader@example.com")
        items, login = f"{base_url}/api/v1/items", f"{base_url}/api/v1/auth/login"
        # A read alone, on this machine now: the flood's reads are judged against it, so a
        # slow or busy machine does not pass for a starved service.
        alone = statistics.median(timed_call("GET", items, token=token)[2] for _ in range(20))
        reads: list[float] = []
        flooding = threading.Event()

        def read_meanwhile() -> None:
            while flooding.is_set():
                status, _, took = timed_call("GET", items, token=token)
                assert status == 200
                reads.append(took)

        def wrong_login(n: int) -> int:
            # 25 accounts: none reaches its own limit (10) before the client reaches its own.
            form = {"username": f"victim-{n % 25}@example.com", "password": "wrong-password"}
            return call("POST", login, form=form)[0]

        flooding.set()
        reader = threading.Thread(target=read_meanwhile)
        reader.start()
        with ThreadPoolExecutor(max_workers=100) as pool:
            answers = list(pool.map(wrong_login, range(600)))
        flooding.clear()
        reader.join()

        # One at a time (each admitted to a password check) until the client's limit.
        after = [wrong_login(n) for n in range(LOGIN_FAILURES_PER_CLIENT + 1)]

    counts = {status: answers.count(status) for status in set(answers)}
    assert set(answers) <= {401, 429, 503}, counts
    assert len(reads) >= 5
    # Starved, a read waits out SQLite's busy timeout (5 s) or a queue of password checks.
    # Beside 100 logins at once it shares the CPU with them, and waits for a session only
    # behind other reads (reads and writes have a gate each: app/core/db.py, session_slots;
    # tests/db/test_session_slots.py pins that). The bound leaves room for a slow machine:
    # 300 reads' time alone, or half a second.
    assert statistics.median(reads) < max(0.5, 300 * alone), (alone, sorted(reads))
    # Each attempt is counted before its password is checked: however many arrive at once,
    # no more than the client's limit are checked (an admitted attempt refused a turn at
    # Argon2, a 503, stays counted), the count ends at the limit, and 429s follow.
    checked = answers.count(401) + after.count(401)
    assert 0 < checked <= LOGIN_FAILURES_PER_CLIENT, (counts, after)
    assert counted_failures(database_url) == LOGIN_FAILURES_PER_CLIENT, (counts, after)
    assert after[-1] == 429, after


def counted_failures(sqlite_url: str) -> int:
    """Rows in the service's login_failures table (a file database)."""
    with contextlib.closing(sqlite3.connect(sqlite_url.partition(":///")[2])) as connection:
        (count,) = connection.execute("SELECT count(*) FROM login_failures").fetchone()
    return int(count)


# The page a browser shows for /docs lists every operation with its path.
OPERATION = re.compile(r'class="opblock-summary-path"[^>]*data-path="([^"]+)"')
CHROMIUM = ("chromium", "chromium-browser")


@pytest.mark.parametrize("combo", one_combo("sqlite"))
def test_the_api_docs_list_every_operation_in_a_browser_without_network(
    combo: harness.Combo, bake: Callable[..., Any], tmp_path: Path
) -> None:
    browser = next(filter(None, map(shutil.which, CHROMIUM)), None)
    if browser is None:
        pytest.fail(
            "no headless Chromium on this machine: install it (Debian: "
            "apt-get install -y chromium) to check the API docs in a browser"
        )
    project, env_dir = baked_project(combo, bake)
    database_url = harness.empty_generated_database(project, env_dir, combo, tmp_path, "_docs")
    log = tmp_path / "service.log"

    with running_service(project, env_dir, database_url, log, DOCS_ENABLED="true") as base_url:
        schema = call("GET", f"{base_url}/openapi.json")[1]
        page = subprocess.run(
            [
                browser,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                # No network beyond the service: a script from a CDN would not load.
                "--proxy-server=http://127.0.0.1:9",
                "--proxy-bypass-list=127.0.0.1",
                f"--user-data-dir={tmp_path / 'browser'}",
                "--dump-dom",
                "--virtual-time-budget=5000",
                f"{base_url}/docs",
            ],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    shown = set(OPERATION.findall(page.stdout))
    documented = set(schema["paths"])
    assert documented, schema
    assert shown == documented, (sorted(documented - shown), page.stderr[-2000:])
