"""Test data that reads like data: `{{ cookiecutter.__resource_class }}Factory(name="groceries")`.

The db_session fixture binds every factory to the test's session; what a factory creates is
committed there, and deleted when the test ends (see conftest).
{%- if cookiecutter.mode == "async" %}

With an AsyncSession, creating is awaited: `await {{ cookiecutter.__resource_class }}Factory()`,
`await {{ cookiecutter.__resource_class }}Factory.create_batch(3)`. factory-boy itself runs
unchanged, synchronously, inside AsyncSession.run_sync (SQLAlchemy's bridge for synchronous
code: https://docs.sqlalchemy.org/en/20/orm/extensions/asyncio.html), so every declaration
works as it does in sync code: SubFactory, SelfAttribute, LazyAttribute, Sequence, Trait,
RelatedFactory, post_generation. `build()` touches no database and is not awaited.
{%- endif %}
"""
{% if cookiecutter.mode == "async" %}
from collections.abc import Awaitable, Callable
from typing import Any
{% endif %}
import factory
import factory.random
{%- if cookiecutter.mode == "async" %}
from factory import enums
{%- endif %}
from factory.alchemy import SQLAlchemyModelFactory
{%- if cookiecutter.auth == "yes" %}
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher
{%- endif %}
{{ cookiecutter.__session_import }}

{% if cookiecutter.auth == "yes" -%}
from app.users.models import User

{% endif -%}
from app.{{ cookiecutter.resource_plural }}.models import {{ cookiecutter.__resource_class }}
{%- if cookiecutter.auth == "yes" %}

TEST_PASSWORD = "correct-horse-battery-staple"
# Minimum Argon2 cost: see the cheap_password_hashing fixture in conftest.
CHEAP_PASSWORD_HASH = PasswordHash((Argon2Hasher(time_cost=1, memory_cost=8, parallelism=1),))
TEST_PASSWORD_HASH = CHEAP_PASSWORD_HASH.hash(TEST_PASSWORD)
{%- endif %}
{%- if cookiecutter.mode == "async" %}

_bound: list[AsyncSession] = []  # the session bind() gave, if any
{%- endif %}


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
{%- if cookiecutter.mode == "async" %}

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
{%- endif %}
{%- if cookiecutter.auth == "yes" %}


class UserFactory(BaseFactory):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    full_name = factory.Faker("name")
    hashed_password = TEST_PASSWORD_HASH
    is_active = True

    class Params:
        inactive = factory.Trait(is_active=False)
{%- endif %}


class {{ cookiecutter.__resource_class }}Factory(BaseFactory):
    class Meta:
        model = {{ cookiecutter.__resource_class }}

    name = factory.Sequence(lambda n: f"{{ cookiecutter.resource_name }} {n}")
    description = factory.Faker("sentence")
{%- if cookiecutter.auth == "yes" %}
    owner = factory.SubFactory(UserFactory)
{%- endif %}


def every_factory() -> list[type[BaseFactory]]:
    """Every factory defined on BaseFactory, however deep: new ones need no registering."""
    found: list[type[BaseFactory]] = []
    waiting = BaseFactory.__subclasses__()
    while waiting:
        model_factory = waiting.pop()
        found.append(model_factory)
        waiting += model_factory.__subclasses__()
    return found


def bind(session: {{ cookiecutter.__session }} | None) -> None:
    """Makes every factory write through `session` (None: through none)."""
{%- if cookiecutter.mode == "async" %}
    _bound[:] = [] if session is None else [session]
    sync_session = None if session is None else session.sync_session
    for model_factory in every_factory():
        model_factory._meta.sqlalchemy_session = sync_session
{%- else %}
    for model_factory in every_factory():
        model_factory._meta.sqlalchemy_session = session
{%- endif %}


def reseed(seed: str) -> None:
    """Faker's values and the sequences start over from `seed` (the db_session fixture
    gives each test's id): a test gets the same data alone, in any order, on any worker,
    so a failure shows the same way on the next run."""
    factory.random.reseed_random(seed)
    for model_factory in every_factory():
        if model_factory._meta.counter_reference is model_factory._meta:  # not shared
            model_factory.reset_sequence()
