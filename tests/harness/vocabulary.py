"""Words a bake must not hold when an answer leaves their feature out."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

from harness.baked import baked_files, located_matches, read_text

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
