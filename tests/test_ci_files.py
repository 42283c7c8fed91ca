"""The baked CI file is valid for its provider, runs what the README documents, and brings the
database the project was baked for."""

from __future__ import annotations

import re
import subprocess
import sys
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import harness
import pytest
import yaml

CI_FILES = {"github": ".github/workflows/ci.yml", "gitlab": ".gitlab-ci.yml"}
SCHEMAS = {"github": "vendor.github-workflows", "gitlab": "vendor.gitlab-ci"}
# What proposes dependency updates on each provider, and the schema it is read against.
UPDATE_BOTS = {
    "github": (".github/dependabot.yml", "vendor.dependabot"),
    "gitlab": ("renovate.json", "vendor.renovate"),
}
# The install step, with and without a uv.lock.
INSTALL = "if [ -f uv.lock ]; then uv sync --locked; else uv sync; fi"
CHECKED_COMMANDS = (
    "ruff check .",
    "ruff format --check .",
    "mypy .",
    "pytest --cov",
    "pytest -m contract",
)
AXES = ("ci", "database", "mode")

CI_COMBOS = [
    core.but(ci=ci, docker="yes")
    for ci in CI_FILES
    for core in harness.core_combos()
    if core.auth == "yes"
]
PARAMS = [harness.combo_param(combo, AXES) for combo in CI_COMBOS]
GITHUB_PARAMS = [param for param in PARAMS if param.values[0].ci == "github"]


@pytest.fixture(params=PARAMS)
def combo(request: pytest.FixtureRequest) -> harness.Combo:
    combo: harness.Combo = request.param
    return combo


@pytest.fixture
def ci_file(project: Path, combo: harness.Combo) -> Path:
    path = project / CI_FILES[combo.ci]
    assert path.is_file(), f"ci={combo.ci} baked no {CI_FILES[combo.ci]}"
    return path


@pytest.fixture
def ci_config(ci_file: Path) -> dict[str, Any]:
    config: dict[str, Any] = yaml.safe_load(ci_file.read_text(encoding="utf-8"))
    return config


def normalise(command: str) -> str:
    """`uv run ruff check .`, `.venv/bin/python -m ruff check .` and `ruff check .` are the
    same command."""
    command = " ".join(command.split())
    for prefix in ("uv run ", ".venv/bin/", "python -m "):
        command = command.removeprefix(prefix)
    return command


def shell_commands(script: str) -> Iterator[str]:
    for line in script.replace("\\\n", " ").splitlines():
        for part in line.split("&&"):
            part = part.strip()
            if part and not part.startswith("#"):
                yield normalise(part)


def readme_commands(project: Path) -> set[str]:
    blocks = harness.readme_blocks(project)
    return {command for block in blocks for command in shell_commands(block)}


def makefile_recipes(project: Path) -> dict[str, list[str]]:
    """Each target of the Makefile and the lines of its recipe."""
    recipes: dict[str, list[str]] = {}
    target = None
    for line in (project / "Makefile").read_text(encoding="utf-8").splitlines():
        if line.startswith("\t") and target is not None:
            recipes[target].append(line.strip())
        elif match := re.match(r"^([\w-]+):", line):
            target = match.group(1)
            recipes[target] = []
    return recipes


def flatten(items: Any) -> Iterator[Any]:
    """GitLab lets script lists nest (YAML anchors); GitHub steps are already flat."""
    for item in items if isinstance(items, list) else [items]:
        if isinstance(item, list):
            yield from flatten(item)
        elif item is not None:
            yield item


GITLAB_KEYWORDS = frozenset(
    {"default", "include", "stages", "variables", "workflow", "image", "services", "cache",
     "before_script", "after_script", "spec"}
)  # fmt: skip


def gitlab_jobs(config: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        job
        for name, job in config.items()
        if isinstance(job, dict) and name not in GITLAB_KEYWORDS and not name.startswith(".")
    ]


def gitlab_setting(config: dict[str, Any], job: dict[str, Any], key: str) -> Any:
    """A job keyword as GitLab resolves it: the job, then what it `extends`, then `default:`."""
    inherited = inherited_setting(config, job, key)
    if inherited is not None:
        return inherited
    return config.get("default", {}).get(key, config.get(key))


def inherited_setting(config: dict[str, Any], job: dict[str, Any], key: str) -> Any:
    if key in job:
        return job[key]
    parents = job.get("extends", [])
    for parent in reversed([parents] if isinstance(parents, str) else parents):
        value = inherited_setting(config, config.get(parent, {}), key)
        if value is not None:
            return value
    return None


def ci_scripts(provider: str, config: dict[str, Any]) -> list[str]:
    if provider == "github":
        jobs = config.get("jobs", {}).values()
        return [step["run"] for job in jobs for step in job.get("steps", []) if "run" in step]
    return [
        line
        for job in gitlab_jobs(config)
        for key in ("before_script", "script")
        for line in flatten(gitlab_setting(config, job, key))
    ]


def ci_commands(provider: str, config: dict[str, Any]) -> set[str]:
    scripts = ci_scripts(provider, config)
    return {command for script in scripts for command in shell_commands(script)}


def service_images(provider: str, config: dict[str, Any]) -> list[str]:
    if provider == "github":
        jobs = config.get("jobs", {}).values()
        return [
            service.get("image", "")
            for job in jobs
            for service in (job.get("services") or {}).values()
        ]
    return [
        service["name"] if isinstance(service, dict) else service
        for job in gitlab_jobs(config)
        for service in flatten(gitlab_setting(config, job, "services"))
    ]


def database_of(image: str) -> str | None:
    """`postgres:17`, `docker.io/library/mariadb:11` ... -> the database option it serves."""
    name = image.partition("@")[0].rsplit("/", 1)[-1].partition(":")[0]
    if "postgres" in name:
        return "postgresql"
    if "mysql" in name or "mariadb" in name:
        return "mysql"
    return None


def check_schema(path: Path, schema: str) -> None:
    command = [sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema, str(path)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def test_ci_file_matches_the_provider_schema(ci_file: Path, combo: harness.Combo) -> None:
    check_schema(ci_file, SCHEMAS[combo.ci])


def test_the_update_bot_config_matches_its_schema(project: Path, combo: harness.Combo) -> None:
    relative, schema = UPDATE_BOTS[combo.ci]
    check_schema(project / relative, schema)


def test_ci_installs_from_the_lock_when_there_is_one(
    combo: harness.Combo, ci_config: dict[str, Any]
) -> None:
    scripts = [" ".join(script.split()) for script in ci_scripts(combo.ci, ci_config)]
    assert INSTALL in scripts, scripts
    assert scripts.index(INSTALL) < min(
        index for index, script in enumerate(scripts) if normalise(script) in CHECKED_COMMANDS
    )


@pytest.mark.parametrize("combo", GITHUB_PARAMS)
def test_github_actions_are_on_their_current_majors(ci_config: dict[str, Any]) -> None:
    used = {
        step["uses"].partition("@")[0]: step["uses"].partition("@")[2]
        for job in ci_config["jobs"].values()
        for step in job["steps"]
        if "uses" in step
    }
    # Node 24 majors; setup-uv publishes exact tags only, which Dependabot moves.
    assert used == {
        "actions/checkout": "v7",
        "actions/setup-python": "v6",
        "astral-sh/setup-uv": "v9.0.0",
    }


DEPENDABOT_PARAMS = [
    harness.combo_param(CI_COMBOS[0].but(ci="github", docker=docker), (*AXES, "docker"))
    for docker in harness.choices("docker")
]


@pytest.mark.parametrize("combo", DEPENDABOT_PARAMS)
def test_dependabot_watches_what_the_project_uses(project: Path, combo: harness.Combo) -> None:
    config = yaml.safe_load((project / UPDATE_BOTS["github"][0]).read_text(encoding="utf-8"))
    ecosystems = {update["package-ecosystem"] for update in config["updates"]}
    expected = {"uv", "github-actions"} | ({"docker"} if combo.docker == "yes" else set())
    assert ecosystems == expected


PIP_INSTALL = (
    "python3 -m venv .venv && .venv/bin/python -m pip install -U pip"
    " && .venv/bin/python -m pip install -e . --group dev"
)


def test_the_readmes_pip_commands_are_its_uv_commands(project: Path) -> None:
    """The README gives its two commands with uv, then with pip: the same steps."""
    run, test, pip_run, pip_test = harness.readme_blocks(project)[:4]
    for uv_form, pip_form in ((run, pip_run), (test, pip_test)):
        assert uv_form.startswith("uv sync && "), uv_form
        expected = uv_form.replace("uv sync", PIP_INSTALL, 1).replace("uv run ", ".venv/bin/")
        assert pip_form == expected


def test_the_makefile_runs_the_readmes_commands_and_ci_checks(
    project: Path, combo: harness.Combo, ci_config: dict[str, Any]
) -> None:
    recipes = makefile_recipes(project)
    run, test = harness.readme_blocks(project)[:2]
    assert recipes["run"] == [run]
    assert recipes["test"] == [test]
    checks = [normalise(line) for line in recipes["check"]]
    assert checks == list(CHECKED_COMMANDS)
    assert set(checks) <= ci_commands(combo.ci, ci_config)


def test_readme_documents_the_checks(project: Path) -> None:
    missing = set(CHECKED_COMMANDS) - readme_commands(project)
    assert not missing, f"README.md's ```sh blocks lack {sorted(missing)}"


def test_ci_runs_the_readme_checks(combo: harness.Combo, ci_config: dict[str, Any]) -> None:
    missing = set(CHECKED_COMMANDS) - ci_commands(combo.ci, ci_config)
    assert not missing, f"{CI_FILES[combo.ci]} does not run README's {sorted(missing)}"


def test_ci_brings_the_chosen_database(combo: harness.Combo, ci_config: dict[str, Any]) -> None:
    images = service_images(combo.ci, ci_config)
    served = {database_of(image) for image in images} - {None}
    expected = {combo.database} & set(harness.SERVERS)
    assert served == expected, f"database services {sorted(images)} for database={combo.database}"


@pytest.mark.parametrize("combo", GITHUB_PARAMS)
def test_github_expressions_survive_rendering(ci_file: Path, template_dir: Path) -> None:
    """Each `{% raw %}` block of the template (GitHub's `${{ }}`, which Jinja would
    otherwise evaluate) reaches the baked file word for word."""
    source = (template_dir / "{{cookiecutter.project_slug}}" / CI_FILES["github"]).read_text(
        encoding="utf-8"
    )
    raw_blocks = re.findall(r"{%-? raw -?%}(.*?){%-? endraw -?%}", source, flags=re.DOTALL)
    assert raw_blocks, "the template's workflow has no {% raw %} block to check"
    rendered = ci_file.read_text(encoding="utf-8")
    missing = [block for block in raw_blocks if block not in rendered]
    assert not missing, f"expressions lost in rendering: {missing}"
    assert rendered.count("${{") == sum(block.count("${{") for block in raw_blocks)


# The image's defaults: the port it listens on and the user the URL signs in as.
SERVICE_DEFAULTS = {"postgresql": (5432, "postgres"), "mysql": (3306, "root")}
PASSWORD_VARIABLES = {"postgresql": "POSTGRES_PASSWORD", "mysql": "MYSQL_ROOT_PASSWORD"}


def database_service(
    combo: harness.Combo, config: dict[str, Any]
) -> tuple[set[str], int, str, str]:
    """Where the CI file's database service answers, as its job sees it: the host names that
    reach it, port, user, password."""
    port, user = SERVICE_DEFAULTS[combo.database]
    if combo.ci == "github":
        (job,) = config["jobs"].values()
        (service,) = [
            service
            for service in (job.get("services") or {}).values()
            if database_of(service.get("image", "")) == combo.database
        ]
        environment = service.get("env", {})
        published = {
            int(container): int(host)
            for host, _, container in (str(p).partition(":") for p in service.get("ports", []))
        }
        assert port in published, f"the service does not publish port {port}: {service}"
        hosts, port = {"localhost", "127.0.0.1"}, published[port]
    else:
        (job,) = gitlab_jobs(config)
        (service,) = [
            service
            for service in flatten(gitlab_setting(config, job, "services"))
            if database_of(service["name"] if isinstance(service, dict) else service)
            == combo.database
        ]
        environment = {**config.get("variables", {}), **job.get("variables", {})}
        image = service["name"] if isinstance(service, dict) else service
        # GitLab names the service's host by its alias, else after its image.
        host = service.get("alias") if isinstance(service, dict) else None
        hosts = {host or image.partition(":")[0].replace("/", "__")}
    return hosts, port, user, str(environment.get(PASSWORD_VARIABLES[combo.database], ""))


def test_ci_points_the_tests_at_its_database_service(
    combo: harness.Combo, ci_config: dict[str, Any]
) -> None:
    if combo.ci == "github":
        (job,) = ci_config["jobs"].values()
        variables = {**ci_config.get("env", {}), **job.get("env", {})}
    else:
        (job,) = gitlab_jobs(ci_config)
        variables = {**ci_config.get("variables", {}), **job.get("variables", {})}
    url = variables.get("TEST_DATABASE_URL")
    if combo.database not in harness.SERVERS:
        assert url is None or url.startswith("sqlite"), url
        return
    assert url, f"{CI_FILES[combo.ci]} sets no TEST_DATABASE_URL"
    parts = urllib.parse.urlsplit(url)
    hosts, port, user, password = database_service(combo, ci_config)
    assert parts.hostname in hosts, url
    assert (parts.port, parts.username, parts.password or "") == (port, user, password), url
    assert parts.scheme.partition("+")[0] == combo.database, url
