"""What the meta-tests share: the combinations, the expected files, environments and databases."""

from __future__ import annotations

import ast
import hashlib
import itertools
import json
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tomllib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import urlsplit, urlunsplit

import pytest
from filelock import FileLock
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

REPO_ROOT = Path(__file__).resolve().parent.parent
CACHE_DIR = REPO_ROOT / ".cache"
ENVS_DIR = CACHE_DIR / "envs"


def load_answers_spec(template: Path = REPO_ROOT) -> dict[str, Any]:
    spec: dict[str, Any] = json.loads((template / "cookiecutter.json").read_text(encoding="utf-8"))
    return spec


SPEC = load_answers_spec()


def choices(option: str) -> tuple[str, ...]:
    return tuple(SPEC[option])


def check_answers(extra_context: Mapping[str, str], spec: Mapping[str, Any]) -> None:
    """Refuse answers cookiecutter would not understand, before pytest-cookies ignores them."""
    unknown = sorted(set(extra_context) - set(spec))
    assert not unknown, f"answers not in cookiecutter.json (they would be ignored): {unknown}"
    for option, value in extra_context.items():
        allowed = spec[option]
        if isinstance(allowed, list):
            assert value in allowed, f"{option}={value!r} is not one of {allowed}"


# Every choice variable of cookiecutter.json (its lists), in the file's order.
CHOICE_AXES = tuple(
    name for name, value in SPEC.items() if isinstance(value, list) and not name.startswith("_")
)
# Every value of these three is baked with every value of the other two: they decide what
# code, dependencies and database a project has.
CORE_AXES = ("database", "mode", "auth")
# The answers that add a service beside the database, all off and all on.
SERVICES_OFF = {"cache": "none", "tasks": "none", "storage": "none"}
SERVICES_ON = {"cache": "redis", "tasks": "celery", "storage": "s3"}
BAKE_AXES = (*CORE_AXES, "ci", "docker")


@dataclass(frozen=True)
class Combo:
    """A value for every choice variable, in CHOICE_AXES order; read one as `combo.database`."""

    values: tuple[str, ...]

    @classmethod
    def of(cls, **answers: str) -> Combo:
        """The given answers, the first choice of every other variable."""
        unknown = sorted(set(answers) - set(CHOICE_AXES))
        assert not unknown, f"not choice variables of cookiecutter.json: {unknown}"
        return cls(tuple(answers.get(axis, choices(axis)[0]) for axis in CHOICE_AXES))

    def __getattr__(self, axis: str) -> str:
        if axis in CHOICE_AXES:
            return self.values[CHOICE_AXES.index(axis)]
        raise AttributeError(axis)

    def answers(self) -> dict[str, str]:
        return dict(zip(CHOICE_AXES, self.values, strict=True))

    def but(self, **changes: str) -> Combo:
        return Combo.of(**{**self.answers(), **changes})

    def id(self, axes: Iterable[str] = BAKE_AXES) -> str:
        return "-".join(f"{axis}={getattr(self, axis)}" for axis in axes)

    @property
    def core(self) -> str:
        return self.id(CORE_AXES)


def default_combo() -> Combo:
    return Combo.of()


Pair = tuple[str, str, str, str]


def covering_array(attempts: int = 64) -> list[Combo]:
    """Rows of answers in which every value of every choice variable meets every value of
    every other one (each pair in at least one row), and every database x mode x auth is a
    row of its own.

    The full product of the choices is far too large to bake and check one by one (it
    multiplies with each new answer); a pairwise covering array is the usual way to test
    such a space: most defects of interacting options need only two of them to show. Built
    with the in-parameter-order strategy (IPOG): start from the core rows, add the other
    variables one at a time, giving each row the value that covers the most pairs not yet
    covered, then add rows for the pairs still missing. Greedy choices depend on the order
    rows are visited in, so a few seeded orders are tried and the smallest array kept:
    the same cookiecutter.json always gives the same rows.
    """
    arrays = [_ipog(random.Random(seed)) for seed in range(attempts)]
    smallest = min(arrays, key=len)
    return [
        Combo.of(**{axis: value for axis, value in row.items() if value is not None})
        for row in smallest
    ]


def _ipog(rng: random.Random) -> list[dict[str, str | None]]:
    others = sorted(
        (axis for axis in CHOICE_AXES if axis not in CORE_AXES),
        key=lambda axis: (-len(choices(axis)), CHOICE_AXES.index(axis)),
    )
    rows: list[dict[str, str | None]] = [
        dict(zip(CORE_AXES, values, strict=True))
        for values in itertools.product(*(choices(axis) for axis in CORE_AXES))
    ]
    done = list(CORE_AXES)
    for axis in others:
        missing = {
            (earlier, old, axis, new)
            for earlier in done
            for old in choices(earlier)
            for new in choices(axis)
        }
        used = dict.fromkeys(choices(axis), 0)
        # The first row stays the default answers: what pressing Enter bakes is a row.
        for index, row in [(0, rows[0]), *rng.sample(list(enumerate(rows))[1:], len(rows) - 1)]:
            # Most pairs gained; then the value used least so far; then the first listed.
            gains = {
                v: sum((a, row.get(a), axis, v) in missing for a in done) for v in choices(axis)
            }
            value = (
                choices(axis)[0] if index == 0 else max(gains, key=lambda v: (gains[v], -used[v]))
            )
            row[axis] = value
            used[value] += 1
            missing -= {(a, row.get(a), axis, value) for a in done}
        for earlier, old, _, new in sorted(missing, key=_pair_order):
            fits = next(
                (row for row in rows if row.get(axis) == new and row.get(earlier) in (None, old)),
                None,
            )
            if fits is None:
                fits = {axis: new}
                rows.append(fits)
            fits[earlier] = old
        done.append(axis)
    return rows


def _pair_order(pair: Pair) -> tuple[int, int, int, int]:
    earlier, old, axis, new = pair
    return (
        CHOICE_AXES.index(earlier),
        choices(earlier).index(old),
        CHOICE_AXES.index(axis),
        choices(axis).index(new),
    )


def uncovered_pairs(combos: Iterable[Combo]) -> list[str]:
    """The pairs of answer values no combination holds, as `a=x with b=y`."""
    seen = {
        (first, combo.answers()[first], second, combo.answers()[second])
        for combo in combos
        for first, second in itertools.combinations(CHOICE_AXES, 2)
    }
    return [
        f"{first}={x} with {second}={y}"
        for first, second in itertools.combinations(CHOICE_AXES, 2)
        for x in choices(first)
        for y in choices(second)
        if (first, x, second, y) not in seen
    ]


# Every row is baked, checked statically and runs its own suite.
COVERING = covering_array()


def core_combos() -> list[Combo]:
    """The first row of each database x mode x auth."""
    firsts: dict[str, Combo] = {}
    for combo in COVERING:
        firsts.setdefault(combo.core, combo)
    return list(firsts.values())


def combo_param(combo: Combo, axes: Iterable[str], *marks: pytest.MarkDecorator) -> Any:
    """A pytest param with a readable id, kept on the worker that handles its combination."""
    return pytest.param(combo, id=combo.id(axes), marks=(group_of(combo), *marks))


def group_of(combo: Combo) -> pytest.MarkDecorator:
    """Every test of one combination on one xdist worker (`--dist=loadgroup`): its bake,
    environment and static checks are then made once, and mypy's cache is warm."""
    return pytest.mark.xdist_group(combo.id(CHOICE_AXES))


def env_param(combo: Combo) -> Any:
    """A core combination for a test that runs the baked project in its environment: marked
    `env`, and `database` when it needs a server."""
    marks = [pytest.mark.env]
    if combo.database in SERVERS:
        marks.append(pytest.mark.database)
    return combo_param(combo, CORE_AXES, *marks)


# One combination per database, spreading the modes: for the tests that are too slow to
# run on every combination (a live server, a whole developer workflow).
ONE_PER_DATABASE = {("sqlite", "sync"), ("postgresql", "async"), ("mysql", "sync")}


def one_per_database() -> list[Any]:
    return [
        env_param(c)
        for c in core_combos()
        if (c.database, c.mode) in ONE_PER_DATABASE and c.auth == "yes"
    ]


def pairwise_subset(combos: list[Combo], axes: Iterable[str] = CORE_AXES) -> list[Combo]:
    """The fewest of `combos` (picked greedily, in order) in which every value of each of
    `axes` meets every value of each other one."""
    axes = tuple(axes)

    def pairs(combo: Combo) -> set[tuple[str, str, str, str]]:
        return {
            (a, getattr(combo, a), b, getattr(combo, b)) for a, b in itertools.combinations(axes, 2)
        }

    wanted = set().union(*map(pairs, combos))
    chosen: list[Combo] = []
    while wanted:
        best = max(combos, key=lambda combo: len(pairs(combo) & wanted))
        chosen.append(best)
        wanted -= pairs(best)
    return [combo for combo in combos if combo in chosen]


# Every database in both modes (auth on): for workflows whose outcome depends on the driver,
# such as what a migration's autogenerate writes and what `alembic check` reads. The new-model
# workflow runs these combinations' own suites; the others run theirs on their own.
WORKFLOW_COMBOS = [combo for combo in core_combos() if combo.auth == "yes"]


def project_path(result: Any) -> Path:
    """The baked directory, or a failure that shows why the bake did not produce one."""
    if result.exception is not None or result.exit_code != 0:
        pytest.fail(f"bake failed: {bake_failure(result)}", pytrace=False)
    return Path(result.project_path)


def bake_failure(result: Any) -> str:
    """Why a bake failed, without the whole context cookiecutter packs into its exceptions."""
    exception = result.exception
    message = getattr(exception, "message", None) or str(exception)
    cause = getattr(exception, "error", None)
    detail = f" ({cause})" if cause is not None else ""
    return f"exit code {result.exit_code}, {type(exception).__name__}: {message}{detail}"


class Presence(NamedTuple):
    present: tuple[str, ...] = ()
    absent: tuple[str, ...] = ()


# A trailing "/" names a directory. "{plural}" is the resource_plural answer.
ALWAYS_PRESENT = (
    "README.md",
    "Makefile",
    "logging.json",
    "docs/hand-written.md",
    "pyproject.toml",
    "alembic.ini",
    ".env.example",
    ".gitignore",
    ".pre-commit-config.yaml",
    "app/__init__.py",
    "app/main.py",
    "app/core/config.py",
    "app/core/db.py",
    "app/core/errors.py",
    "app/core/schemas.py",
    "app/health/router.py",
    "app/{plural}/__init__.py",
    "app/{plural}/models.py",
    "app/{plural}/schemas.py",
    "app/{plural}/router.py",
    "app/{plural}/service.py",
    "migrations/env.py",
    "migrations/script.py.mako",
    "migrations/versions/0001_initial.py",
    "tests/conftest.py",
    "tests/factories.py",
)

DOCKER_FILES = ("Dockerfile", ".dockerignore", "docker-compose.yml")
SQLITE_ONLY = ("app/core/sqlite.py", "tests/migrations/test_sqlite_migrations.py")
CACHE_FILES = (
    "app/core/cache.py",
    "app/{plural}/cache.py",
    "tests/cache/fixtures.py",
    "tests/cache/test_cache.py",
    "tests/cache/test_cached_reads.py",
    "tests/cache/test_redis.py",
)
TASKS_FILES = (
    "app/core/outbound.py",
    "app/worker.py",
    "app/{plural}/tasks.py",
    "app/{plural}/webhooks.py",
    "tests/tasks/fixtures.py",
    "tests/tasks/test_outbound.py",
    "tests/tasks/test_webhook_task.py",
    "tests/tasks/test_webhooks_api.py",
    "tests/tasks/test_worker.py",
)
STORAGE_FILES = (
    "app/core/storage.py",
    "app/{plural}/attachments.py",
    "tests/storage/fixtures.py",
    "tests/storage/test_storage.py",
    "tests/storage/test_attachments.py",
)

FILES_BY_ANSWER: dict[tuple[str, str], Presence] = {
    ("auth", "yes"): Presence(
        present=(
            "app/core/security.py",
            "app/auth/router.py",
            "app/users/models.py",
            "migrations/versions/0002_login_failures.py",
            "app/users/router.py",
            "tests/api/test_auth.py",
        )
    ),
    ("auth", "no"): Presence(
        absent=(
            "app/core/security.py",
            "app/auth/",
            "app/users/",
            "migrations/versions/0002_login_failures.py",
            "tests/api/test_auth.py",
            "tests/api/test_login_throttle.py",
            "tests/api/test_users.py",
            "tests/api/test_login_and_the_event_loop.py",
        )
    ),
    ("ci", "github"): Presence(
        present=(".github/workflows/ci.yml", ".github/dependabot.yml"),
        absent=(".gitlab-ci.yml", "renovate.json"),
    ),
    ("ci", "gitlab"): Presence(present=(".gitlab-ci.yml", "renovate.json"), absent=(".github/",)),
    ("ci", "none"): Presence(absent=(".github/", ".gitlab-ci.yml", "renovate.json")),
    ("docker", "yes"): Presence(present=DOCKER_FILES),
    ("docker", "no"): Presence(absent=DOCKER_FILES),
    ("license", "MIT"): Presence(present=("LICENSE",)),
    ("license", "Apache-2.0"): Presence(present=("LICENSE",)),
    ("license", "BSD-3-Clause"): Presence(present=("LICENSE",)),
    ("license", "none"): Presence(absent=("LICENSE",)),
    # The sync suite's client runs the app on the test's thread; async tests await it.
    ("mode", "sync"): Presence(
        present=("tests/transport.py",),
        absent=("tests/api/test_login_and_the_event_loop.py",),
    ),
    ("mode", "async"): Presence(absent=("tests/transport.py",)),
    ("cache", "redis"): Presence(present=CACHE_FILES),
    ("cache", "none"): Presence(absent=CACHE_FILES),
    ("tasks", "celery"): Presence(present=TASKS_FILES),
    ("tasks", "none"): Presence(absent=TASKS_FILES),
    ("storage", "s3"): Presence(present=STORAGE_FILES),
    ("storage", "none"): Presence(absent=STORAGE_FILES),
    ("database", "sqlite"): Presence(present=SQLITE_ONLY, absent=("tests/faults/",)),
    ("database", "postgresql"): Presence(absent=SQLITE_ONLY, present=("tests/faults/",)),
    ("database", "mysql"): Presence(absent=SQLITE_ONLY, present=("tests/faults/",)),
}

# What only accounts and sign-in bring. Generic words stay allowed: log redaction keeps
# passwords out of every service's logs, and contextvars hands out a "token".
AUTH_WORDS = re.compile(
    r"jwt|secret_key|access_token|pwdlib|argon2|password_hash|hashed_password|"
    r"get_current_user|CurrentUser|auth_headers|oauth2|app\.users|app\.auth|/users/me",
    re.IGNORECASE,
)
# What only an answer's service brings, by the answer that turns it off. Redis is named in
# every bake's docs/hand-written.md (why login throttling needs none): that line is allowed.
SERVICE_WORDS: dict[tuple[str, str], re.Pattern[str]] = {
    ("cache", "none"): re.compile(
        r"x-cache|fakeredis|cache_ttl|cache_key_prefix|CacheDep|get_cache|open_cache|"
        r"app\.core\.cache",
        re.IGNORECASE,
    ),
    ("tasks", "none"): re.compile(r"celery|webhook|respx", re.IGNORECASE),
    ("storage", "none"): re.compile(r"boto|moto|\bs3\b|attachment", re.IGNORECASE),
}
REDIS_WORDS = re.compile(r"redis", re.IGNORECASE)
REDIS_ALLOWED = re.compile(r"in memory or Redis|need a Redis")


def service_vocabulary(root: Path, context: Mapping[str, str]) -> list[str]:
    """Every line that names a service (Redis, its cache, a task queue) the answers left out."""
    hits: list[str] = []
    for (option, value), words in SERVICE_WORDS.items():
        if context.get(option, value) == value:
            hits += vocabulary(root, words)
    if context.get("cache", "none") == "none" and context.get("tasks", "none") == "none":
        hits += vocabulary(root, REDIS_WORDS, REDIS_ALLOWED)
    return hits


# The official database images cannot start without one of these variables, so naming them
# is not auth: e.g. MYSQL_ROOT_PASSWORD, MARIADB_ALLOW_EMPTY_ROOT_PASSWORD, POSTGRES_PASSWORD.
DATABASE_IMAGE_CREDENTIALS = re.compile(r"\b(?:POSTGRES|MYSQL|MARIADB)_[A-Z_]*PASSWORD\b")


def expected_presence(context: Mapping[str, str]) -> Presence:
    present, absent = list(ALWAYS_PRESENT), list[str]()
    for (option, value), presence in FILES_BY_ANSWER.items():
        if context.get(option) == value:
            present += presence.present
            absent += presence.absent
    plural = context["resource_plural"]
    return Presence(
        present=tuple(path.format(plural=plural) for path in present),
        absent=tuple(path.format(plural=plural) for path in absent),
    )


def walk(root: Path) -> list[Path]:
    """Every file and directory under root, in a stable order."""
    return sorted(root.rglob("*"))


def baked_files(root: Path) -> list[Path]:
    return [path for path in walk(root) if path.is_file()]


def file_set_problems(root: Path, context: Mapping[str, str]) -> list[str]:
    expected = expected_presence(context)
    problems = [f"missing: {path}" for path in expected.present if not (root / path).exists()]
    problems += [f"should not exist: {path}" for path in expected.absent if (root / path).exists()]
    for path in walk(root):
        relative = path.relative_to(root).as_posix()
        if ".sync." in relative or ".async." in relative:
            problems.append(f"mode variant left behind: {relative}")
        if "{{" in relative or "{%" in relative:
            problems.append(f"unrendered path: {relative}")
        if path.is_dir() and not any(path.iterdir()):
            problems.append(f"empty directory: {relative}")
    return problems


JINJA_MARKERS = re.compile(r"\{\{|\{%|\{#")
CI_FILE_PATTERNS = (".github/workflows/*.yml", ".github/workflows/*.yaml", ".gitlab-ci.yml")


def read_text(path: Path) -> str:
    return path.read_text(encoding="utf-8", errors="replace")


def is_ci_file(root: Path, path: Path) -> bool:
    relative = path.relative_to(root)
    return any(relative.match(pattern) for pattern in CI_FILE_PATTERNS)


def unrendered_jinja(root: Path) -> list[str]:
    hits = []
    for path in baked_files(root):
        text = read_text(path)
        if is_ci_file(root, path):
            # `${{ ... }}` is GitHub's own expression syntax, meant to survive rendering.
            text = text.replace("${{", "$")
        hits += located_matches(root, path, text, JINJA_MARKERS)
    return hits


# What only the Docker files bring: a project without them must not send its reader there.
DOCKER_WORDS = re.compile(r"\b(?:docker\w*|compose)\b", re.IGNORECASE)


def vocabulary(
    root: Path, words: re.Pattern[str], allowed: re.Pattern[str] | None = None
) -> list[str]:
    """Every line of the baked files (the license's text aside) that uses one of `words`,
    once what `allowed` matches is taken out."""
    hits = []
    for path in baked_files(root):
        if path.name != "LICENSE":
            text = read_text(path)
            if allowed is not None:
                text = allowed.sub("", text)
            hits += located_matches(root, path, text, words)
    return hits


def readme_blocks(project: Path) -> list[str]:
    """The ```sh blocks of a README.md, in order, each without its closing newline."""
    readme = (project / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"^```sh[ \t]*\n(.*?)^```", readme, flags=re.MULTILINE | re.DOTALL)
    return [block.rstrip("\n") for block in blocks]


def located_matches(root: Path, path: Path, text: str, pattern: re.Pattern[str]) -> list[str]:
    relative = path.relative_to(root).as_posix()
    return [
        f"{relative}:{number}: {line.strip()}"
        for number, line in enumerate(text.splitlines(), start=1)
        if pattern.search(line)
    ]


# Only distributions whose import name is not their own name with "-" turned into "_".
IMPORT_NAMES: dict[str, tuple[str, ...]] = {
    "pyjwt": ("jwt",),
    "pydantic-settings": ("pydantic_settings",),
    "factory-boy": ("factory",),
    "python-multipart": ("multipart", "python_multipart"),
    "python-dotenv": ("dotenv",),
    "python-jose": ("jose",),
    "pyyaml": ("yaml",),
    "argon2-cffi": ("argon2",),
    "psycopg-binary": ("psycopg_binary",),
    "psycopg2-binary": ("psycopg2",),
    "mysqlclient": ("MySQLdb",),
    "pillow": ("PIL",),
    "python-json-logger": ("pythonjsonlogger",),
    "opentelemetry-api": ("opentelemetry",),
    "opentelemetry-sdk": ("opentelemetry",),
    "opentelemetry-instrumentation-sqlalchemy": ("opentelemetry",),
}

# Frameworks whose public API hands out another distribution's types: code that uses them
# imports those too, and the framework pins a compatible version.
API_OF: dict[str, tuple[str, ...]] = {
    # FastAPI's own tracing is OpenTelemetry's API; its `opentelemetry` extra adds the SDK.
    "fastapi": ("starlette", "pydantic", "opentelemetry"),
    "pydantic-settings": ("pydantic",),
    # Celery's messaging layer: its exceptions are what a failed enqueue raises.
    "celery": ("kombu",),
    "schemathesis": ("hypothesis",),
    "sqlmodel": ("sqlalchemy", "pydantic"),
}

LOCAL_PACKAGES = frozenset({"app", "tests", "migrations"})


def pyproject(root: Path) -> dict[str, Any]:
    return tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))


def declared_requirements(root: Path) -> list[str]:
    """`[project] dependencies` plus the `dev` dependency group (PEP 735): all the baked
    project may rely on."""
    metadata = pyproject(root)
    runtime = metadata.get("project", {}).get("dependencies", [])
    dev = metadata.get("dependency-groups", {}).get("dev", [])
    assert all(isinstance(req, str) for req in dev), "no {include-group} in the dev group"
    return sorted(" ".join(req.split()) for req in [*runtime, *dev])


def importable_modules(requirements: Iterable[str]) -> set[str]:
    modules: set[str] = set()
    for requirement in requirements:
        name = canonicalize_name(Requirement(requirement).name)
        modules.update(IMPORT_NAMES.get(name, (name.replace("-", "_"),)))
        modules.update(API_OF.get(name, ()))
    return modules


def local_modules(root: Path) -> frozenset[str]:
    top_level = {path.stem for path in root.glob("*.py")}
    top_level |= {path.parent.name for path in root.glob("*/__init__.py")}
    return LOCAL_PACKAGES | top_level


def undeclared_imports(root: Path) -> list[str]:
    known = (
        importable_modules(declared_requirements(root))
        | local_modules(root)
        | set(sys.stdlib_module_names)
    )
    problems = []
    for path in root.rglob("*.py"):
        relative = path.relative_to(root).as_posix()
        try:
            tree = ast.parse(read_text(path), filename=relative)
        except SyntaxError as error:
            problems.append(f"{relative}:{error.lineno}: syntax error: {error.msg}")
            continue
        for line, module in top_level_imports(tree):
            if module not in known:
                problems.append(f"{relative}:{line}: imports {module!r}; no dependency provides it")
    return sorted(problems)


def top_level_imports(tree: ast.AST) -> Iterator[tuple[int, str]]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name.partition(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module.partition(".")[0]


def clean_environ(**extra: str) -> dict[str, str]:
    """The outer environment minus what would leak this pytest run into a baked project's."""
    leaky = (
        "PYTEST_",
        "COV_CORE_",
        "PYTHON",
        "VIRTUAL_ENV",
        "MYPY_",
        "RUFF_",
        "TEST_DATABASE_URL",
        "TEST_REDIS_URL",
    )
    environ = {key: value for key, value in os.environ.items() if not key.startswith(leaky)}
    environ.update(extra)
    return environ


def find_interpreter(version: str) -> str:
    """python<version> from PATH, else from pyenv (whose shims only run the selected versions)."""
    pyenv_root = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv"))
    installed = pyenv_root.glob(f"versions/{version}.*/bin/python{version}")
    candidates = [shutil.which(f"python{version}"), *sorted(map(str, installed))]
    for candidate in filter(None, candidates):
        if interpreter_version(candidate) == version:
            return candidate
    pytest.fail(f"no working python{version} on PATH or under {pyenv_root}", pytrace=False)


def interpreter_version(executable: str) -> str | None:
    probe = "import sys; print('%d.%d' % sys.version_info[:2])"
    try:
        done = subprocess.run(
            [executable, "-c", probe], capture_output=True, text=True, timeout=30, check=False
        )
    except OSError:
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def env_key(python_version: str, requirements: list[str]) -> str:
    payload = json.dumps([python_version, requirements]).encode()
    return hashlib.sha256(payload).hexdigest()[:16]


def ensure_env(project: Path, python_version: str) -> Path:
    """A virtualenv with exactly the baked project's dependencies, shared by key across workers
    and runs; the `.ready` marker means a half-built env (interrupted run) is rebuilt."""
    requirements = declared_requirements(project)
    env_dir = ENVS_DIR / env_key(python_version, requirements)
    ENVS_DIR.mkdir(parents=True, exist_ok=True)
    with FileLock(f"{env_dir}.lock"):
        if not (env_dir / ".ready").exists():
            shutil.rmtree(env_dir, ignore_errors=True)
            build_env(project, env_dir, find_interpreter(python_version))
            marker = {"python": python_version, "requirements": requirements}
            (env_dir / ".ready").write_text(json.dumps(marker, indent=2), encoding="utf-8")
    return env_dir


def build_env(project: Path, env_dir: Path, interpreter: str) -> None:
    from uv import find_uv_bin

    uv = find_uv_bin()
    environ = clean_environ(UV_PYTHON_DOWNLOADS="never")
    steps = [
        [uv, "venv", "--quiet", "--python", interpreter, str(env_dir)],
        # No --compile-bytecode: compiling every installed module cost 9 s of CPU per
        # environment; Python compiles what a run imports, once, and keeps it.
        [uv, "pip", "install", "--quiet", "--python", str(env_dir),
         "-r", "pyproject.toml", "--group", "dev"],
    ]  # fmt: skip
    for step in steps:
        done = subprocess.run(
            step, cwd=project, env=environ, capture_output=True, text=True, check=False
        )
        if done.returncode != 0:
            shutil.rmtree(env_dir, ignore_errors=True)
            pytest.fail(f"`{' '.join(step)}` failed:\n{done.stdout}{done.stderr}", pytrace=False)


class Outcome(NamedTuple):
    command: str
    returncode: int
    output: str

    def report(self, lines: int = 60) -> str:
        output = self.output.splitlines()
        # pytest prints the cause far above its summary: lift the first distinct ones.
        causes = list(dict.fromkeys(line for line in output if line.startswith("E   ")))[:15]
        headline = "first error lines:\n" + "\n".join(causes) + "\n" if causes else ""
        tail = "\n".join(output[-lines:])
        return f"`{self.command}` exited {self.returncode}\n{headline}last lines:\n{tail}"

    def require_success(self) -> None:
        if self.returncode != 0:
            pytest.fail(self.report(), pytrace=False)


def run_in_env(
    env_dir: Path, args: list[str], cwd: Path, timeout: float, **environ: str
) -> Outcome:
    bin_dir = env_dir / "bin"
    command = [str(bin_dir / "python"), *args]
    shown = " ".join(["python", *args])
    extra = {"PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "VIRTUAL_ENV": str(env_dir)}
    try:
        done = subprocess.run(
            command,
            cwd=cwd,
            env=clean_environ(**extra, **environ),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as expired:
        output = expired.output.decode() if isinstance(expired.output, bytes) else expired.output
        return Outcome(shown, -1, f"{output or ''}\n[timed out after {timeout}s]")
    return Outcome(shown, done.returncode, done.stdout)


STATIC_CHECKS: dict[str, list[str]] = {
    "ruff check": ["-m", "ruff", "check", "."],
    "ruff format": ["-m", "ruff", "format", "--check", "."],
    "mypy": ["-m", "mypy", "."],
}


def content_key(project: Path, python_version: str) -> str:
    """What the static checks' verdict depends on: Python sources, pyproject, interpreter."""
    digest = hashlib.sha256(python_version.encode())
    for path in sorted(project.rglob("*")):
        if path.suffix in {".py", ".pyi"} or path.name == "pyproject.toml":
            digest.update(path.relative_to(project).as_posix().encode() + b"\0")
            digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:24]


def static_checks(
    project: Path, env_dir: Path, python_version: str, results_dir: Path
) -> dict[str, Outcome]:
    """Run ruff and mypy once per distinct content in this session, shared by the workers."""
    results_dir.mkdir(parents=True, exist_ok=True)
    result_file = results_dir / f"{content_key(project, python_version)}.json"
    with FileLock(f"{result_file}.lock"):
        if not result_file.exists():
            outcomes = run_static_checks(project, env_dir, python_version)
            result_file.write_text(json.dumps({k: v._asdict() for k, v in outcomes.items()}))
    stored = json.loads(result_file.read_text())
    return {name: Outcome(**outcome) for name, outcome in stored.items()}


def mypy_cache_dir(python_version: str) -> Path:
    """mypy's cache for the projects checked on one Python, by every xdist worker.

    Shared by every environment of that Python: mypy checks a module again only when its
    source changed, so FastAPI, SQLAlchemy and pydantic, the same files in every
    environment, are analysed once instead of once per combination (about 20 s of CPU
    each); a driver only one environment has, or a project module of another combination,
    is checked on its own. Locked by the caller: mypy's cache has no concurrent writers.
    """
    mypy_cache = CACHE_DIR / "mypy" / f"python{python_version}"
    mypy_cache.parent.mkdir(parents=True, exist_ok=True)
    return mypy_cache


def run_static_checks(project: Path, env_dir: Path, python_version: str) -> dict[str, Outcome]:
    mypy_cache = mypy_cache_dir(python_version)
    # ruff would otherwise leave a .ruff_cache in the baked project that later checks read.
    caches = {"MYPY_CACHE_DIR": str(mypy_cache), "RUFF_NO_CACHE": "true"}
    with FileLock(f"{mypy_cache}.lock"):
        return {
            name: run_in_env(env_dir, args, project, timeout=600, **caches)
            for name, args in STATIC_CHECKS.items()
        }


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


# Answers: which resource names the baked code leaves free. A project is baked with a sample
# resource whose every spelling is unmistakable; each identifier holding one of them was made
# from the answer, every other one is the template's own.
SAMPLE_RESOURCE = {"resource_name": "zebra_crossing", "resource_plural": "zebra_crossings"}


def spellings(snake: str) -> tuple[str, str, str]:
    """How the template writes a snake_case answer: as is, as a class, as a constant."""
    return snake, "".join(word.capitalize() for word in snake.split("_")), snake.upper()


def module_names(tree: ast.AST) -> frozenset[str]:
    """Every name a module binds or reads: a parameter or local made from an answer, in any
    scope of that module, could shadow or duplicate it."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            names.add(node.id)
        elif isinstance(node, ast.arg):
            names.add(node.arg)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.alias):
            names.add((node.asname or node.name).partition(".")[0])
    return frozenset(names)


def project_names(root: Path) -> dict[str, frozenset[str]]:
    """Each module of a baked project, by dotted name, with the names it uses."""
    return {
        ".".join(path.relative_to(root).with_suffix("").parts): module_names(
            ast.parse(read_text(path))
        )
        for path in sorted(root.rglob("*.py"))
    }


_SPELLING_PATTERNS = (
    r"([a-z][a-z0-9]*(?:_[a-z0-9]+)*)",
    r"([A-Z][a-z0-9]*(?:[A-Z][a-z0-9]*)*)",
    r"([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*)",
)


def _as_snake(captured: str, form: int) -> str:
    if form == 1:
        return re.sub(r"(?<!^)(?=[A-Z])", "_", captured).lower()
    return captured.lower()


def _collisions(made: Iterable[str], own: set[str], sample: str) -> set[str]:
    """The answers in place of `sample` for which a name in `made` equals one in `own`."""
    found: set[str] = set()
    for word in made:
        for form, spelling in enumerate(spellings(sample)):
            if word.count(spelling) != 1:
                continue
            head, tail = word.split(spelling)
            pattern = re.compile(re.escape(head) + _SPELLING_PATTERNS[form] + re.escape(tail))
            for target in own:
                match = pattern.fullmatch(target)
                if match:
                    found.add(_as_snake(match.group(1), form))
    return found


def colliding_answers(root: Path, sample: str, longer: str | None = None) -> set[str]:
    """Every answer in place of `sample` that would make a name the baked code already uses.

    In each module that mentions the answer, every name made from it (`get_zebra_crossing`,
    `ZebraCrossingRead`, the bare `zebra_crossing`) becomes a pattern (`get_(...)`); a name of
    the template's own in that module that the pattern matches (`get_session`) names a
    colliding answer (`session`). Modules collide the same way by their dotted names
    (`app.zebra_crossings` with `app.core`). `longer` is an answer that contains `sample`
    (the plural holds the singular): names made from it are left to its own check.
    """

    def made_here(word: str) -> bool:
        mentions = any(s in word for s in spellings(sample))
        return mentions and not (longer and any(s in word for s in spellings(longer)))

    def from_elsewhere(word: str) -> bool:
        return any(s in word for s in spellings(sample) + (spellings(longer) if longer else ()))

    found: set[str] = set()
    modules = project_names(root)
    for names in modules.values():
        made = {name for name in names if made_here(name)}
        if made:
            own = {name for name in names if not from_elsewhere(name)}
            found |= _collisions(made, own, sample)
    module_paths = {part for name in modules for part in _prefixes(name)}
    made_paths = {path for path in module_paths if made_here(path)}
    own_paths = {path for path in module_paths if not from_elsewhere(path)}
    found |= _collisions(made_paths, own_paths, sample)
    return found


def _prefixes(dotted: str) -> list[str]:
    parts = dotted.split(".")
    return [".".join(parts[: index + 1]) for index in range(len(parts))]


# Words people name a first resource after: ordinary English nouns, with the endings the
# default plural treats apart (y after a consonant, s, x, z, ch, sh) and a few words the
# generated code also uses.
_NOUNS = """
account address invoice order item product category company city country box tax batch
church dish wish bus status process class match data person child mouse sheep series
news key day toy story entry policy reply delivery inventory quiz customer_complaint
order_line purchase_order shipping_address line_item user owner session response request
query field page token message event comment review note task project team member tag
label file photo video song album book author library course lesson student teacher
ticket booking room hotel flight car vehicle device sensor reading metric report
document contract payment refund subscription plan coupon cart wishlist warehouse
shipment parcel route stop recipe ingredient menu
"""
COMMON_NOUNS = tuple(_NOUNS.split())
