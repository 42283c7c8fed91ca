"""Initial schema{% if cookiecutter.auth == "yes" %}: users and their {{ cookiecutter.resource_plural }}{% else %}: {{ cookiecutter.resource_plural }}{% endif %}.

Revision ID: 0001
Revises:
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
{%- if cookiecutter.database == "mysql" %}
from sqlalchemy.dialects import mysql
{%- endif %}

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
{%- if cookiecutter.auth == "yes" %}
    op.create_table(
        "users",
        sa.Column("email", sa.String(length=320{% if cookiecutter.database == "mysql" %}, collation="utf8mb4_bin"{% endif %}), nullable=False),
        sa.Column("hashed_password", sa.String(length=255), nullable=False),
        sa.Column("full_name", sa.String(length=100), nullable=True),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", {{ "mysql.DATETIME(fsp=6)" if cookiecutter.database == "mysql" else "sa.DateTime(timezone=True)" }}, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("email", name=op.f("uq_users_email")),
    )
{%- endif %}
    op.create_table(
        "{{ cookiecutter.resource_plural }}",
        sa.Column("name", sa.String(length=100{% if cookiecutter.database == "mysql" %}, collation="utf8mb4_bin"{% endif %}), nullable=False),
        sa.Column("description", sa.String(length=1000), nullable=True),
{%- if cookiecutter.auth == "yes" %}
        sa.Column("owner_id", sa.Uuid(), nullable=False),
{%- endif %}
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", {{ "mysql.DATETIME(fsp=6)" if cookiecutter.database == "mysql" else "sa.DateTime(timezone=True)" }}, nullable=False),
{%- if cookiecutter.auth == "yes" %}
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["users.id"],
            name=op.f("fk_{{ cookiecutter.resource_plural }}_owner_id_users"),
            ondelete="CASCADE",
        ),
{%- endif %}
        sa.PrimaryKeyConstraint("id", name=op.f("pk_{{ cookiecutter.resource_plural }}")),
{%- if cookiecutter.auth == "yes" %}
        sa.UniqueConstraint("owner_id", "name", name=op.f("uq_{{ cookiecutter.resource_plural }}_owner_id_name")),
{%- else %}
        sa.UniqueConstraint("name", name=op.f("uq_{{ cookiecutter.resource_plural }}_name")),
{%- endif %}
    )
{%- if cookiecutter.auth == "yes" %}
    op.create_index(op.f("ix_{{ cookiecutter.resource_plural }}_owner_id"), "{{ cookiecutter.resource_plural }}", ["owner_id"])
{%- endif %}


def downgrade() -> None:
{%- if cookiecutter.auth == "yes" %}
    op.drop_index(op.f("ix_{{ cookiecutter.resource_plural }}_owner_id"), table_name="{{ cookiecutter.resource_plural }}")
{%- endif %}
    op.drop_table("{{ cookiecutter.resource_plural }}")
{%- if cookiecutter.auth == "yes" %}
    op.drop_table("users")
{%- endif %}
