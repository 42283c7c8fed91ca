"""Every line a production process writes is JSON: uvicorn's supervising process and its
workers (`--workers 2 --log-config logging.json`, as the README and the container start
it) as well as the app; a token sent in the path stays out of them, and a request made
while tracing is off still gets its request id on its lines."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import harness
import pytest

TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl"
FIELDS = {"time", "level", "logger", "message", "request_id", "trace_id"}
SQLITE = [p for p in harness.one_per_database() if p.values[0].database == "sqlite"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return 0


@pytest.mark.parametrize("combo", SQLITE)
def test_a_production_server_with_workers_writes_only_json_lines(
    combo: harness.Combo, bake: Callable[..., Any], tmp_path: Path
) -> None:
    project = harness.project_path(bake(combo.answers()))
    env_dir = harness.ensure_env(project, combo.python_version)
    port, log = free_port(), tmp_path / "server.log"
    command = [
        str(env_dir / "bin" / "uvicorn"), "app.main:app", "--host", "127.0.0.1",
        "--port", str(port), "--http", "h11", "--no-access-log", "--log-config", "logging.json",
        "--workers", "2",
    ]  # fmt: skip
    environ = harness.clean_environ(
        ENVIRONMENT="production",
        SECRET_KEY="production-logs-test-key-that-is-long-enough",
        DATABASE_URL=f"sqlite:///{tmp_path / 'service.db'}",
    )
    base = f"http://127.0.0.1:{port}"
    with log.open("w") as output:
        server = subprocess.Popen(command, cwd=project, env=environ, stdout=output, stderr=output)
    try:
        deadline = time.monotonic() + 60
        while get(f"{base}/health/live") != 200:
            assert server.poll() is None, log.read_text()
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)
        assert get(f"{base}/health/live/{TOKEN}") == 404
        assert get(f"{base}/health/live%0Aforged") == 404
    finally:
        server.send_signal(signal.SIGINT)  # the supervisor stops its workers and says so
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()

    text = log.read_text()
    lines = [line for line in text.splitlines() if line]
    not_json = [line for line in lines if not line.startswith("{")]
    assert not not_json, not_json[:5]
    records = [json.loads(line) for line in lines]
    assert all(record.keys() >= FIELDS for record in records), records[:3]
    messages = " ".join(record["message"] for record in records)
    assert "Started parent process" in messages  # the supervisor's own line
    assert "Application startup complete" in messages  # a worker's
    assert TOKEN not in text
    access = [r for r in records if r["logger"] == "app.access"]
    assert {r["path"] for r in access} >= {"/health/live/[redacted]", "/health/live\nforged"}
    assert all(r["request_id"] != "-" for r in access)
