"""Writes the template of the baked projects' OpenAPI snapshot from the schema the app publishes.

Every baked project holds `tests/api/__snapshots__/test_openapi_snapshot/*.json`, the schema
its own test compares against, so `pytest` passes the minute the project exists. The schema
depends only on `auth`, `storage` and the resource's names (database and mode leave it
unchanged, `info` is left out of the snapshot); this bakes every pair of `auth` and `storage`
answers with a resource whose names appear nowhere else, asks each app for its schema, and
writes them back with those names as template expressions. Run it after changing an
operation, a schema or a message:

    .venv/bin/python -m tests.openapi_snapshot

The baked suites (`tests/test_generated_suites.py`, and the unusual answers of
`tests/test_answer_space.py`) fail until the snapshot template agrees with the code.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from cookiecutter.main import cookiecutter

# Run as `python -m tests.openapi_snapshot`, the harness package (in tests/) is not on the path.
sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness

SNAPSHOT = (
    harness.REPO_ROOT
    / "{{cookiecutter.project_slug}}/tests/api/__snapshots__/test_openapi_snapshot"
    / "test_the_openapi_schema_matches_its_reviewed_snapshot.json"
)
SENTINEL = {"resource_name": "wombat_nest", "resource_plural": "wombat_nests"}
# Longest first, so a name is never replaced inside a longer one. FastAPI writes an
# operation's summary, and pydantic a field's title, with Python's str.title.
REPLACEMENTS = (
    ("{wombat_nest_id}", "{{ cookiecutter.__id_path }}"),
    ("wombat_nests", "{{ cookiecutter.resource_plural }}"),
    ("Wombat Nests", "{{ cookiecutter.resource_plural|title_case }}"),
    ("WombatNest", "{{ cookiecutter.__resource_class }}"),
    ("Wombat Nest", "{{ cookiecutter.resource_name|title_case }}"),
    ("Wombat nest", "{{ cookiecutter.__resource_title }}"),
    ("wombat_nest", "{{ cookiecutter.resource_name }}"),
)
DUMP = (
    "import json; from app.main import app; schema = app.openapi(); schema.pop('info'); "
    "print(json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False))"
)


def templated(schema: str) -> str:
    for name, expression in REPLACEMENTS:
        schema = schema.replace(name, expression)
    if "wombat" in schema.lower():
        raise SystemExit("a form of the resource name is not templated: add it to REPLACEMENTS")
    return schema


# The answers the schema depends on, besides the resource's names: each pair is one branch of
# the snapshot template, in this order.
VARIANTS = (("yes", "none"), ("yes", "s3"), ("no", "none"), ("no", "s3"))
BRANCHES = (
    '{% if cookiecutter.auth == "yes" and cookiecutter.storage == "none" %}',
    '{% elif cookiecutter.auth == "yes" %}',
    '{% elif cookiecutter.storage == "none" %}',
    "{% else %}",
)


def published_schema(auth: str, storage: str, output_dir: Path) -> str:
    answers = {
        **SENTINEL,
        "auth": auth,
        "storage": storage,
        "project_slug": f"snapshot-{auth}-{storage}",
    }
    project = Path(
        cookiecutter(
            str(harness.REPO_ROOT), no_input=True, output_dir=output_dir, extra_context=answers
        )
    )
    env_dir = harness.ensure_env(project, harness.default_combo().python_version)
    done = harness.run_in_env(
        env_dir, ["-c", DUMP], cwd=project, timeout=120, DATABASE_URL="sqlite:///unused.db"
    )
    if done.returncode != 0:
        raise SystemExit(done.report())
    return done.output


def main() -> None:
    with tempfile.TemporaryDirectory() as output_dir:
        schemas = [published_schema(*variant, Path(output_dir)) for variant in VARIANTS]
    # The filter writes the rendered text as syrupy's JSON extension does (keys sorted,
    # two-space indent), whatever order the substituted names put the keys in.
    SNAPSHOT.parent.mkdir(parents=True, exist_ok=True)
    branches = "".join(
        f"{branch}\n{templated(schema)}" for branch, schema in zip(BRANCHES, schemas, strict=True)
    )
    SNAPSHOT.write_text(
        "{% filter syrupy_json %}" + branches + "{% endif %}{% endfilter %}", encoding="utf-8"
    )
    print(f"wrote {SNAPSHOT.relative_to(harness.REPO_ROOT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
