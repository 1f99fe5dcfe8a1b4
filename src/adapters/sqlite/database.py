"""One SQLite file shared by every SQLite adapter of a process.

SQLite serialises writers anyway, so writes share one connection guarded by a re-entrant lock.
Reads outside a transaction use a connection of their own thread: in WAL mode readers never
wait for the writer, so a feed read does not queue behind another request's fsync. WAL
journaling with ``synchronous=FULL`` makes every committed transaction durable before it is
acknowledged.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from instagram_core.domain.errors import Unavailable

Params = Sequence[Any] | dict[str, Any]


class _ReadConnection:
    """A thread's read connection and the lock that keeps :meth:`SqliteDatabase.close` from
    closing it under a running statement: closing a connection that another thread is
    stepping through crashes the interpreter, it does not raise."""

    __slots__ = ("conn", "lock")

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.lock = threading.Lock()


class SqliteDatabase:
    """A thread-safe connection with explicit transactions.

    Use ``":memory:"`` as the path for a throw-away database (tests)."""

    def __init__(self, path: str | Path) -> None:
        self._path = str(path)
        if self._path != ":memory:":
            Path(self._path).parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self._depth = 0
        self._writer_thread: int | None = None
        self._readers = threading.local()
        self._reader_conns: list[_ReadConnection] = []
        self._closed = False
        self._conn = self._connect()
        try:
            self._conn.execute("PRAGMA journal_mode=WAL")
        except sqlite3.Error as exc:
            raise Unavailable(f"cannot open the database at {self._path}: {exc}") from exc

    def _connect(self) -> sqlite3.Connection:
        try:
            conn = sqlite3.connect(
                self._path, check_same_thread=False, isolation_level=None, timeout=30
            )
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA synchronous=FULL")
            conn.execute("PRAGMA foreign_keys=ON")
        except sqlite3.Error as exc:
            raise Unavailable(f"cannot open the database at {self._path}: {exc}") from exc
        return conn

    def _reader(self) -> _ReadConnection | None:
        """This thread's read connection, or ``None`` to read through the writer: inside a
        transaction, so that a block reads its own uncommitted writes, and always for
        ``:memory:`` databases, which are per connection."""
        if self._path == ":memory:" or self._writer_thread == threading.get_ident():
            return None
        reader: _ReadConnection | None = getattr(self._readers, "conn", None)
        if reader is None:
            reader = _ReadConnection(self._connect())
            with self._lock:
                if self._closed:
                    reader.conn.close()
                    raise Unavailable("the database is closed")
                self._reader_conns.append(reader)
            self._readers.conn = reader
        return reader

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """Run the block atomically; nested blocks join the outer transaction."""
        with self._lock:
            if self._closed:
                raise Unavailable("the database is closed")
            outermost = self._depth == 0
            try:
                if outermost:
                    self._conn.execute("BEGIN IMMEDIATE")
                    self._writer_thread = threading.get_ident()
                self._depth += 1
                try:
                    yield self._conn
                finally:
                    self._depth -= 1
                if outermost:
                    self._conn.execute("COMMIT")
            except BaseException as exc:
                if outermost and self._conn.in_transaction:
                    self._conn.execute("ROLLBACK")
                if _is_outage(exc):
                    raise Unavailable(f"database error: {exc}") from exc
                raise
            finally:
                if outermost:
                    self._writer_thread = None

    def execute(self, sql: str, params: Params = ()) -> sqlite3.Cursor:
        """Run one statement in its own transaction (or the caller's)."""
        with self.transaction() as conn:
            return conn.execute(sql, params)

    def query(self, sql: str, params: Params = ()) -> list[sqlite3.Row]:
        """Read rows; reads see every committed write (and, inside a transaction, its own)."""
        reader = self._reader()
        try:
            if reader is None:
                with self._lock:
                    return self._conn.execute(sql, params).fetchall()
            with reader.lock:
                if self._closed:
                    raise Unavailable("the database is closed")
                return reader.conn.execute(sql, params).fetchall()
        except sqlite3.Error as exc:
            if _is_outage(exc):
                raise Unavailable(f"database error: {exc}") from exc
            raise

    def query_one(self, sql: str, params: Params = ()) -> sqlite3.Row | None:
        rows = self.query(sql, params)
        return rows[0] if rows else None

    def apply_schema(self, ddl: str) -> None:
        """Create tables and indexes idempotently (``CREATE ... IF NOT EXISTS`` statements)."""
        with self._lock:
            try:
                self._conn.executescript(ddl)
            except sqlite3.Error as exc:
                raise Unavailable(f"cannot create the schema: {exc}") from exc

    def ensure_columns(self, table: str, columns: dict[str, str]) -> None:
        """Add the columns a newer schema has to a table made by an older one (SQLite's
        ``CREATE TABLE IF NOT EXISTS`` leaves an existing table as it was)."""
        with self.transaction() as conn:
            present = {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}
            for name, declaration in columns.items():
                if name not in present:
                    conn.execute(f"ALTER TABLE {table} ADD COLUMN {name} {declaration}")

    def close(self) -> None:
        """Close every connection, each once no statement is running on it; later reads and
        writes raise :class:`Unavailable`."""
        with self._lock:
            self._closed = True
            readers, self._reader_conns = self._reader_conns, []
            self._conn.close()
        for reader in readers:
            with reader.lock:
                reader.conn.close()


def _is_outage(exc: BaseException) -> bool:
    """Every SQLite failure but a constraint violation (which adapters turn into
    ``Conflict``) means the store cannot serve: locked, corrupt, closed or out of disk."""
    return isinstance(exc, sqlite3.Error) and not isinstance(exc, sqlite3.IntegrityError)
