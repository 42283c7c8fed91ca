"""The baked service as a real process, started by its README's run command and driven over
HTTP: the client journey, a burst of concurrent writes, and (on PostgreSQL) a database
outage that readiness reports and survives."""

from __future__ import annotations

import contextlib
import json
import os
import re
import shlex
import socket
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
def running_service(project: Path, env_dir: Path, database_url: str, log: Path) -> Iterator[str]:
    port = free_port()
    *setup, serve = readme_run_steps(project, env_dir, port)
    environ = harness.clean_environ(
        PATH=f"{env_dir / 'bin'}{os.pathsep}{os.environ['PATH']}",
        DATABASE_URL=database_url,
        ENVIRONMENT="production",
        SECRET_KEY=SECRET_KEY,
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
        with urllib.request.urlopen(request, timeout=30) as response:
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
        assert statuses_until(ready, 200)[-1] == 200
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
