"""Alembic as the tests drive it: the project's alembic.ini and migrations, or a copy of them
a test may add revisions to, pointed at the test's database."""

import shutil
from pathlib import Path

from alembic.config import Config
from sqlalchemy import URL

PROJECT_ROOT = Path(__file__).parents[2]


def alembic_config(url: URL, migrations: Path | None = None) -> Config:
    config = Config(PROJECT_ROOT / "alembic.ini")
    config.attributes["database_url"] = url.render_as_string(hide_password=False)
    config.attributes["configure_logger"] = False
    if migrations is not None:
        config.set_main_option("script_location", str(migrations))
    return config


def copy_of_the_migrations(tmp_path: Path, *, revisions: bool = True) -> Path:
    """migrations/ where a test may add revisions, with or without the project's own."""
    copy = tmp_path / "migrations"
    shutil.copytree(PROJECT_ROOT / "migrations", copy, ignore=shutil.ignore_patterns("__pycache__"))
    if not revisions:
        for revision in (copy / "versions").glob("*.py"):
            revision.unlink()
    return copy
