"""The baked Dockerfile and docker-compose.yml agree with each other and with the project: the
image ships what its build reads, an SQLite database lives on the volume, and a compose
database is reachable from this machine only and healthy only once it takes connections.

They are read, not run: the meta-tests' machines have no container engine. What these tests
pin was found by building and running the images of every database once by hand."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

import harness
import pytest
import yaml

COMBOS = [c.but(docker="yes") for c in harness.core_combos() if c.auth == "yes"]
PARAMS = [harness.combo_param(combo, ("database", "mode")) for combo in COMBOS]
SQLITE = [param for param in PARAMS if param.values[0].database == "sqlite"]
SERVERS = [param for param in PARAMS if param.values[0].database != "sqlite"]


@pytest.fixture(params=PARAMS)
def combo(request: pytest.FixtureRequest) -> harness.Combo:
    combo: harness.Combo = request.param
    return combo


@pytest.fixture
def stages(project: Path) -> list[list[tuple[str, str]]]:
    return dockerfile_stages((project / "Dockerfile").read_text(encoding="utf-8"))


@pytest.fixture
def compose(project: Path) -> dict[str, Any]:
    config: dict[str, Any] = yaml.safe_load(
        (project / "docker-compose.yml").read_text(encoding="utf-8")
    )
    return config


def dockerfile_stages(text: str) -> list[list[tuple[str, str]]]:
    """The instructions of each stage, as (INSTRUCTION, arguments), continuations joined."""
    joined = re.sub(r"\\\n\s*", " ", text)
    stages: list[list[tuple[str, str]]] = []
    for line in joined.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        instruction, _, arguments = line.partition(" ")
        if instruction.upper() == "FROM":
            stages.append([])
        stages[-1].append((instruction.upper(), arguments.strip()))
    return stages


def env_of(stage: list[tuple[str, str]]) -> dict[str, str]:
    env: dict[str, str] = {}
    for instruction, arguments in stage:
        if instruction == "ENV":
            env.update(re.findall(r"(\w+)=(\S+)", arguments))
    return env


def copied(stage: list[tuple[str, str]]) -> set[str]:
    """The sources of a stage's COPY instructions from the build context."""
    sources: set[str] = set()
    for instruction, arguments in stage:
        if instruction == "COPY" and not arguments.startswith("--from"):
            sources.update(arguments.split()[:-1])
    return sources


def named_stage(stages: list[list[tuple[str, str]]], name: str) -> list[tuple[str, str]]:
    """The stage `FROM ... AS name`."""
    (stage,) = [s for s in stages if s[0][1].lower().endswith(f" as {name}")]
    return stage


def position(stage: list[tuple[str, str]], instruction: str, pattern: str) -> int:
    """The index of the one instruction of `stage` whose arguments match `pattern`."""
    (index,) = [
        i
        for i, (name, arguments) in enumerate(stage)
        if name == instruction and re.search(pattern, arguments)
    ]
    return index


def test_the_build_stage_copies_what_the_build_reads(
    project: Path, stages: list[list[tuple[str, str]]]
) -> None:
    build = named_stage(stages, "build")
    metadata = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))
    needed = {"pyproject.toml", metadata["project"]["readme"]}
    needed |= set(metadata["tool"]["hatch"]["build"]["targets"]["wheel"]["packages"])
    if (project / "LICENSE").exists():
        needed.add("LICENSE")  # hatchling ships it in the distribution when it finds it
    assert needed <= copied(build), f"missing from the build stage: {needed - copied(build)}"


@pytest.mark.parametrize("combo", SQLITE)
def test_an_sqlite_database_lives_on_the_volume_with_or_without_compose(
    combo: harness.Combo, stages: list[list[tuple[str, str]]], compose: dict[str, Any]
) -> None:
    runtime = stages[-1]
    image_url = env_of(runtime).get("DATABASE_URL", "")
    volumes = [arguments for instruction, arguments in runtime if instruction == "VOLUME"]
    assert volumes == ["/srv/data"]
    driver = "sqlite+aiosqlite" if combo.mode == "async" else "sqlite"
    assert image_url.startswith(f"{driver}:////srv/data/"), image_url
    # compose sets it too, over whatever a developer's .env says, and mounts the volume there.
    app = compose["services"]["app"]
    assert app["environment"]["DATABASE_URL"] == image_url
    assert any(str(volume).endswith(":/srv/data") for volume in app["volumes"])


@pytest.mark.parametrize("combo", SERVERS)
def test_a_compose_database_is_published_on_this_machine_only(compose: dict[str, Any]) -> None:
    ports = compose["services"]["db"]["ports"]
    assert ports, "the README's `docker compose up -d db` serves the tests on localhost"
    assert all(str(port).startswith("127.0.0.1:") for port in ports), ports


@pytest.mark.parametrize("combo", SERVERS)
def test_a_compose_database_is_healthy_only_once_it_takes_tcp_connections(
    compose: dict[str, Any],
) -> None:
    # While the official images initialise a new volume they run a server on the socket
    # only; a check over the socket passes then, and the app's migrations are refused.
    check = " ".join(compose["services"]["db"]["healthcheck"]["test"])
    assert re.search(r"-h\s*127\.0\.0\.1", check), check
    assert compose["services"]["app"]["depends_on"]["db"]["condition"] == "service_healthy"


def test_the_image_checks_its_health_and_runs_unprivileged(
    stages: list[list[tuple[str, str]]],
) -> None:
    runtime = dict(stages[-1])
    assert runtime["USER"] not in ("root", "0")
    assert "/health/live" in runtime["HEALTHCHECK"]
    assert "--start-period" in runtime["HEALTHCHECK"]
    assert "alembic upgrade head && exec uvicorn" in runtime["CMD"]


def test_dependencies_are_installed_in_a_layer_of_their_own_before_the_code(
    stages: list[list[tuple[str, str]]],
) -> None:
    """A change to the code reuses the dependency layer: its inputs are the project's
    metadata and lock only, and it is built before the code is copied in."""
    build = named_stage(stages, "build")
    metadata = position(build, "COPY", r"^pyproject\.toml uv\.lock\* ")
    dependencies = position(build, "RUN", r"uv sync .*--no-install-project")
    code = position(build, "COPY", r"^app ")
    service = position(build, "RUN", r"uv sync (?!.*--no-install-project)")
    assert metadata < dependencies < code < service
    # Nothing else reaches the dependency layer.
    assert [name for name, _ in build[metadata + 1 : dependencies]] == []


def test_the_build_honours_the_lock_and_leaves_the_dev_tools_out(
    stages: list[list[tuple[str, str]]],
) -> None:
    build = named_stage(stages, "build")
    syncs = [arguments for name, arguments in build if name == "RUN" and "uv sync" in arguments]
    assert len(syncs) == 2
    for sync in syncs:
        assert "$(test -f uv.lock && echo --locked)" in sync
        assert "--no-dev" in sync
    assert env_of(build)["UV_PROJECT_ENVIRONMENT"] == "/venv"
    runtime = stages[-1]
    assert ("COPY", "--from=build /venv /venv") in runtime
    assert not any("uv" in arguments.split()[0] for name, arguments in runtime if name == "RUN")


def test_every_line_the_container_writes_is_json(
    project: Path, stages: list[list[tuple[str, str]]]
) -> None:
    runtime = dict(stages[-1])
    assert "--log-config logging.json" in runtime["CMD"]
    assert "logging.json" in copied(stages[-1])
    assert (project / "logging.json").is_file()
