"""A migration may run longer than a request may: the statement bound that cuts a slow
request short (DATABASE_STATEMENT_TIMEOUT) does not stop `alembic upgrade` half-way."""

from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import URL

from app.core.config import get_settings

from tests.migrations.scripts import alembic_config, copy_of_the_migrations

BOUND = 0.2  # seconds: the request statement bound the test sets
SLEEP = {"postgresql": "SELECT pg_sleep(0.6)", "mysql": "SELECT SLEEP(0.6)"}

SLOW_REVISION = f'''"""A statement that outlasts the request statement bound.

Revision ID: slow
Revises:
"""

from alembic import op
from sqlalchemy import text

revision = "slow"
down_revision = None
branch_labels = None
depends_on = None
SLEEP = {SLEEP!r}


def upgrade() -> None:
    op.execute(text(SLEEP[op.get_bind().dialect.name]))


def downgrade() -> None:
    pass
'''


def test_a_migration_statement_may_outlast_the_request_statement_bound(
    migration_database: URL, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(get_settings(), "database_statement_timeout", BOUND)
    migrations = copy_of_the_migrations(tmp_path, revisions=False)
    (migrations / "versions" / "slow.py").write_text(SLOW_REVISION)

    command.upgrade(alembic_config(migration_database, migrations), "head")
