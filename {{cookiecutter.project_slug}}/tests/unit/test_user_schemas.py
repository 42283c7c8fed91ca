"""What registration accepts, checked on the schema alone."""

import pytest
from pydantic import ValidationError

from app.users.schemas import PASSWORD_MIN_LENGTH, UserCreate


def test_a_password_shorter_than_the_minimum_is_refused() -> None:
    with pytest.raises(ValidationError):
        UserCreate(email="ada@example.com", password="x" * (PASSWORD_MIN_LENGTH - 1))


def test_emails_are_validated() -> None:
    with pytest.raises(ValidationError):
        UserCreate(email="ada-at-example.com", password="a-long-password")
