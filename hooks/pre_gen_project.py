"""Refuse answers that would bake a broken project, before anything is kept on disk."""

import json
import keyword
import re
import sys

# Names the generated service already uses at the top of `app/` or in its tests.
RESERVED_NAMES = frozenset(
    {"app", "api", "core", "health", "main", "tests", "migrations", "models", "schemas"}
)
AUTH_NAMES = frozenset({"auth", "user", "users", "security", "token", "tokens"})

# PEP 508 distribution names; PEP 440 public versions.
DIST_NAME = re.compile(r"^([a-z0-9]|[a-z0-9][a-z0-9._-]*[a-z0-9])$")
VERSION = re.compile(
    r"^([1-9][0-9]*!)?(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))*"
    r"((a|b|rc)(0|[1-9][0-9]*))?(\.post(0|[1-9][0-9]*))?(\.dev(0|[1-9][0-9]*))?$"
)
LOWER_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]*$")


def _identifier_problem(name: str, auth: str) -> str | None:
    if not LOWER_IDENTIFIER.match(name):
        return "must be a lowercase Python identifier (letters, digits, underscores)"
    if keyword.iskeyword(name) or keyword.issoftkeyword(name):
        return "is a Python keyword"
    if name in RESERVED_NAMES or (auth == "yes" and name in AUTH_NAMES):
        return "would shadow a module the service already defines"
    return None


def problems(answers: dict[str, str]) -> list[str]:
    """One line per refused answer, naming the variable, the value and the rule."""
    found = []

    def refuse(key: str, rule: str) -> None:
        found.append(f"{key}={answers[key]!r} {rule}")

    if not DIST_NAME.match(answers["project_slug"]):
        refuse(
            "project_slug",
            "is not a valid distribution name (lowercase letters, digits, '.', '_', '-';"
            " starting and ending with a letter or digit)",
        )
    for key in ("resource_name", "resource_plural"):
        problem = _identifier_problem(answers[key], answers["auth"])
        if problem:
            refuse(key, problem)
    if answers["resource_name"] == answers["resource_plural"]:
        refuse("resource_plural", "must differ from resource_name")
    if not re.match(r"^[^@\s]+@[^@\s]+$", answers["author_email"]):
        refuse("author_email", "is not an email address (expected name@domain)")
    if not VERSION.match(answers["version"]):
        refuse("version", "is not a PEP 440 version (for example 0.1.0)")
    if not answers["project_name"].strip():
        refuse("project_name", "must not be empty")
    return found


def main() -> int:
    answers = json.loads(ANSWERS)
    refused = problems(answers)
    for line in refused:
        print(f"ERROR: {line}", file=sys.stderr)
    return 1 if refused else 0


# tojson escapes quotes and backslashes, so no answer can end this string early.
ANSWERS = r"""{{ cookiecutter | tojson }}"""

if __name__ == "__main__":
    sys.exit(main())
