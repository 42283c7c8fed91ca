"""Empty databases for the migration tests: a file each on SQLite, a database of their own
on a server (one per pytest-xdist worker, as for the rest of the suite)."""

{% if cookiecutter.mode == "async" -%}
import asyncio
{% endif -%}
from pathlib import Path

import pytest
from sqlalchemy import URL

from tests.database import create_empty_database, database_url_for_tests


def empty_database(name: str, tmp_path: Path) -> URL:
    url = database_url_for_tests(name)
    if url.get_backend_name() == "sqlite":
        return url.set(database=str(tmp_path / f"{name}.db"))
    {{ "asyncio.run(create_empty_database(url))" if cookiecutter.mode == "async" else "create_empty_database(url)" }}
    return url


@pytest.fixture
def migration_database(tmp_path: Path) -> URL:
    return empty_database("migrations", tmp_path)


@pytest.fixture(scope="session")
def models_database(tmp_path_factory: pytest.TempPathFactory) -> URL:
    """A second database, for the schema `create_all` builds from the models: empty for
    the first test that asks, which builds the tables; create_all leaves them to the next,
    which reads the same schema without paying for the DDL again."""
    return empty_database("models", tmp_path_factory.mktemp("models"))
