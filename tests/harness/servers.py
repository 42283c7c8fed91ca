"""The database servers and Redis the generated suites run on, and per-run names on them."""

from __future__ import annotations

import os
import socket
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple
from urllib.parse import urlsplit, urlunsplit

import pytest

from harness.envs import run_in_env

if TYPE_CHECKING:
    from harness.combinations import Combo


class Server(NamedTuple):
    env_var: str
    default_port: int
    drivers: dict[str, str]


SERVERS = {
    "postgresql": Server("TEST_POSTGRES_URL", 5432, {"sync": "psycopg", "async": "asyncpg"}),
    "mysql": Server("TEST_MYSQL_URL", 3306, {"sync": "pymysql", "async": "asyncmy"}),
}


RUN_ID_VARIABLE = "META_RUN_ID"


def run_prefix() -> str:
    """`meta_<run id>_`: every database this run (all its xdist workers) makes starts with it,
    so two runs on one server never meet and the end of the run drops exactly its own."""
    return f"meta_{os.environ[RUN_ID_VARIABLE]}_"


def database_name(combo: Combo, suffix: str = "") -> str:
    """One database per combination (and run kind), so concurrent suites never share one."""
    name = f"{run_prefix()}{combo.database}_{combo.mode}_auth_{combo.auth}{suffix}"
    return name.replace("-", "_")


def drop_run_databases(prefix: str) -> list[str]:
    """Drop every database whose name starts with `prefix` on each server whose URL is set
    (the generated suites add `_gw0`-style suffixes, hence a prefix). Returns what it dropped."""
    dropped: list[str] = []
    pattern = prefix.replace("_", "\\_") + "%"
    if url := os.environ.get(SERVERS["postgresql"].env_var):
        import psycopg

        with psycopg.connect(url, autocommit=True) as connection:
            names = [
                row[0]
                for row in connection.execute(
                    "SELECT datname FROM pg_database WHERE datname LIKE %s", (pattern,)
                )
            ]
            for name in names:
                connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            dropped += names
    if url := os.environ.get(SERVERS["mysql"].env_var):
        import pymysql

        parts = urlsplit(url)
        connection = pymysql.connect(
            host=parts.hostname or "127.0.0.1",
            port=parts.port or SERVERS["mysql"].default_port,
            user=parts.username or "root",
            password=parts.password or "",
            autocommit=True,
        )
        with connection, connection.cursor() as cursor:
            cursor.execute(
                "SELECT schema_name FROM information_schema.schemata WHERE schema_name LIKE %s",
                (pattern,),
            )
            names = [row[0] for row in cursor.fetchall()]
            for name in names:
                cursor.execute(f"DROP DATABASE IF EXISTS `{name}`")
            dropped += names
    return dropped


def generated_database_url(database: str, mode: str, name: str) -> str | None:
    """TEST_DATABASE_URL for the generated suite; None means its in-memory SQLite default."""
    if database not in SERVERS:
        return None
    server = SERVERS[database]
    base = os.environ.get(server.env_var)
    if not base:
        pytest.skip(
            f"!!! {server.env_var} is not set: the {database} suites are NOT tested. "
            f"Set it, e.g. {server.env_var}={example_url(database)}"
        )
    parts = urlsplit(base)
    host, port = parts.hostname or "127.0.0.1", parts.port or server.default_port
    require_reachable(server.env_var, host, port)
    scheme = f"{database}+{server.drivers[mode]}"
    return urlunsplit((scheme, parts.netloc, f"/{name}", parts.query, ""))


REDIS_VARIABLE = "TEST_REDIS_URL"


def uses_redis(combo: Combo) -> bool:
    """Whether the combination's project needs a Redis (its cache, its task queue's broker)."""
    answers = combo.answers()
    return answers.get("cache") == "redis" or answers.get("tasks") == "celery"


def redis_url() -> str:
    """TEST_REDIS_URL on a database number of this run's own (1 to 14, from the run id), so
    two runs on one server rarely share one; the generated tests also keep to key prefixes
    and queues of their own. Skips, loudly, when it is unset; fails when nothing answers."""
    base = os.environ.get(REDIS_VARIABLE)
    if not base:
        pytest.skip(
            f"!!! {REDIS_VARIABLE} is not set: the Redis suites are NOT tested. "
            f"Set it, e.g. {REDIS_VARIABLE}=redis://127.0.0.1:6379/0"
        )
    parts = urlsplit(base)
    require_reachable(REDIS_VARIABLE, parts.hostname or "127.0.0.1", parts.port or 6379)
    number = int(os.environ[RUN_ID_VARIABLE], 16) % 14 + 1
    return urlunsplit((parts.scheme, parts.netloc, f"/{number}", parts.query, ""))


def suite_environ(combo: Combo, database_url: str | None) -> dict[str, str]:
    """What a generated suite reads from outside: its database, and its Redis if it has one."""
    environ = {"TEST_DATABASE_URL": database_url} if database_url else {}
    if uses_redis(combo):
        environ[REDIS_VARIABLE] = redis_url()
    return environ


def example_url(database: str) -> str:
    return {
        "postgresql": "postgresql://postgres@127.0.0.1:5432/postgres",
        "mysql": "mysql://root@127.0.0.1:3306/",
    }[database]


def require_reachable(env_var: str, host: str, port: int) -> None:
    try:
        socket.create_connection((host, port), timeout=5).close()
    except OSError as error:
        refusal = str(error)
    else:
        return
    pytest.fail(
        f"{env_var} points at {host}:{port}, but nothing accepts connections there "
        f"({refusal}). Start that server, or unset {env_var} to skip these tests.",
        pytrace=False,
    )


def empty_generated_database(
    project: Path, env_dir: Path, combo: Combo, tmp_path: Path, suffix: str
) -> str:
    """The URL of an empty database of the test's own (tests may run at once), made by the
    baked project's own test helper."""
    if combo.database == "sqlite":
        driver = "sqlite+aiosqlite" if combo.mode == "async" else "sqlite"
        return f"{driver}:///{tmp_path / (suffix.strip('_') + '.db')}"
    url = generated_database_url(combo.database, combo.mode, database_name(combo, suffix))
    assert url is not None
    call_it = (
        "asyncio.run(create_empty_database(url))"
        if combo.mode == "async"
        else "create_empty_database(url)"
    )
    script = (
        "import asyncio\nfrom sqlalchemy import make_url\n"
        "from tests.database import create_empty_database\n"
        f"url = make_url({url!r})\n{call_it}\n"
    )
    run_in_env(env_dir, ["-c", script], project, timeout=120).require_success()
    return url
