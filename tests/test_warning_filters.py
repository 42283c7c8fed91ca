"""The baked suite's warning filters survive requests handled at once in several threads.

`filterwarnings = ["error", ...]` turns every warning the baked pyproject does not ignore
into an exception, a 500 in a request. FastAPI silences some warnings itself, per call, with
`warnings.catch_warnings()` and `warnings.simplefilter("ignore", category=...)`, which is not
thread-safe: `simplefilter` first removes an equal filter from whichever list is current,
then inserts its own into whichever list is current by then. Raced from several threads, it
removed a baked filter equal to its own for the rest of a test. Each baked "ignore" filter
is put through that race here, in the same threads as FastAPI's calls.
"""

import sys
import threading
import tomllib
import warnings
from collections.abc import Iterator
from typing import Any

import harness
import pytest
from _pytest.config import parse_warning_filter

ROUNDS = 10
THREADS = 4


def baked_filters(bake: Any) -> list[str]:
    project = harness.project_path(bake({}))
    options = tomllib.loads((project / "pyproject.toml").read_text())["tool"]["pytest"]
    return list(options["ini_options"]["filterwarnings"])


@pytest.fixture(scope="module")
def filters(bake: Any) -> list[str]:
    return baked_filters(bake)


@pytest.fixture
def fast_thread_switches() -> Iterator[None]:
    # Switching threads every microsecond makes the race show in every round, not 1 in 100.
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(interval)


def raised_while_racing(filters: list[str], category: type[Warning]) -> bool:
    """Whether `category`, warned in threads that also silence it FastAPI's way, was ever
    raised under `filters` (applied as pytest applies its ini option)."""
    raised = threading.Event()
    stop = threading.Event()

    def request_thread() -> None:
        while not stop.is_set():
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", category=category)
            try:
                warnings.warn("as a request would", category, stacklevel=1)
            except category:
                raised.set()

    with warnings.catch_warnings():
        for text in filters:
            warnings.filterwarnings(*parse_warning_filter(text, escape=False))
        threads = [threading.Thread(target=request_thread) for _ in range(THREADS)]
        for thread in threads:
            thread.start()
        stop.wait(0.2)
        stop.set()
        for thread in threads:
            thread.join()
    return raised.is_set()


def test_the_baked_suite_turns_warnings_into_errors(filters: list[str]) -> None:
    assert filters[0] == "error"


@pytest.mark.usefixtures("fast_thread_switches")
def test_each_ignored_warning_stays_ignored_while_threads_silence_it_too(
    filters: list[str],
) -> None:
    ignored = [
        parse_warning_filter(text, escape=False)[2] for text in filters if text.startswith("ignore")
    ]
    assert ignored, "the baked pyproject ignores no warning: nothing to check"
    for category in ignored:
        assert not any(raised_while_racing(filters, category) for _ in range(ROUNDS)), category


@pytest.mark.usefixtures("fast_thread_switches")
def test_the_race_is_real_for_a_filter_equal_to_fastapis() -> None:
    # The check above can fail: written as FastAPI writes its own, the filter is lost.
    assert any(
        raised_while_racing(["error", "ignore::UserWarning"], UserWarning) for _ in range(ROUNDS)
    )
