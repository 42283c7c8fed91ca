"""The Jinja extension cookiecutter.json names: `local_extensions.py` of the template being
rendered, loaded for each render that needs it.

`cruft update` renders the commit a project was baked from and then the newest one, in one
Python process and from one checkout directory, and Python keeps a module by its name:
imported by name, the newest commit would be rendered with the older commit's filters and
derived names, and fail on a filter the older one did not have. cookiecutter and cruft put
the template's directory on `sys.path` while they render it, so this module takes
`local_extensions.py` from there (the entry added last first) and loads it under a name of
its own for each path and content, once.

Keep this module as it is: an update renders the newer template with whichever copy of it
was imported first.
"""

from __future__ import annotations

import hashlib
import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

from jinja2 import Environment
from jinja2.ext import Extension

IMPLEMENTATION = "local_extensions.py"


def implementation() -> ModuleType:
    """`local_extensions.py` of the template on `sys.path` last (a directory that also holds
    `cookiecutter.json`), else the one beside this file, loaded once per path and content."""
    found = Path(__file__).resolve().with_name(IMPLEMENTATION)
    for entry in reversed(sys.path):
        candidate = Path(entry or ".") / IMPLEMENTATION
        if candidate.is_file() and candidate.with_name("cookiecutter.json").is_file():
            found = candidate.resolve()
            break
    digest = hashlib.sha256(str(found).encode() + b"\0" + found.read_bytes()).hexdigest()
    name = f"_local_extensions_{digest[:16]}"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, found)
        assert spec is not None
        assert spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module  # before it runs: dataclasses look their module up
        spec.loader.exec_module(module)
    return sys.modules[name]


class AnswersExtension(Extension):
    """What Jinja instantiates for cookiecutter.json's `_extensions`: it gets the
    AnswersExtension of the template being rendered (implementation())."""

    def __new__(cls, environment: Environment) -> Any:
        return implementation().AnswersExtension(environment)
