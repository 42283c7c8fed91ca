import importlib
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from types import ModuleType

import pytest
from sqlalchemy.engine.default import DefaultDialect

from app.core.models import UTCDateTime, import_every_model

APP = Path(__file__).parents[2] / "app"

PARIS_SUMMER = timezone(timedelta(hours=2))


def dialect(name: str) -> DefaultDialect:
    named = DefaultDialect()
    named.name = name
    return named


def test_postgresql_stores_aware_datetimes_as_they_are() -> None:
    moment = datetime(2024, 6, 1, 12, tzinfo=PARIS_SUMMER)

    assert UTCDateTime().process_bind_param(moment, dialect("postgresql")) is moment


def test_other_backends_store_the_utc_wall_clock() -> None:
    moment = datetime(2024, 6, 1, 12, tzinfo=PARIS_SUMMER)

    for name in ("sqlite", "mysql"):
        assert UTCDateTime().process_bind_param(moment, dialect(name)) == datetime(2024, 6, 1, 10)


def test_values_read_back_are_always_aware_utc() -> None:
    naive = datetime(2024, 6, 1, 10)
    aware = datetime(2024, 6, 1, 10, tzinfo=UTC)

    assert UTCDateTime().process_result_value(naive, dialect("sqlite")) == aware
    assert UTCDateTime().process_result_value(aware, dialect("postgresql")) is aware
    assert UTCDateTime().process_bind_param(None, dialect("sqlite")) is None


def test_every_models_module_is_imported_for_migrations_and_the_tests(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    imported: set[str] = set()
    import_module = importlib.import_module

    def recording_import(name: str) -> ModuleType:
        imported.add(name)
        return import_module(name)

    monkeypatch.setattr(importlib, "import_module", recording_import)

    import_every_model()

    assert imported == {
        ".".join(path.relative_to(APP.parent).with_suffix("").parts)
        for path in APP.rglob("models.py")
    }
