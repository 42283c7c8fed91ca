"""The bounds a database server keeps for the service, in the units each server reads them:
set on every connection through the driver (app.core.db.driver_timeouts, in both modes)."""

import math


def milliseconds(seconds: float) -> int:
    """`seconds` in whole milliseconds, rounded up and at least 1: a server reads a bound of 0
    as none at all (PostgreSQL's statement_timeout, MySQL's and MariaDB's)."""
    return max(1, math.ceil(round(seconds * 1000, 6)))  # 1.1 * 1000 is 1100.0000000000002


def lock_wait_seconds(seconds: float) -> int:
    """`seconds` as innodb_lock_wait_timeout takes it: whole seconds, rounded up, at least 1."""
    return max(1, math.ceil(seconds))


def mysql_statement_bounds(seconds: float) -> str:
    """The SQL that bounds each statement of a MySQL or MariaDB session on the server, run
    once per connection (the driver's init_command): a run time of `seconds` (MariaDB's
    max_statement_time, in seconds; MySQL's max_execution_time, in milliseconds, which only
    SELECTs obey), rounded up to a millisecond, and a wait for a row lock of as many whole
    seconds, rounded up (innodb_lock_wait_timeout). Never 0, which would turn a bound off.
    Each server runs its own part: MySQL skips MariaDB's /*M! */ comments, MariaDB skips
    MySQL 5.7's /*!50708 */ ones. Past a bound the statement fails with error 1969, 3024
    or 1205, which the service answers with a 503 (app.core.errors).
    """
    statement_ms = milliseconds(seconds)
    return (
        f"SET SESSION innodb_lock_wait_timeout = {lock_wait_seconds(seconds)}"
        f" /*M!100108 , max_statement_time = {statement_ms / 1000:.3f} */"
        f" /*!50708 , max_execution_time = {statement_ms} */"
    )
