"""Whose rows the tests work with: without accounts, everyone's.

A pytest plugin (conftest's `pytest_plugins`): for a service without accounts, the
ownership fixtures every bake has: `owner`, `add_owner` and
`make_{{ cookiecutter.resource_name }}`.
"""

from collections.abc import {{ "Awaitable, " if cookiecutter.mode == "async" }}Callable
from typing import Any

import pytest
{{ cookiecutter.__session_import }}

from app.{{ cookiecutter.resource_plural }}.owner import Owner
from tests import factories


@pytest.fixture
def make_{{ cookiecutter.resource_name }}(db_session: {{ cookiecutter.__session }}) -> Callable[..., Any]:
    """Creates {{ cookiecutter.resource_plural }} through the factory bound to `db_session`:
    `make_{{ cookiecutter.resource_name }}(**fields)` calls {{ cookiecutter.__resource_class }}Factory with those fields{{ "\n    (await what it returns)" if cookiecutter.mode == "async" }}.

    A factory as a fixture: https://docs.pytest.org/en/stable/how-to/fixtures.html#factories-as-fixtures
    """
    return factories.{{ cookiecutter.__resource_class }}Factory


@pytest.fixture
def owner() -> Owner:
    """Whose {{ cookiecutter.resource_plural }} the service reads and writes: without accounts, everyone's."""
    return Owner()


@pytest.fixture
def add_owner() -> Callable[[{{ cookiecutter.__session }}], {{ "Awaitable[Owner]" if cookiecutter.mode == "async" else "Owner" }}]:
    """Gives the Owner of what a test on a database of its own writes: without accounts,
    everyone."""

    {{ cookiecutter.__async }}def add(session: {{ cookiecutter.__session }}) -> Owner:
        return Owner()

    return add
