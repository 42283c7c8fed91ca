"""Initial schema: users and their {{ cookiecutter.resource_plural }}.

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
        "users",
        sa.Column(
            "email",
            sa.String(length=320).with_variant(
                sa.String(length=320, collation="utf8mb4_bin"), "mysql", "mariadb"
            ),
            nullable=False,
        ),
        sa.Column("hashed_password", sa.String(length=255), nullable=False),
        sa.Column("full_name", sa.String(length=100), nullable=True),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", app.core.models.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("email", name=op.f("uq_users_email")),
    )
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
        sa.Column("owner_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", app.core.models.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["users.id"],
            name=op.f("fk_{{ cookiecutter.resource_plural }}_owner_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_{{ cookiecutter.resource_plural }}")),
        sa.UniqueConstraint("owner_id", "name", name=op.f("uq_{{ cookiecutter.resource_plural }}_owner_id_name")),
    )
    op.create_index(op.f("ix_{{ cookiecutter.resource_plural }}_owner_id"), "{{ cookiecutter.resource_plural }}", ["owner_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_{{ cookiecutter.resource_plural }}_owner_id"), table_name="{{ cookiecutter.resource_plural }}")
    op.drop_table("{{ cookiecutter.resource_plural }}")
    op.drop_table("users")
