"""Cassandra schema migrations, versioned like the MySQL ones: numbered ``.cql`` files in
``migrations/`` applied in order, each recorded in the keyspace's ``schema_migrations``.

The keyspace itself comes from configuration (its name and replication), so one file set
serves a laptop (SimpleStrategy, one replica) and a multi-DC cluster. CQL DDL has no
transactions, so files write it idempotently (``IF NOT EXISTS``) and a file that failed
half-way is simply run again. A lightweight-transaction lease serialises concurrent runs:
two processes issuing the same DDL at once can leave the nodes disagreeing on the schema.
"""

from __future__ import annotations

import re
import time
import uuid
from importlib.resources import files

from instagram_adapters.cassandra.session import CassandraSession
from instagram_adapters.cassandra.settings import CassandraSettings, check_keyspace
from instagram_adapters.mysql.migrate import statements
from instagram_core.domain.errors import Unavailable

_FILE_NAME = re.compile(r"(\d{4}_[a-z0-9_]+)\.cql")
_LEASE_SECONDS = 120
_LEASE_WAIT_SECONDS = 60.0


def available_migrations() -> list[tuple[str, str]]:
    """(version, CQL) of every migration file shipped with the package, in order."""
    found: list[tuple[str, str]] = []
    for entry in files("instagram_adapters.cassandra").joinpath("migrations").iterdir():
        match = _FILE_NAME.fullmatch(entry.name)
        if match is not None:
            found.append((match.group(1), entry.read_text(encoding="utf-8")))
    return sorted(found)


def apply_migrations(settings: CassandraSettings) -> list[str]:
    """Create the keyspace if needed and apply the pending migrations in order; the
    versions applied (empty if none were)."""
    keyspace = check_keyspace(settings.keyspace)
    session = CassandraSession.connect(settings)
    try:
        session.ddl(
            f"CREATE KEYSPACE IF NOT EXISTS {keyspace} WITH replication = {settings.replication}"
        )
        session.ddl(
            f"CREATE TABLE IF NOT EXISTS {keyspace}.schema_migrations "
            "(version text PRIMARY KEY, applied_us bigint)"
        )
        session.ddl(
            f"CREATE TABLE IF NOT EXISTS {keyspace}.schema_lease "
            "(name text PRIMARY KEY, owner text)"
        )
        session.keyspace = keyspace  # from here on, statements name its tables
        owner = uuid.uuid4().hex
        _take_lease(session, owner)
        try:
            done = {row.version for row in session.execute("SELECT version FROM schema_migrations")}
            applied: list[str] = []
            for version, cql in available_migrations():
                if version not in done:
                    for statement in statements(cql):
                        session.ddl(statement)
                    session.execute(
                        "INSERT INTO schema_migrations (version, applied_us) VALUES (?, ?)",
                        (version, time.time_ns() // 1000),
                    )
                    applied.append(version)
            return applied
        finally:
            session.execute(
                "DELETE FROM schema_lease WHERE name = 'migrate' IF owner = ?", (owner,)
            )
    finally:
        session.close()


def _take_lease(session: CassandraSession, owner: str) -> None:
    """Hold the ``migrate`` lease (it lapses by TTL if its holder dies)."""
    deadline = time.monotonic() + _LEASE_WAIT_SECONDS
    while True:
        taken, _ = session.applied(
            "INSERT INTO schema_lease (name, owner) VALUES ('migrate', ?) IF NOT EXISTS "
            f"USING TTL {_LEASE_SECONDS}",
            (owner,),
        )
        if taken:
            return
        if time.monotonic() > deadline:
            raise Unavailable("another process is migrating the Cassandra schema")
        time.sleep(0.5)
