"""Which combinations of answers are baked: the covering array, its core rows, ids, groups."""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pytest

from harness.answers import SPEC, choices
from harness.servers import SERVERS

# Every choice variable of cookiecutter.json (its lists), in the file's order.
CHOICE_AXES = tuple(
    name for name, value in SPEC.items() if isinstance(value, list) and not name.startswith("_")
)
# Every value of these three is baked with every value of the other two: they decide what
# code, dependencies and database a project has.
CORE_AXES = ("database", "mode", "auth")
# The answers that add a service beside the database, all off and all on.
SERVICES_OFF = {"cache": "none", "tasks": "none", "storage": "none"}
SERVICES_ON = {"cache": "redis", "tasks": "celery", "storage": "s3"}
BAKE_AXES = (*CORE_AXES, "ci", "docker")


@dataclass(frozen=True)
class Combo:
    """A value for every choice variable, in CHOICE_AXES order; read one as `combo.database`."""

    values: tuple[str, ...]

    @classmethod
    def of(cls, **answers: str) -> Combo:
        """The given answers, the first choice of every other variable."""
        unknown = sorted(set(answers) - set(CHOICE_AXES))
        assert not unknown, f"not choice variables of cookiecutter.json: {unknown}"
        return cls(tuple(answers.get(axis, choices(axis)[0]) for axis in CHOICE_AXES))

    def __getattr__(self, axis: str) -> str:
        if axis in CHOICE_AXES:
            return self.values[CHOICE_AXES.index(axis)]
        raise AttributeError(axis)

    def answers(self) -> dict[str, str]:
        return dict(zip(CHOICE_AXES, self.values, strict=True))

    def but(self, **changes: str) -> Combo:
        return Combo.of(**{**self.answers(), **changes})

    def id(self, axes: Iterable[str] = BAKE_AXES) -> str:
        return "-".join(f"{axis}={getattr(self, axis)}" for axis in axes)

    @property
    def core(self) -> str:
        return self.id(CORE_AXES)


def default_combo() -> Combo:
    return Combo.of()


Pair = tuple[str, str, str, str]


def covering_array(attempts: int = 64) -> list[Combo]:
    """Rows of answers in which every value of every choice variable meets every value of
    every other one (each pair in at least one row), and every database x mode x auth is a
    row of its own.

    The full product of the choices is far too large to bake and check one by one (it
    multiplies with each new answer); a pairwise covering array is the usual way to test
    such a space: most defects of interacting options need only two of them to show. Built
    with the in-parameter-order strategy (IPOG): start from the core rows, add the other
    variables one at a time, giving each row the value that covers the most pairs not yet
    covered, then add rows for the pairs still missing. Greedy choices depend on the order
    rows are visited in, so a few seeded orders are tried and the smallest array kept:
    the same cookiecutter.json always gives the same rows.
    """
    arrays = [_ipog(random.Random(seed)) for seed in range(attempts)]
    smallest = min(arrays, key=len)
    return [
        Combo.of(**{axis: value for axis, value in row.items() if value is not None})
        for row in smallest
    ]


def _ipog(rng: random.Random) -> list[dict[str, str | None]]:
    others = sorted(
        (axis for axis in CHOICE_AXES if axis not in CORE_AXES),
        key=lambda axis: (-len(choices(axis)), CHOICE_AXES.index(axis)),
    )
    rows: list[dict[str, str | None]] = [
        dict(zip(CORE_AXES, values, strict=True))
        for values in itertools.product(*(choices(axis) for axis in CORE_AXES))
    ]
    done = list(CORE_AXES)
    for axis in others:
        missing = {
            (earlier, old, axis, new)
            for earlier in done
            for old in choices(earlier)
            for new in choices(axis)
        }
        used = dict.fromkeys(choices(axis), 0)
        # The first row stays the default answers: what pressing Enter bakes is a row.
        for index, row in [(0, rows[0]), *rng.sample(list(enumerate(rows))[1:], len(rows) - 1)]:
            # Most pairs gained; then the value used least so far; then the first listed.
            gains = {
                v: sum((a, row.get(a), axis, v) in missing for a in done) for v in choices(axis)
            }
            value = (
                choices(axis)[0] if index == 0 else max(gains, key=lambda v: (gains[v], -used[v]))
            )
            row[axis] = value
            used[value] += 1
            missing -= {(a, row.get(a), axis, value) for a in done}
        for earlier, old, _, new in sorted(missing, key=_pair_order):
            fits = next(
                (row for row in rows if row.get(axis) == new and row.get(earlier) in (None, old)),
                None,
            )
            if fits is None:
                fits = {axis: new}
                rows.append(fits)
            fits[earlier] = old
        done.append(axis)
    return rows


def _pair_order(pair: Pair) -> tuple[int, int, int, int]:
    earlier, old, axis, new = pair
    return (
        CHOICE_AXES.index(earlier),
        choices(earlier).index(old),
        CHOICE_AXES.index(axis),
        choices(axis).index(new),
    )


def uncovered_pairs(combos: Iterable[Combo]) -> list[str]:
    """The pairs of answer values no combination holds, as `a=x with b=y`."""
    seen = {
        (first, combo.answers()[first], second, combo.answers()[second])
        for combo in combos
        for first, second in itertools.combinations(CHOICE_AXES, 2)
    }
    return [
        f"{first}={x} with {second}={y}"
        for first, second in itertools.combinations(CHOICE_AXES, 2)
        for x in choices(first)
        for y in choices(second)
        if (first, x, second, y) not in seen
    ]


# Every row is baked, checked statically and runs its own suite.
COVERING = covering_array()


def core_combos() -> list[Combo]:
    """The first row of each database x mode x auth."""
    firsts: dict[str, Combo] = {}
    for combo in COVERING:
        firsts.setdefault(combo.core, combo)
    return list(firsts.values())


def combo_param(combo: Combo, axes: Iterable[str], *marks: pytest.MarkDecorator) -> Any:
    """A pytest param with a readable id, kept on the worker that handles its combination."""
    return pytest.param(combo, id=combo.id(axes), marks=(group_of(combo), *marks))


def group_of(combo: Combo) -> pytest.MarkDecorator:
    """Every test of one combination on one xdist worker (`--dist=loadgroup`): its bake,
    environment and static checks are then made once, and mypy's cache is warm."""
    return pytest.mark.xdist_group(combo.id(CHOICE_AXES))


def env_param(combo: Combo) -> Any:
    """A core combination for a test that runs the baked project in its environment: marked
    `env`, and `database` when it needs a server."""
    marks = [pytest.mark.env]
    if combo.database in SERVERS:
        marks.append(pytest.mark.database)
    return combo_param(combo, CORE_AXES, *marks)


# One combination per database, spreading the modes: for the tests that are too slow to
# run on every combination (a live server, a whole developer workflow).
ONE_PER_DATABASE = {("sqlite", "sync"), ("postgresql", "async"), ("mysql", "sync")}


def one_per_database() -> list[Any]:
    return [
        env_param(c)
        for c in core_combos()
        if (c.database, c.mode) in ONE_PER_DATABASE and c.auth == "yes"
    ]


def pairwise_subset(combos: list[Combo], axes: Iterable[str] = CORE_AXES) -> list[Combo]:
    """The fewest of `combos` (picked greedily, in order) in which every value of each of
    `axes` meets every value of each other one."""
    axes = tuple(axes)

    def pairs(combo: Combo) -> set[tuple[str, str, str, str]]:
        return {
            (a, getattr(combo, a), b, getattr(combo, b)) for a, b in itertools.combinations(axes, 2)
        }

    wanted = set().union(*map(pairs, combos))
    chosen: list[Combo] = []
    while wanted:
        best = max(combos, key=lambda combo: len(pairs(combo) & wanted))
        chosen.append(best)
        wanted -= pairs(best)
    return [combo for combo in combos if combo in chosen]


# Every database in both modes (auth on), for workflows whose outcome depends on the driver,
# such as what a migration's autogenerate writes and what `alembic check` reads; and SQLite
# sync without accounts, for the added resources' other shape (no owner). The new-model
# workflow runs these combinations' own suites; the others run theirs on their own.
WORKFLOW_COMBOS = [
    combo
    for combo in core_combos()
    if combo.auth == "yes" or (combo.database, combo.mode) == ("sqlite", "sync")
]
