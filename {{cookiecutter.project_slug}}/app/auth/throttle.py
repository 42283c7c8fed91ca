"""Failed logins slow an attacker down: past a number of failures in a window, per account
and per client, further attempts get a 429 without a password check.

The counts live in the database (the login_failures table), so every worker and replica
sees the same ones, and the window runs on the database's clock. An attempt is counted
before it is compared with the limit (admit): attempts that arrive together cannot all
pass the check before any of them is counted, so no more than the limit are checked.
"""

import hashlib
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from fastapi import Request
from sqlalchemy import ColumnElement, delete, func, or_, select, type_coerce
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


{{ cookiecutter.__async }}def admit(session: {{ cookiecutter.__session }}, attempt: Attempt, settings: Settings) -> None:
    """Counts the attempt as a failed login, committed, before its password is checked; a
    successful login takes the count back (forget_failures).

    Then raises TooManyRequestsError, with the seconds until the oldest counted failure
    leaves the window, when the account or the client is past its limit; the refused
    attempt's own count is withdrawn first, so refusals do not extend the wait.

    Counting before comparing makes each limit exact on every database: an attempt sees
    every attempt committed before its count, so however many arrive at once, no more than
    the limit get to a password check. An attempt that ends any other way (a 503 for want
    of an Argon2 turn, a lost connection) stays counted. Failures of the same account or
    client that have left the window are deleted on the way, so the table holds no more
    than the windows' worth of rows for anyone still failing.
    """
    now = {{ cookiecutter.__await }}database_now(session)
    window = timedelta(seconds=settings.login_failure_window)
    failure = LoginFailure(account=attempt.account, client=attempt.client, failed_at=now)
    session.add(failure)
    {{ cookiecutter.__await }}session.commit()
    # In a transaction of its own, after the insert's: deleting in the insert's transaction,
    # two attempts of one client each held rows the other's insert waited on (a deadlock on
    # MySQL). A transaction that only deletes waits for others, never in a circle.
    account, client = LoginFailure.account == attempt.account, LoginFailure.client == attempt.client
    {{ cookiecutter.__await }}delete_failures(session, or_(account, client), LoginFailure.failed_at <= now - window)
    {{ cookiecutter.__await }}session.commit()

    limits = (
        (account, settings.login_failures_per_account),
        (client, settings.login_failures_per_client),
    )
    for whose, limit in limits:
        statement = select(func.count(), func.min(LoginFailure.failed_at)).where(
            whose, LoginFailure.failed_at > now - window
        )
        result = {{ cookiecutter.__await }}session.execute(statement)
        count, oldest = result.one()
        if count > limit:  # this attempt's own failure included
            {{ cookiecutter.__await }}session.delete(failure)
            {{ cookiecutter.__await }}session.commit()
            wait = (oldest + window - now).total_seconds()
            raise TooManyRequestsError(TOO_MANY_ATTEMPTS, retry_after=max(1, math.ceil(wait)))
    {{ cookiecutter.__await }}session.commit()  # the read above ends here, not across the password check


{{ cookiecutter.__async }}def forget_failures(session: {{ cookiecutter.__session }}, attempt: Attempt) -> None:
    """A successful login clears its account's failures (not its client's)."""
    {{ cookiecutter.__await }}delete_failures(session, LoginFailure.account == attempt.account)


{{ cookiecutter.__async }}def delete_failures(session: {{ cookiecutter.__session }}, *where: ColumnElement[bool]) -> None:
    """Deletes the failures `where` matches, found first and then deleted by primary key: a
    DELETE by range takes InnoDB's gap locks, and logins pruning and counting at once then
    deadlock on MySQL (error 1213)."""
    found = {{ cookiecutter.__await }}session.scalars(select(LoginFailure.id).where(*where))
    ids = found.all()
    if ids:
        {{ cookiecutter.__await }}session.execute(delete(LoginFailure).where(LoginFailure.id.in_(ids)))
