"""Collects and equips the contract tests only when a run asks for them.

They import schemathesis and take seconds, so `pytest` alone skips them; `pytest -m
contract` or `pytest tests/contract` runs them. schemathesis' pytest plugin takes half a
second to import, which every run would pay: addopts keeps it out (-p no:schemathesis)
and a contract run brings it in.
"""

from pathlib import Path

import pytest


def runs_contract_tests(config: pytest.Config) -> bool:
    named = any("contract" in Path(arg.split("::")[0]).parts for arg in config.args)
    return named or "contract" in config.option.markexpr


def pytest_configure(config: pytest.Config) -> None:
    plugins = config.pluginmanager
    if runs_contract_tests(config) and not plugins.has_plugin("schemathesis"):
        plugins.import_plugin("schemathesis.pytest.plugin")


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    if collection_path.name == "contract" and not runs_contract_tests(config):
        return True
    return None
