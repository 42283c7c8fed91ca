"""What every factory shares: saving what it makes, and the session it makes it in.

With an AsyncSession, creating is awaited: `await {{ cookiecutter.__resource_class }}Factory()`,
`await {{ cookiecutter.__resource_class }}Factory.create_batch(3)`. factory-boy itself runs
unchanged, synchronously, inside AsyncSession.run_sync (SQLAlchemy's bridge for synchronous
code: https://docs.sqlalchemy.org/en/20/orm/extensions/asyncio.html), so every declaration
works as it does in sync code: SubFactory, SelfAttribute, LazyAttribute, Sequence, Trait,
RelatedFactory, post_generation. `build()` touches no database and is not awaited.
"""

from collections.abc import Awaitable, Callable
from typing import Any

from factory import enums
from factory.alchemy import SQLAlchemyModelFactory
from sqlalchemy.ext.asyncio import AsyncSession

_bound: list[AsyncSession] = []  # the session bind() gave, if any


class BaseFactory(SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_persistence = "commit"

    @classmethod
    def _after_postgeneration(cls, instance: object, create: bool, results: object) -> None:
        # What post_generation hooks changed is saved too, as factory-boy's Django factories
        # save it; its SQLAlchemy factories leave it pending in the session.
        if create and results:
            cls._meta.sqlalchemy_session.commit()

    @classmethod
    def create(cls, **kwargs: Any) -> Awaitable[Any]:
        """Builds, saves and commits one object; awaiting the result gives the object."""
        return _in_bound_session(lambda: cls._generate(enums.CREATE_STRATEGY, kwargs))

    @classmethod
    def create_batch(cls, size: int, **kwargs: Any) -> Awaitable[list[Any]]:
        """`size` objects, each committed; awaiting the result gives the list."""
        return _in_bound_session(
            lambda: [cls._generate(enums.CREATE_STRATEGY, kwargs) for _ in range(size)]
        )


def _in_bound_session(make: Callable[[], Any]) -> Awaitable[Any]:
    if not _bound:
        raise RuntimeError("the factories are bound to no session: ask for db_session")
    return _bound[0].run_sync(lambda _: make())


def every_factory() -> list[type[BaseFactory]]:
    """Every factory defined on BaseFactory, however deep: new ones need no registering."""
    found: list[type[BaseFactory]] = []
    waiting = BaseFactory.__subclasses__()
    while waiting:
        model_factory = waiting.pop()
        found.append(model_factory)
        waiting += model_factory.__subclasses__()
    return found


def bind(session: AsyncSession | None) -> None:
    """Makes every factory write through `session` (None: through none)."""
    _bound[:] = [] if session is None else [session]
    sync_session = None if session is None else session.sync_session
    for model_factory in every_factory():
        model_factory._meta.sqlalchemy_session = sync_session
