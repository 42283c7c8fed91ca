"""Failed logins slow an attacker down: past a number of failures in a window, per account
and per client, further attempts get a 429 without a password check.

The counts live in the database (the login_failures table), so every worker and replica
sees the same ones, and the window runs on the database's clock. Attempts that start
together may each pass the check before any of them has failed: the limit can be passed
by as many attempts as arrive at once, no more.
"""

import hashlib
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from fastapi import Request
from sqlalchemy import delete, func, or_, select, type_coerce
{{ cookiecutter.__session_import }}

from app.auth.models import CLIENT_MAX_LENGTH, LoginFailure
from app.core.config import Settings
from app.core.errors import TooManyRequestsError
from app.core.models import MYSQL_DIALECTS, UTCDateTime

TOO_MANY_ATTEMPTS = "Too many failed logins, try again later"
UNKNOWN_CLIENT = "unknown"


@dataclass(frozen=True)
class Attempt:
    """Who is trying: the account as a digest of its normalized email, and the client's
    address (behind a proxy, the one uvicorn's --proxy-headers reads)."""

    account: str
    client: str

    @classmethod
    def of(cls, request: Request, email: str) -> "Attempt":
        digest = hashlib.sha256(email.encode("utf-8", "surrogatepass")).hexdigest()
        client = request.client.host if request.client else UNKNOWN_CLIENT
        return cls(account=digest, client=client[:CLIENT_MAX_LENGTH])


{{ cookiecutter.__async }}def database_now(session: {{ cookiecutter.__session }}) -> datetime:
    """The database's clock, in UTC."""
    # MySQL's NOW() is in the server's time zone; its UTC_TIMESTAMP is not.
    mysql = session.get_bind().dialect.name in MYSQL_DIALECTS
    now = func.utc_timestamp(6) if mysql else func.now()
    result = {{ cookiecutter.__await }}session.execute(select(type_coerce(now, UTCDateTime())))
    return result.scalar_one()


{{ cookiecutter.__async }}def check(session: {{ cookiecutter.__session }}, attempt: Attempt, settings: Settings) -> datetime:
    """Raises TooManyRequestsError, with the seconds until the oldest counted failure
    leaves the window, when the account or the client is at its limit. Returns the
    database's time of the check, the time a failure is recorded at."""
    now = {{ cookiecutter.__await }}database_now(session)
    window = timedelta(seconds=settings.login_failure_window)
    limits = (
        (LoginFailure.account == attempt.account, settings.login_failures_per_account),
        (LoginFailure.client == attempt.client, settings.login_failures_per_client),
    )
    for whose, limit in limits:
        statement = select(func.count(), func.min(LoginFailure.failed_at)).where(
            whose, LoginFailure.failed_at > now - window
        )
        result = {{ cookiecutter.__await }}session.execute(statement)
        count, oldest = result.one()
        if count >= limit:
            wait = (oldest + window - now).total_seconds()
            raise TooManyRequestsError(TOO_MANY_ATTEMPTS, retry_after=max(1, math.ceil(wait)))
    return now


{{ cookiecutter.__async }}def record_failure(
    session: {{ cookiecutter.__session }}, attempt: Attempt, failed_at: datetime, settings: Settings
) -> None:
    """Counts a failed login, committed at once: the 401 that follows rolls back the rest.

    The account's and the client's failures that have left the window go at the same time,
    so the table holds no more than the windows' worth of rows for anyone still failing.
    """
    expired = failed_at - timedelta(seconds=settings.login_failure_window)
    whose = or_(LoginFailure.account == attempt.account, LoginFailure.client == attempt.client)
    {{ cookiecutter.__await }}session.execute(delete(LoginFailure).where(whose, LoginFailure.failed_at <= expired))
    session.add(LoginFailure(account=attempt.account, client=attempt.client, failed_at=failed_at))
    {{ cookiecutter.__await }}session.commit()


{{ cookiecutter.__async }}def forget_failures(session: {{ cookiecutter.__session }}, attempt: Attempt) -> None:
    """A successful login clears its account's failures (not its client's)."""
    {{ cookiecutter.__await }}session.execute(delete(LoginFailure).where(LoginFailure.account == attempt.account))
