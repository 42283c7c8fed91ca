"""Test data that reads like data: `{{ cookiecutter.__resource_class }}Factory({% if cookiecutter.auth == "yes" %}owner=user{% else %}name="groceries"{% endif %})`.

The db_session fixture binds every factory to the test's session; what a factory
creates is committed there, which (see conftest) only releases a savepoint.
"""
{% if cookiecutter.mode == "async" %}
import inspect
from typing import Any
{% endif %}
import factory
import factory.random
from factory.alchemy import SQLAlchemyModelFactory
{%- if cookiecutter.auth == "yes" %}
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher
{%- endif %}
{{ cookiecutter.__session_import }}

from app.{{ cookiecutter.resource_plural }}.models import {{ cookiecutter.__resource_class }}
{%- if cookiecutter.auth == "yes" %}
from app.users.models import User

TEST_PASSWORD = "correct-horse-battery-staple"
# Minimum Argon2 cost: see the cheap_password_hashing fixture in conftest.
CHEAP_PASSWORD_HASH = PasswordHash((Argon2Hasher(time_cost=1, memory_cost=8, parallelism=1),))
TEST_PASSWORD_HASH = CHEAP_PASSWORD_HASH.hash(TEST_PASSWORD)
{%- endif %}


class BaseFactory(SQLAlchemyModelFactory):
    class Meta:
        abstract = True
{%- if cookiecutter.mode == "async" %}
        sqlalchemy_session_persistence = None  # _create below commits, asynchronously
{%- else %}
        sqlalchemy_session_persistence = "commit"
{%- endif %}
{%- if cookiecutter.mode == "async" %}

    @classmethod
    def _create(cls, model_class: type[Any], *args: Any, **kwargs: Any) -> Any:
        # factory-boy is synchronous; an AsyncSession needs awaiting. Creating returns a
        # coroutine instead, so tests write `await {{ cookiecutter.__resource_class }}Factory()`, and
        # SubFactory values (coroutines themselves) are awaited before the object is built.
        session = cls._meta.sqlalchemy_session

        async def create() -> Any:
            for key, value in kwargs.items():
                if inspect.isawaitable(value):
                    kwargs[key] = await value
            instance = model_class(*args, **kwargs)
            session.add(instance)
            await session.commit()
            return instance

        return create()

    @classmethod
    async def create_batch(cls, size: int, **kwargs: Any) -> list[Any]:
        """`await {{ cookiecutter.__resource_class }}Factory.create_batch(3)`: one after another, as one session
        runs one statement at a time."""
        return [await cls.create(**kwargs) for _ in range(size)]
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


ALL = [{% if cookiecutter.auth == "yes" %}UserFactory, {% endif %}{{ cookiecutter.__resource_class }}Factory]


def bind(session: {{ cookiecutter.__session }} | None) -> None:
    for model_factory in ALL:
        model_factory._meta.sqlalchemy_session = session


def reseed(seed: str) -> None:
    """Faker's values and the sequences start over from `seed` (the db_session fixture
    gives each test's id): a test gets the same data alone, in any order, on any worker,
    so a failure shows the same way on the next run."""
    factory.random.reseed_random(seed)
    for model_factory in ALL:
        model_factory.reset_sequence()
