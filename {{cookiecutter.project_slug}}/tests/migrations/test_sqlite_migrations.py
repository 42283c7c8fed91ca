"""SQLite alters a table by copying it (Alembic's batch mode). The copy must keep the rows
that reference the table, and a migration that leaves a reference to nothing must not
commit: migrations/env.py runs them with foreign keys off and checks every reference."""

import sqlite3
from pathlib import Path

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import URL

from tests.migrations.scripts import alembic_config, copy_of_the_migrations

REVISION = """
import sqlalchemy as sa
from alembic import op

revision = "copies_a_table"
down_revision = {head!r}


def upgrade() -> None:
    op.create_table("parent", sa.Column("id", sa.Integer, primary_key=True))
    op.create_table(
        "child",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("parent_id", sa.Integer, sa.ForeignKey("parent.id", ondelete="CASCADE")),
    )
    op.execute("INSERT INTO parent (id) VALUES (1)")
    op.execute("INSERT INTO child (id, parent_id) VALUES (1, {parent_id})")
    # How SQLite alters a table: a copy, the old one dropped, the copy renamed.
    with op.batch_alter_table("parent", recreate="always"):
        pass
"""


def project_head(database: URL) -> str | None:
    return ScriptDirectory.from_config(alembic_config(database)).get_current_head()


def migrate_with(tmp_path: Path, database: URL, *, parent_id: int) -> sqlite3.Connection:
    """The project's migrations and, after them, one that copies a table (see REVISION)."""
    migrations = copy_of_the_migrations(tmp_path)
    revision = REVISION.format(head=project_head(database), parent_id=parent_id)
    (migrations / "versions" / "copies_a_table.py").write_text(revision)
    command.upgrade(alembic_config(database, migrations), "head")
    return sqlite3.connect(str(database.database))


def test_a_migration_that_copies_a_table_keeps_the_rows_that_reference_it(
    migration_database: URL, tmp_path: Path
) -> None:
    # With foreign keys on, dropping the old table would delete its children ON DELETE CASCADE.
    database = migrate_with(tmp_path, migration_database, parent_id=1)

    assert database.execute("SELECT count(*) FROM child").fetchone() == (1,)
    database.close()


def test_a_migration_that_leaves_a_reference_to_nothing_is_undone_whole(
    migration_database: URL, tmp_path: Path
) -> None:
    command.upgrade(alembic_config(migration_database), "head")

    with pytest.raises(RuntimeError, match="references to nothing: child row 1 -> parent"):
        migrate_with(tmp_path, migration_database, parent_id=2)

    database = sqlite3.connect(str(migration_database.database))
    tables = {name for (name,) in database.execute("SELECT name FROM sqlite_master")}
    assert "child" not in tables
    versions = database.execute("SELECT version_num FROM alembic_version").fetchall()
    assert versions == [(project_head(migration_database),)]
    database.close()
