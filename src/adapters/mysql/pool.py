"""A small thread-safe pool of pymysql connections with explicit transactions.

Connections are in autocommit mode (see :mod:`instagram_adapters.mysql.connect`), so a read is one
statement; :meth:`MySqlPool.transaction` wraps writes in BEGIN ... COMMIT. The pool is the
boundary where pymysql errors become core errors (:mod:`instagram_adapters.mysql.errors`).

:meth:`MySqlPool.unit` binds one transaction to the calling thread (a context variable):
every statement the adapters run on this pool inside it joins that transaction, so several
stores' writes and the outbox row of their event commit together
(:mod:`instagram_adapters.mysql.unit_of_work`).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from typing import Any, TypeVar

import pymysql

from instagram_adapters.mysql.connect import Connection, Cursor, Params, connector
from instagram_adapters.mysql.errors import Contention, breaks_connection, to_domain_error
from instagram_core.domain.errors import Unavailable

T = TypeVar("T")


class MySqlPool:
    """At most ``size`` connections, made on demand by ``connect`` and reused newest first.

    A connection idle for more than ``ping_after`` seconds, or idle since a failure was
    seen, is pinged before use and replaced if the server dropped it; so after an outage
    the pool recovers on its own. Every pymysql error leaving it is a core error."""

    def __init__(
        self,
        connect: Callable[[], Connection],
        size: int = 8,
        checkout_timeout: float = 10.0,
        ping_after: float = 1.0,
    ) -> None:
        if size < 1:
            raise ValueError("a pool needs at least one connection")
        self._connect = connect
        self._slots = threading.BoundedSemaphore(size)
        self._lock = threading.Lock()
        self._idle: list[tuple[Connection, float]] = []  # (connection, returned at)
        self._checkout_timeout = checkout_timeout
        self._ping_after = ping_after
        self._failed_at = float("-inf")
        self._closed = False
        self._bound: ContextVar[Connection | None] = ContextVar(
            f"mysql-unit-{id(self)}", default=None
        )

    @classmethod
    def from_url(
        cls,
        url: str,
        size: int = 8,
        connect_timeout: float = 5.0,
        read_timeout: float = 30.0,
        lock_wait_timeout: int = 10,
    ) -> MySqlPool:
        """A pool for ``mysql://user:password@host:port/database?charset=utf8mb4``.

        ``read_timeout`` bounds a hung server; keep ``lock_wait_timeout`` below it so a lock
        wait fails as a timeout from the server rather than a cut connection."""
        return cls(connector(url, connect_timeout, read_timeout, lock_wait_timeout), size=size)

    @contextmanager
    def connection(self) -> Iterator[Connection]:
        """Check a connection out for the block; pymysql errors leave it as core errors.

        Inside :meth:`unit` this is the unit's connection, in its open transaction."""
        bound = self._bound.get()
        if bound is not None:
            try:
                yield bound
            except pymysql.MySQLError as exc:
                raise to_domain_error(exc) from exc
            return
        conn = self._checkout()
        try:
            yield conn
        except pymysql.MySQLError as exc:
            if breaks_connection(exc):
                self._failed_at = time.monotonic()
                _close_quietly(conn)
            raise to_domain_error(exc) from exc
        except BaseException as exc:
            if not isinstance(exc, Exception):  # interrupted mid-protocol: state unknown
                _close_quietly(conn)
            raise
        finally:
            self._checkin(conn)

    @contextmanager
    def unit(self) -> Iterator[Cursor]:
        """One transaction that every statement on this pool in this thread (or task) joins
        until the block ends: COMMIT after it, ROLLBACK if anything escapes it."""
        if self._bound.get() is not None:
            raise RuntimeError("a unit of work is already open on this pool")
        with self.transaction() as cur:
            token = self._bound.set(cur.connection)
            try:
                yield cur
            finally:
                self._bound.reset(token)

    @contextmanager
    def transaction(self) -> Iterator[Cursor]:
        """BEGIN before the block, COMMIT after it, ROLLBACK if anything escapes it.

        Inside :meth:`unit` the block joins the unit's transaction, which commits later."""
        bound = self._bound.get()
        if bound is not None:
            with self.connection() as conn, conn.cursor() as cur:
                yield cur
            return
        with self.connection() as conn:
            conn.begin()
            try:
                with conn.cursor() as cur:
                    yield cur
                conn.commit()
            except BaseException:
                try:
                    conn.rollback()
                except pymysql.MySQLError:
                    _close_quietly(conn)  # the server rolls back when the session ends
                raise

    def run_in_transaction(self, work: Callable[[Cursor], T], attempts: int = 3) -> T:
        """Run ``work`` in a transaction, again (up to ``attempts`` times) on
        :class:`Contention`: deadlock victims and races the adapter detected itself.

        Inside :meth:`unit` it runs once: a rolled-back transaction can only be retried
        whole, which the unit of work does."""
        if self._bound.get() is not None:
            with self.transaction() as cur:
                return work(cur)
        for _ in range(attempts - 1):
            try:
                with self.transaction() as cur:
                    return work(cur)
            except Contention:
                continue
        with self.transaction() as cur:
            return work(cur)

    def query(self, sql: str, params: Params = ()) -> list[dict[str, Any]]:
        """Rows of one autocommitted statement, as dicts keyed by column name."""
        with self.connection() as conn, conn.cursor() as cur:
            cur.execute(sql, params)
            return list(cur.fetchall())

    def execute(self, sql: str, params: Params = ()) -> int:
        """Run one autocommitted statement; the number of rows it matched."""
        with self.connection() as conn, conn.cursor() as cur:
            return int(cur.execute(sql, params))

    def close(self) -> None:
        """Close idle connections now and busy ones as they come back."""
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
        for conn, _ in idle:
            _close_quietly(conn)

    def _checkout(self) -> Connection:
        if self._closed:
            raise Unavailable("the MySQL pool is closed")
        if not self._slots.acquire(timeout=self._checkout_timeout):
            raise Unavailable("every MySQL connection is busy")
        try:
            conn = self._reuse_idle()
            return self._new_connection() if conn is None else conn
        except BaseException:
            self._slots.release()
            raise

    def _reuse_idle(self) -> Connection | None:
        while True:
            with self._lock:
                if not self._idle:
                    return None
                conn, returned_at = self._idle.pop()
            stale = returned_at <= self._failed_at
            if not stale and time.monotonic() - returned_at <= self._ping_after:
                return conn
            try:
                conn.ping()
                return conn
            except pymysql.MySQLError:
                self._failed_at = time.monotonic()
                _close_quietly(conn)

    def _new_connection(self) -> Connection:
        try:
            return self._connect()
        except pymysql.MySQLError as exc:
            self._failed_at = time.monotonic()
            raise to_domain_error(exc) from exc

    def _checkin(self, conn: Connection) -> None:
        try:
            with self._lock:
                if conn.open and not self._closed:
                    self._idle.append((conn, time.monotonic()))
                    return
            _close_quietly(conn)
        finally:
            self._slots.release()


def _close_quietly(conn: Connection) -> None:
    """Close a connection that may already be closed or dead (which raises in pymysql)."""
    with suppress(pymysql.MySQLError):
        conn.close()
