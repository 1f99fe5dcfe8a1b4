"""One Cassandra session per process: token-aware routing, LOCAL_QUORUM, prepared statements,
and the one place driver errors become the core's errors.

Every adapter talks to Cassandra through :class:`CassandraSession`. It prepares each CQL text
once (the driver then routes a bound statement straight to a replica of its partition), runs
it under the default profile (LOCAL_QUORUM reads and writes, LOCAL_SERIAL for lightweight
transactions) and turns an outage, a timeout or an overloaded node into ``Unavailable``, so a
stopped or slow Cassandra answers 503 at the HTTP edge, never 500.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from cassandra import ConsistencyLevel, DriverException, RequestExecutionException
from cassandra.cluster import (
    EXEC_PROFILE_DEFAULT,
    Cluster,
    ExecutionProfile,
    NoHostAvailable,
    Session,
)
from cassandra.concurrent import execute_concurrent_with_args
from cassandra.policies import (
    DCAwareRoundRobinPolicy,
    ExponentialReconnectionPolicy,
    TokenAwarePolicy,
)
from cassandra.query import BatchStatement, BatchType, PreparedStatement

from instagram_adapters.cassandra.settings import CassandraSettings
from instagram_core.domain.errors import Unavailable

# In-flight requests of one concurrent fan-out (a page of 50 ids is one wave).
CONCURRENCY = 64

# A table named after a DML keyword (upper case, as every statement here writes them), not
# yet qualified by a keyspace.
_TABLE_AFTER_KEYWORD = re.compile(r"\b(FROM|INTO|UPDATE|TRUNCATE)(\s+)([A-Za-z_]\w*)\b(?!\.)")

# The same in schema statements: ``CREATE TABLE IF NOT EXISTS t``, ``CREATE INDEX i ON t``.
_TABLE_IN_DDL = re.compile(
    r"\b(TABLE(?:\s+IF(?:\s+NOT)?\s+EXISTS)?|ON)(\s+)(?!IF\b)([A-Za-z_]\w*)\b(?!\.)"
)


def qualify(cql: str, keyspace: str) -> str:
    """``cql`` with every bare table name prefixed by ``keyspace``: the session never runs
    ``USE``, which Cassandra calls an anti-pattern with prepared statements (a statement
    prepared under one keyspace could be run under another)."""
    if not keyspace:
        return cql
    return _TABLE_AFTER_KEYWORD.sub(_prefixed(keyspace), cql)


def qualify_ddl(cql: str, keyspace: str) -> str:
    """A schema statement with its table qualified (index names stay bare, as CQL wants)."""
    if not keyspace:
        return cql
    return _TABLE_IN_DDL.sub(_prefixed(keyspace), qualify(cql, keyspace))


def _prefixed(keyspace: str) -> Callable[[re.Match[str]], str]:
    return lambda m: f"{m.group(1)}{m.group(2)}{keyspace}.{m.group(3)}"


@contextmanager
def unavailable_on_driver_error(what: str) -> Iterator[None]:
    """Every driver failure (no host, timeout, overloaded, unavailable replicas) is an
    outage to the core: the write may or may not have happened, and retrying is safe for
    our idempotent statements."""
    try:
        yield
    except (NoHostAvailable, RequestExecutionException, DriverException) as exc:
        raise Unavailable(f"Cassandra could not {what}: {type(exc).__name__}: {exc}") from exc


class CassandraSession:
    """A connected session for the application keyspace, with a cache of prepared
    statements. The driver session has no keyspace set: every statement is qualified with
    :attr:`keyspace` before it is prepared (see :func:`qualify`)."""

    def __init__(self, cluster: Cluster, session: Session, keyspace: str) -> None:
        self._cluster = cluster
        self._session = session
        self.keyspace = keyspace
        self._prepared: dict[str, PreparedStatement] = {}
        self._lock = threading.Lock()

    @classmethod
    def connect(cls, settings: CassandraSettings, keyspace: str | None = None) -> CassandraSession:
        """Connect; statements name tables of ``keyspace`` (if given: migrations connect
        without one, as they create it)."""
        profile = ExecutionProfile(
            load_balancing_policy=TokenAwarePolicy(
                DCAwareRoundRobinPolicy(local_dc=settings.local_dc)
            ),
            consistency_level=ConsistencyLevel.LOCAL_QUORUM,
            serial_consistency_level=ConsistencyLevel.LOCAL_SERIAL,
            request_timeout=settings.request_timeout,
        )
        cluster = Cluster(
            list(settings.contact_points),
            port=settings.port,
            execution_profiles={EXEC_PROFILE_DEFAULT: profile},
            connect_timeout=settings.connect_timeout,
            control_connection_timeout=settings.connect_timeout,
            # Back soon after a restart: 0.5 s doubling to 10 s between reconnection attempts.
            reconnection_policy=ExponentialReconnectionPolicy(0.5, 10.0),
            protocol_version=5,
        )
        try:
            with unavailable_on_driver_error("connect"):
                session = cluster.connect()
        except BaseException:
            cluster.shutdown()
            raise
        return cls(cluster, session, keyspace or "")

    @property
    def raw(self) -> Session:
        """The driver's session (benchmarks compare against it)."""
        return self._session

    def prepare(self, cql: str) -> PreparedStatement:
        statement = self._prepared.get(cql)
        if statement is None:
            with unavailable_on_driver_error("prepare a statement"):
                statement = self._session.prepare(qualify(cql, self.keyspace))
            with self._lock:
                self._prepared[cql] = statement
        return statement

    def execute(self, cql: str, params: Sequence[Any] = (), fetch_size: int | None = None) -> Any:
        """Run one prepared statement; the driver's ``ResultSet``."""
        bound = self.prepare(cql).bind(params)
        if fetch_size is not None:
            bound.fetch_size = fetch_size
        with unavailable_on_driver_error("run a query"):
            return self._session.execute(bound)

    def iterate(self, cql: str, params: Sequence[Any] = (), fetch_size: int = 100) -> Iterator[Any]:
        """The rows of a query, fetched ``fetch_size`` at a time as the caller consumes them
        (each further page is a round trip the driver makes with its paging state)."""
        result = self.execute(cql, params, fetch_size)
        with unavailable_on_driver_error("page through a query"):
            yield from result

    def ddl(self, cql: str) -> None:
        """Run one schema statement, unprepared (DDL is run once, never bound), with its
        table qualified."""
        with unavailable_on_driver_error("change the schema"):
            self._session.execute(qualify_ddl(cql, self.keyspace))

    def batch(self, statements: Sequence[tuple[str, Sequence[Any]]]) -> None:
        """Apply writes to several partitions atomically (a logged batch: all of them
        eventually happen, or none), e.g. a row and its index rows."""
        if not statements:
            return
        batch = BatchStatement(batch_type=BatchType.LOGGED)
        for cql, params in statements:
            batch.add(self.prepare(cql), params)
        with unavailable_on_driver_error("apply a batch"):
            self._session.execute(batch)

    def applied(self, cql: str, params: Sequence[Any] = ()) -> tuple[bool, Any]:
        """Run a lightweight transaction: whether it applied, and the row it saw."""
        result = self.execute(cql, params)
        row = result.one()
        return bool(result.was_applied), row

    def rows_of_many(self, cql: str, params: Sequence[Sequence[Any]]) -> list[list[Any]]:
        """Run one statement for each parameter tuple, at most :data:`CONCURRENCY` in
        flight at once: a page of N keys costs ceil(N / CONCURRENCY) round-trip waves, not N
        serial round trips. The rows of each, in order; any failure is ``Unavailable``."""
        if not params:
            return []
        statement = self.prepare(cql)
        with unavailable_on_driver_error("run a batch of reads"):
            results = execute_concurrent_with_args(
                self._session, statement, params, concurrency=CONCURRENCY, raise_on_first_error=True
            )
        return [list(result) for _, result in results]

    def ping(self) -> None:
        self.execute("SELECT release_version FROM system.local")

    def close(self) -> None:
        self._cluster.shutdown()
