"""Test data that reads like data: `{{ cookiecutter.__resource_class }}Factory(name="groceries")`.

The db_session fixture binds every factory to the test's session; what a factory creates is
committed there, and deleted when the test ends (see conftest). How a factory saves, and
in which session, is BaseFactory's (tests/factory_base.py).
"""

import factory
import factory.random
{%- if cookiecutter.auth == "yes" %}
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

from app.users.models import User
{%- endif %}

from app.{{ cookiecutter.resource_plural }}.models import {{ cookiecutter.__resource_class }}
from tests.factory_base import BaseFactory as BaseFactory
from tests.factory_base import bind as bind
from tests.factory_base import every_factory
{%- if cookiecutter.auth == "yes" %}

TEST_PASSWORD = "correct-horse-battery-staple"
# Minimum Argon2 cost: see the cheap_password_hashing fixture in tests/accounts.py.
CHEAP_PASSWORD_HASH = PasswordHash((Argon2Hasher(time_cost=1, memory_cost=8, parallelism=1),))
TEST_PASSWORD_HASH = CHEAP_PASSWORD_HASH.hash(TEST_PASSWORD)


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


def reseed(seed: str) -> None:
    """Faker's values and the sequences start over from `seed` (the db_session fixture
    gives each test's id): a test gets the same data alone, in any order, on any worker,
    so a failure shows the same way on the next run."""
    factory.random.reseed_random(seed)
    for model_factory in every_factory():
        if model_factory._meta.counter_reference is model_factory._meta:  # not shared
            model_factory.reset_sequence()
