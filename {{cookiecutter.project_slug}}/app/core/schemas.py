"""Field types the request schemas of every domain share."""

from typing import Annotated

from pydantic import AfterValidator

NOT_STORABLE = "must not contain NUL (U+0000) or a lone surrogate"


def is_storable(value: str) -> bool:
    """Whether a database can store this as text.

    PostgreSQL refuses U+0000 in text, and its drivers fail on it; JSON allows escaped lone
    surrogates ("\\ud800"), which no driver can encode as UTF-8. Either would be a 500.
    """
    if "\x00" in value:
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def storable(value: str) -> str:
    if not is_storable(value):
        raise ValueError(NOT_STORABLE)
    return value


# Text a client sends to be stored: refused with a 422 when no database could store it.
Text = Annotated[str, AfterValidator(storable)]
