"""What every factory shares: saving what it makes, and the session it makes it in."""

from factory.alchemy import SQLAlchemyModelFactory
from sqlalchemy.orm import Session


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


def every_factory() -> list[type[BaseFactory]]:
    """Every factory defined on BaseFactory, however deep: new ones need no registering."""
    found: list[type[BaseFactory]] = []
    waiting = BaseFactory.__subclasses__()
    while waiting:
        model_factory = waiting.pop()
        found.append(model_factory)
        waiting += model_factory.__subclasses__()
    return found


def bind(session: Session | None) -> None:
    """Makes every factory write through `session` (None: through none)."""
    for model_factory in every_factory():
        model_factory._meta.sqlalchemy_session = session
