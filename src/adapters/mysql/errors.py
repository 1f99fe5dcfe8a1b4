"""The one place pymysql errors become the core's errors, so none reaches the core.

Outages (refused, lost or killed connections, timeouts, a server going away) become
``Unavailable``; a deadlock becomes :class:`Contention`, an ``Unavailable`` that the pool
retries because InnoDB has already rolled the whole transaction back. Adapters catch the
constraint violations their port gives a meaning to (see :func:`error_code`) before this
generic mapping applies.
"""

from __future__ import annotations

import pymysql

from instagram_core.domain.errors import Conflict, DomainError, InvalidInput, Unavailable

DUPLICATE_KEY = 1062
MISSING_PARENT_ROW = 1452  # a foreign key names a row that does not exist
LOCK_WAIT_TIMEOUT = 1205
DEADLOCK = 1213
_STATEMENT_ONLY = frozenset({LOCK_WAIT_TIMEOUT, DEADLOCK})


class Contention(Unavailable):
    """Transactions collided (deadlock, or a race on a new row); running the whole
    transaction again is safe and usually succeeds."""


def error_code(exc: BaseException) -> int | None:
    """The server's (or client library's) numeric error code, if the error carries one."""
    args = getattr(exc, "args", ())
    return args[0] if args and isinstance(args[0], int) else None


def to_domain_error(exc: pymysql.MySQLError) -> DomainError:
    """The core error that stands for ``exc``; raise it ``from exc``."""
    code = error_code(exc)
    if isinstance(exc, pymysql.IntegrityError):
        return Conflict("the write clashes with stored data")
    if isinstance(exc, pymysql.DataError):
        return InvalidInput("a value does not fit the store")
    if code == DEADLOCK:
        return Contention(f"MySQL deadlock: {exc}")
    return Unavailable(f"MySQL is unavailable: {exc}")


def breaks_connection(exc: pymysql.MySQLError) -> bool:
    """Whether the connection may be unusable after ``exc`` and must not be reused.

    Constraint, data and SQL errors leave it healthy; so do lock timeouts and deadlocks.
    Anything else (lost, killed, shut down, protocol trouble) retires it."""
    if isinstance(exc, pymysql.InterfaceError):
        return True
    if isinstance(exc, pymysql.OperationalError | pymysql.InternalError):
        return error_code(exc) not in _STATEMENT_ONLY
    return False
