import importlib
import pkgutil
import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, Dialect, MetaData, String
from sqlalchemy.dialects.mysql import DATETIME
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator, TypeEngine

# Deterministic constraint names: migrations can drop and rename them on every backend.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


# The dialect names of MySQL and MariaDB: SQLAlchemy names the dialect after the URL's scheme.
MYSQL_DIALECTS = frozenset({"mysql", "mariadb"})


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """An aware UTC datetime on every backend; SQLite and MySQL store it without offset."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name in MYSQL_DIALECTS:
            # MySQL keeps whole seconds unless asked for microseconds; without them two rows
            # created in the same second could not be put back in creation order.
            return dialect.type_descriptor(DATETIME(fsp=6))
        return super().load_dialect_impl(dialect)

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        if value is None or dialect.name == "postgresql":
            return value
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None or value.tzinfo is not None:
            return value  # type: ignore[no-any-return]
        return value.replace(tzinfo=UTC)  # type: ignore[no-any-return]


# MySQL's and MariaDB's collation for the strings that must be unique (see exact_string).
EXACT_COLLATION = "utf8mb4_bin"


def exact_string(length: int) -> String:
    """A VARCHAR of at most `length` characters that every database compares exactly, as
    PostgreSQL and SQLite do: MySQL and MariaDB store it in EXACT_COLLATION, since under
    their default collations "Groceries" equals "groceries" and "café" equals "cafe", and a
    unique constraint would refuse the second. A variant per dialect
    (https://docs.sqlalchemy.org/en/20/core/type_api.html#sqlalchemy.types.TypeEngine.with_variant),
    so a project that moves to MySQL later needs no change to its models.
    """
    exact = String(length, collation=EXACT_COLLATION)
    return String(length).with_variant(exact, *sorted(MYSQL_DIALECTS))


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class IdMixin:
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


def import_every_model() -> None:
    """Imports every app/*/models.py, which puts each table on Base.metadata: migrations
    and the tests' schema see every model, whether the app imports its module yet or not."""
    import app

    for module in pkgutil.walk_packages(app.__path__, "app."):
        if module.name.rpartition(".")[2] == "models":
            importlib.import_module(module.name)
