"""Whose rows the tests work with: without accounts, everyone's.

A pytest plugin (conftest's `pytest_plugins`): for a service without accounts, the
ownership fixtures every bake has: `owner`, `add_owner` and
`make_{{ cookiecutter.resource_name }}`.
"""

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from app.{{ cookiecutter.resource_plural }}.owner import Owner
from tests import factories


@pytest.fixture
def make_{{ cookiecutter.resource_name }}(db_session: AsyncSession) -> Callable[..., Any]:
    """Creates {{ cookiecutter.resource_plural }} through the factory bound to `db_session`:
    `make_{{ cookiecutter.resource_name }}(**fields)` calls {{ cookiecutter.__resource_class }}Factory with those fields
    (await what it returns).

    A factory as a fixture: https://docs.pytest.org/en/stable/how-to/fixtures.html#factories-as-fixtures
    """
    return factories.{{ cookiecutter.__resource_class }}Factory


@pytest.fixture
def owner() -> Owner:
    """Whose {{ cookiecutter.resource_plural }} the service reads and writes: without accounts, everyone's."""
    return Owner()


@pytest.fixture
def add_owner() -> Callable[[AsyncSession], Awaitable[Owner]]:
    """Gives the Owner of what a test on a database of its own writes: without accounts,
    everyone."""

    async def add(session: AsyncSession) -> Owner:
        return Owner()

    return add
