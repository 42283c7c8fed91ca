"""Initial schema: {{ cookiecutter.resource_plural }}.

Revision ID: 0001
Revises:
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.core.models

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "{{ cookiecutter.resource_plural }}",
        sa.Column(
            "name",
            sa.String(length=100).with_variant(
                sa.String(length=100, collation="utf8mb4_bin"), "mysql", "mariadb"
            ),
            nullable=False,
        ),
        sa.Column("description", sa.String(length=1000), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", app.core.models.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_{{ cookiecutter.resource_plural }}")),
        sa.UniqueConstraint("name", name=op.f("uq_{{ cookiecutter.resource_plural }}_name")),
    )


def downgrade() -> None:
    op.drop_table("{{ cookiecutter.resource_plural }}")
