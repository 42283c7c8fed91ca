"""Refuse answers that would bake a broken project, before any file is written.

cookiecutter creates the (empty) project directory, runs this hook in it, and removes the
directory again when the hook fails: a refused answer leaves nothing on disk. Every answer
is checked here, and each refusal is one line naming the variable, the value and the rule.

This file must run far enough on any Python that can run cookiecutter to say which Python
baking needs; the checks themselves need the version `main` names.
"""

from __future__ import annotations

import json
import keyword
import re
import sys
import unicodedata
from email.errors import HeaderParseError
from email.headerregistry import Address

MINIMUM_PYTHON = (3, 10)

# PEP 508 distribution names; PEP 440 public versions.
DIST_NAME = re.compile(r"^([a-z0-9]|[a-z0-9][a-z0-9._-]*[a-z0-9])$")
VERSION = re.compile(
    r"^([1-9][0-9]*!)?(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))*"
    r"((a|b|rc)(0|[1-9][0-9]*))?(\.post(0|[1-9][0-9]*))?(\.dev(0|[1-9][0-9]*))?$"
)
# Lowercase words joined by single underscores: `order_line`, not `_order` or `order__line`,
# so the class name (`OrderLine`) and the title ("Order line") read back to the same words.
SNAKE_CASE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")
# How PEP 503 compares distribution names: case and runs of `-`, `_`, `.` do not count.
NORMALISED_RUN = re.compile(r"[-_.]+")

# The project's databases are named after the slug, plus `_test` and a worker or purpose
# suffix; PostgreSQL cuts identifiers at 63 bytes, MySQL refuses names past 64.
SLUG_MAX = 40
# Names long enough for any real domain word, short enough that every generated line that
# holds one stays within the projects' 100 columns.
RESOURCE_MAX = 18
PLURAL_MAX = 20
# The project name is written as a Python string in the settings, on a line that must stay
# within 100 columns. Characters outside ASCII are written there as escapes (ruff reports
# letters that look like ASCII ones), 4 to 10 columns each.
PROJECT_NAME_LITERAL_MAX = 72
TEXT_MAX = {"description": 300, "author_name": 100, "author_email": 254}

# Names the baked code already uses in the modules where the resource's names appear: a
# resource called `session` would give a parameter `session` twice, one called `response`
# a class `Response` that hides FastAPI's. tests/test_answer_space.py derives these sets
# from freshly baked projects and fails when they and this table disagree.
TAKEN_NAMES = frozenset(
    [
        "a_p_i_router",
        "a_s_g_i_transport",
        "accepted",
        "accepted_bytes",
        "age",
        "annotated",
        "any",
        "app",
        "as_get",
        "as_head",
        "async_client",
        "async_engine",
        "async_iterator",
        "async_mock",
        "async_session",
        "attachment",
        "attachment_key",
        "attachment_once_committed",
        "attachment_too_large_error",
        "attachments_router",
        "awaitable",
        "b_o_u_n_d_s",
        "base",
        "base_factory",
        "body",
        "bytes",
        "c",
        "c_o_u_n_t",
        "callable",
        "changes",
        "client",
        "conflict_error",
        "content_disposition",
        "content_type",
        "created",
        "created_at",
        "data",
        "database",
        "datetime",
        "declared",
        "delete_attachment_once_committed",
        "depends",
        "dict",
        "documented",
        "engine",
        "error",
        "exc",
        "fast_a_p_i",
        "field",
        "file",
        "filename",
        "first",
        "found",
        "func",
        "get_settings",
        "gone",
        "headers",
        "id_mixin",
        "in_order",
        "int",
        "integrity_error",
        "is_foreign_key_violation",
        "iterator",
        "key",
        "l_i_s_t",
        "len",
        "limit",
        "list",
        "listing",
        "locked",
        "logger",
        "logging",
        "m_e_t_h_o_d_s",
        "map",
        "mapped",
        "media_type",
        "message",
        "meta",
        "missing_reference_error",
        "mock",
        "n",
        "n_a_m_e_s",
        "name",
        "not_found_error",
        "now",
        "o_w_n_e_r",
        "object",
        "offset",
        "one",
        "operational_error",
        "outbox",
        "owner",
        "owner_dep",
        "p_r_o_b_e",
        "params",
        "path",
        "posted",
        "pytest",
        "query",
        "quote",
        "range",
        "read_only_session_error",
        "reading_session",
        "recording_session",
        "request",
        "response",
        "roll_back_innermost",
        "router",
        "row",
        "rows",
        "run_in_threadpool",
        "runtime_error",
        "second",
        "select",
        "service",
        "session",
        "session_dep",
        "session_that_finds",
        "setattr",
        "settings",
        "size",
        "stale_data_error",
        "status",
        "status_code",
        "stop_async_iteration",
        "storage",
        "stored",
        "str",
        "string",
        "thread_pool_executor",
        "timedelta",
        "total",
        "tuple",
        "type",
        "type_var",
        "unicodedata",
        "upload",
        "upload_file",
        "uuid",
        "value",
        "webhook_outbox",
        "webhook_outbox_dep",
    ]
)
# Taken only where accounts are baked (auth=yes).
TAKEN_WITH_AUTH = frozenset(
    [
        "argon2_hasher",
        "authorized_client",
        "c_o_l_l_e_c_t_i_o_n",
        "claimed_owner",
        "claimed_owner_dep",
        "current_user",
        "db_session",
        "factories",
        "factory",
        "foreign_key",
        "inactive",
        "made",
        "o_n_e",
        "owned",
        "password_hash",
        "protocol",
        "remaining",
        "theirs",
        "token_user_id",
        "unauthorized",
        "unique_constraint",
        "user",
        "user_factory",
    ]
)
# Plurals that name a package, module or test file the template holds whatever the answers
# (files an answer turns off are removed only after every file is written).
TAKEN_PLURALS = frozenset(
    [
        "auth",
        "core",
        "database_failures",
        "docs",
        "health",
        "login_and_the_event_loop",
        "login_throttle",
        "main",
        "openapi_snapshot",
        "request_context",
        "telemetry",
        "users",
        "worker",
    ]
)


# Distributions a baked project installs, with its tools, whatever the answers (PEP 503
# names): a project named after one would depend on itself, and nothing would install.
# tests/test_answer_space.py derives this from the projects' resolved requirements and
# fails when it and they disagree.
INSTALLED = frozenset(
    [
        "aiosqlite",
        "alembic",
        "amqp",
        "annotated-doc",
        "annotated-types",
        "anyio",
        "argon2-cffi",
        "argon2-cffi-bindings",
        "ast-serialize",
        "async-timeout",
        "asyncmy",
        "asyncpg",
        "bidict",
        "billiard",
        "blinker",
        "boto3",
        "botocore",
        "botocore-stubs",
        "brotli",
        "celery",
        "celery-types",
        "certifi",
        "cffi",
        "charset-normalizer",
        "click",
        "click-didyoumean",
        "click-plugins",
        "click-repl",
        "colorama",
        "configargparse",
        "coverage",
        "cryptography",
        "dnspython",
        "email-validator",
        "execnet",
        "factory-boy",
        "faker",
        "fakeredis",
        "fastapi",
        "fastapi-swagger",
        "flask",
        "flask-cors",
        "flask-login",
        "gevent",
        "geventhttpclient",
        "googleapis-common-protos",
        "graphql-core",
        "greenlet",
        "h11",
        "harfile",
        "httpcore",
        "httpcore2",
        "httptools",
        "httpx",
        "httpx2",
        "httpx2-jsfetch",
        "hypothesis",
        "hypothesis-graphql",
        "idna",
        "iniconfig",
        "itsdangerous",
        "jinja2",
        "jmespath",
        "jsonschema-rs",
        "kombu",
        "librt",
        "locust",
        "mako",
        "markdown-it-py",
        "markupsafe",
        "mdurl",
        "moto",
        "msgpack",
        "mypy",
        "mypy-extensions",
        "opentelemetry-api",
        "opentelemetry-exporter-http-transport",
        "opentelemetry-exporter-otlp-common",
        "opentelemetry-exporter-otlp-proto-common",
        "opentelemetry-exporter-otlp-proto-http",
        "opentelemetry-instrumentation",
        "opentelemetry-instrumentation-sqlalchemy",
        "opentelemetry-proto",
        "opentelemetry-sdk",
        "opentelemetry-semantic-conventions",
        "packaging",
        "pathspec",
        "pluggy",
        "prompt-toolkit",
        "protobuf",
        "psutil",
        "psycopg",
        "psycopg-binary",
        "pwdlib",
        "py-partiql-parser",
        "pycparser",
        "pydantic",
        "pydantic-core",
        "pydantic-settings",
        "pygments",
        "pyjwt",
        "pymysql",
        "pyrate-limiter",
        "pytest",
        "pytest-asyncio",
        "pytest-cov",
        "pytest-xdist",
        "python-dateutil",
        "python-dotenv",
        "python-engineio",
        "python-json-logger",
        "python-multipart",
        "python-socketio",
        "pywin32",
        "pyyaml",
        "pyzmq",
        "redis",
        "requests",
        "responses",
        "respx",
        "rich",
        "ruff",
        "s3transfer",
        "schemathesis",
        "simple-websocket",
        "six",
        "sortedcontainers",
        "sqlalchemy",
        "starlette",
        "syrupy",
        "truststore",
        "types-boto3",
        "types-boto3-s3",
        "types-s3transfer",
        "typing-extensions",
        "typing-inspection",
        "tzdata",
        "tzlocal",
        "urllib3",
        "uvicorn",
        "uvloop",
        "vine",
        "watchfiles",
        "wcwidth",
        "websocket-client",
        "websockets",
        "werkzeug",
        "wrapt",
        "wsproto",
        "xmltodict",
        "zope-event",
        "zope-interface",
    ]
)
# Tables the baked code or its tools own whatever the answers, and those it owns with
# accounts; a resource's table is named after its plural.
TAKEN_TABLES = frozenset(["alembic_version"])
TAKEN_TABLES_WITH_AUTH = frozenset(["login_failures"])
# Resource names a lint rule of the baked project refuses where the resource's name is a
# parameter: ruff's ASYNC109 refuses an async function's parameter named `timeout`.
REFUSED_BY_LINT = {"timeout": "ruff's ASYNC109 refuses an async function's parameter of this name"}


def python_literal_columns(text: str) -> int:
    """Columns `text` takes as the string literal local_extensions.python_string writes."""
    escapes = text.count("\\") + min(text.count('"'), text.count("'"))
    return 2 + escapes + sum(_escaped_columns(ord(char)) for char in text)


def _escaped_columns(code: int) -> int:
    if 0x20 <= code <= 0x7E:
        return 1
    return 4 if code < 0x100 else 6 if code < 0x10000 else 10


def _text_problem(value: str, limit: int) -> str | None:
    if not value.strip():
        return "must not be empty"
    if value != value.strip():
        return "must not start or end with whitespace"
    for char in value:
        if unicodedata.category(char) in ("Cc", "Cs", "Zl", "Zp"):
            return f"must be one line of text (it holds {char!a}, a control character)"
    if len(value) > limit:
        return f"must be at most {limit} characters long (it has {len(value)})"
    return None


def _resource_problem(key: str, name: str, auth: str, limit: int) -> str | None:
    if not SNAKE_CASE.match(name):
        return (
            "must be a snake_case Python identifier: lowercase letters and digits, words"
            " joined by single underscores, starting with a letter"
        )
    if len(name) > limit:
        return f"must be at most {limit} characters long (it has {len(name)})"
    if keyword.iskeyword(name) or keyword.issoftkeyword(name):
        return "is a Python keyword"
    if name.startswith("test"):
        return "must not start with 'test' (pytest would collect what is named after it)"
    if key == "resource_plural" and name in TAKEN_PLURALS:
        return "names a package or test module the template already holds (pick another word)"
    tables = TAKEN_TABLES | (TAKEN_TABLES_WITH_AUTH if auth == "yes" else frozenset())
    if key == "resource_plural" and name in tables:
        return "names a table the project already has (its table is named after its plural)"
    if key == "resource_plural" and name.startswith("sqlite_"):
        return "starts with 'sqlite_', which SQLite keeps for its own tables"
    taken = TAKEN_NAMES | (TAKEN_WITH_AUTH if auth == "yes" else frozenset())
    if key == "resource_name" and name in taken:
        return "is a name the generated code already uses (pick another word)"
    if key == "resource_name" and name in REFUSED_BY_LINT:
        return f"is a parameter name the project's lint refuses: {REFUSED_BY_LINT[name]}"
    return None


def _email_problem(value: str) -> str | None:
    # As the build reads it: hatchling writes each author as an email.headerregistry.Address.
    if not EMAIL.match(value):
        return "is not an email address (expected name@domain)"
    try:
        parsed = Address(addr_spec=value)
    except (HeaderParseError, ValueError, IndexError):
        parsed = None
    if parsed is None or parsed.addr_spec != value:
        return "is not an email address that packaging tools read back (expected name@domain)"
    return None


def problems(answers: dict[str, str]) -> list[str]:
    """One line per refused answer, naming the variable, the value and the rule."""
    found = []

    def refuse(key: str, rule: str) -> None:
        found.append(f"{key}={answers[key]!r} {rule}")

    slug = answers["project_slug"]
    if not DIST_NAME.match(slug):
        refuse(
            "project_slug",
            "is not a valid distribution name (lowercase letters, digits, '.', '_', '-';"
            " starting and ending with a letter or digit); its default is made from"
            " project_name, so answer it yourself when the name has no letters or digits",
        )
    elif len(slug) > SLUG_MAX:
        refuse("project_slug", f"must be at most {SLUG_MAX} characters long (it has {len(slug)})")
    elif NORMALISED_RUN.sub("-", slug).lower() in INSTALLED:
        refuse(
            "project_slug",
            "is the name of a package the project installs: it would depend on itself"
            " (answer project_slug with another name)",
        )

    name = answers["project_name"]
    problem = _text_problem(name, limit=PROJECT_NAME_LITERAL_MAX)
    if problem is None and python_literal_columns(name) > PROJECT_NAME_LITERAL_MAX:
        problem = (
            f"must fit in {PROJECT_NAME_LITERAL_MAX} columns as a Python string, where a"
            " character outside ASCII is an escape of 4 to 10 columns;"
            f" it takes {python_literal_columns(name)}"
        )
    if problem:
        refuse("project_name", problem)
    for key, limit in TEXT_MAX.items():
        problem = _text_problem(answers[key], limit)
        if problem:
            refuse(key, problem)

    for key, limit in (("resource_name", RESOURCE_MAX), ("resource_plural", PLURAL_MAX)):
        problem = _resource_problem(key, answers[key], answers["auth"], limit)
        if problem:
            refuse(key, problem)
    if answers["resource_name"] == answers["resource_plural"]:
        refuse("resource_plural", "must differ from resource_name")

    problem = _email_problem(answers["author_email"])
    if problem:
        refuse("author_email", problem)
    if not VERSION.match(answers["version"]):
        refuse("version", "is not a PEP 440 version (for example 0.1.0)")
    return found


def python_problem(version_info: tuple[int, ...]) -> str | None:
    if tuple(version_info[:2]) < MINIMUM_PYTHON:
        running = ".".join(str(part) for part in version_info[:3])
        needed = ".".join(str(part) for part in MINIMUM_PYTHON)
        return f"baking needs Python {needed} or newer; cookiecutter runs on Python {running}"
    return None


def main() -> int:
    too_old = python_problem(tuple(sys.version_info))
    if too_old:
        print(f"ERROR: {too_old}", file=sys.stderr)
        return 1
    answers = json.loads(ANSWERS)
    refused = problems(answers)
    for line in refused:
        print(f"ERROR: {line}", file=sys.stderr)
    return 1 if refused else 0


# tojson escapes quotes and backslashes, so no answer can end this string early.
ANSWERS = r"""{{ cookiecutter | tojson }}"""

if __name__ == "__main__":
    sys.exit(main())
