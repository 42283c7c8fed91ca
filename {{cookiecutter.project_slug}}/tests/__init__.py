"""The test suite: importing it (pytest does, before any conftest) makes the run hermetic."""

from tests.environment import isolate_from_outside_settings

isolate_from_outside_settings()
