import logging
import threading
import uuid

import jwt
import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from app.core import security
from app.core.config import (
    DEFAULT_SECRET_KEY,
    SECRET_KEY_MIN_DISTINCT,
    SECRET_KEY_MIN_LENGTH,
    Settings,
    get_settings,
)

from app import main
from tests.unit.test_config import PRODUCTION


def test_a_hashed_password_verifies_and_a_wrong_one_does_not() -> None:
    hashed = security.hash_password("a-long-password")

    assert hashed.startswith("$argon2")
    assert security.verify_password("a-long-password", hashed)
    assert not security.verify_password("another-password", hashed)


# A hash made at argon2-cffi's defaults (RFC 9106's low-memory profile): Argon2id, 64 MiB,
# 3 passes, 4 lanes.
FULL_COST_HASH = (
    "$argon2id$v=19$m=65536,t=3,p=4"
    "$oe3AM80D8qv2mddlSgq1HQ$9xIH7+7wXPhUy9WuwMMLqd7wxpQEz3DYST7lwErUH8A"
)


def test_production_hashes_at_full_cost() -> None:
    # The suite hashes at the lowest cost (the cheap_password_hashing fixture swaps
    # security.password_hash); this is what it stands in for. A hasher asks for a rehash
    # of any hash made with parameters other than its own; no 64 MiB hash is computed here.
    hasher = security.PRODUCTION_PASSWORD_HASH.current_hasher

    assert not hasher.check_needs_rehash(FULL_COST_HASH)


def test_argon2_waits_for_a_free_slot(monkeypatch: pytest.MonkeyPatch) -> None:
    slots = threading.BoundedSemaphore(1)
    monkeypatch.setattr(security, "hashing_slots", slots)
    done = threading.Event()

    def hash_a_password() -> None:
        security.hash_password("a-long-password")
        done.set()

    hashing = threading.Thread(target=hash_a_password)

    with slots:  # every slot taken
        hashing.start()
        assert not done.wait(0.02)
    assert done.wait(5)
    hashing.join()


@pytest.mark.parametrize("minutes", [0, 60 * 24 * 30 + 1])
def test_a_token_lifetime_of_nothing_or_over_30_days_is_refused(minutes: int) -> None:
    with pytest.raises(ValidationError):
        Settings(access_token_expire_minutes=minutes)


def test_hashing_the_same_password_twice_gives_different_hashes() -> None:
    assert security.hash_password("a-long-password") != security.hash_password("a-long-password")


def test_verifying_against_no_user_still_does_the_work_and_fails() -> None:
    assert security.verify_password("a-long-password", None) is False


def test_a_token_decodes_to_the_user_it_was_issued_for() -> None:
    user_id = uuid.uuid4()
    token = security.create_access_token(user_id, get_settings())

    assert security.decode_access_token(token, get_settings()) == user_id


def test_a_token_carries_expiry_issuer_and_audience() -> None:
    token = security.create_access_token(uuid.uuid4(), get_settings())

    claims = jwt.decode(token, options={"verify_signature": False})

    assert {"exp", "iat", "iss", "aud", "sub"} <= claims.keys()


@pytest.mark.parametrize("token", ["", "garbage", "a.b.c"])
def test_garbage_tokens_decode_to_nobody(token: str) -> None:
    assert security.decode_access_token(token, get_settings()) is None


def test_a_token_whose_subject_is_not_an_id_decodes_to_nobody() -> None:
    settings = get_settings()
    claims = {"sub": "admin", "exp": 4102444800, "iat": 0, "iss": settings.jwt_issuer}
    token = jwt.encode({**claims, "aud": settings.jwt_audience}, settings.secret_key)

    assert security.decode_access_token(token, settings) is None


@pytest.mark.parametrize(
    ("secret_key", "warned"),
    [
        pytest.param(DEFAULT_SECRET_KEY, True, id="development-key"),
        pytest.param("s" * 64, False, id="own-key"),
    ],
)
def test_starting_with_the_development_key_says_so(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, secret_key: str, warned: bool
) -> None:
    # Outside production the development key is accepted, and must not go unnoticed.
    monkeypatch.setattr(main, "configure_logging", lambda **_: None)  # keeps caplog's handler
    app = main.create_app(Settings(secret_key=secret_key))
    with caplog.at_level(logging.WARNING, logger="app"), TestClient(app):  # starts, stops
        pass

    assert (security.DEVELOPMENT_KEY_WARNING in caplog.messages) is warned


def insecure_keys() -> list[object]:
    """Keys that are long enough and still no secret, built from the rules themselves."""
    long_enough = SECRET_KEY_MIN_LENGTH
    few = "".join(chr(ord("a") + i) for i in range(SECRET_KEY_MIN_DISTINCT - 1))
    return [
        pytest.param(None, id="default-key"),
        pytest.param("k" * (long_enough - 1), id="short"),
        *(
            pytest.param(space * long_enough, id=f"spaces-{ord(space):x}")
            for space in (" ", "\t", "\u00a0", "\u3000")
        ),
        pytest.param(PRODUCTION["secret_key"][:20] + " " + PRODUCTION["secret_key"], id="a-space"),
        pytest.param(few * (long_enough // len(few) + 1), id="too-few-characters"),
    ]


@pytest.mark.parametrize("key", insecure_keys())
def test_production_refuses_an_insecure_secret_key(key: str | None) -> None:
    settings = {**PRODUCTION, "secret_key": key} if key else {**PRODUCTION}
    if key is None:
        del settings["secret_key"]

    with pytest.raises(ValidationError, match="SECRET_KEY"):
        Settings.model_validate(settings)
