"""Helpers for the MySQL adapters' tests: a migrated test database and fresh state.

Plain functions, not fixtures: each MySQL test module declares a module-scoped pool from
:func:`open_test_pool`, and the contract modules request it only for their ``mysql``
parameter, so the memory and SQLite runs never start MariaDB.
"""

from __future__ import annotations

import pytest

from instagram_adapters.mysql.migrate import apply_migrations
from instagram_adapters.mysql.pool import MySqlPool
from instagram_adapters.mysql.social_graph import MySqlSocialGraph
from instagram_core.domain.social import Follow
from tests.engines import MariaDbServer


def mariadb(request: pytest.FixtureRequest) -> MariaDbServer:
    """The session's MariaDB server, started if need be."""
    server: MariaDbServer = request.getfixturevalue("mariadb_server")
    return server


def create_database(server: MariaDbServer, name: str) -> str:
    """A fresh database on the server; returns its URL."""
    admin = MySqlPool.from_url(server.url.rsplit("/", 1)[0] + "/", size=1)
    try:
        admin.execute(f"DROP DATABASE IF EXISTS {name}")
        admin.execute(f"CREATE DATABASE {name}")
    finally:
        admin.close()
    return server.url.rsplit("/", 1)[0] + "/" + name


def open_test_pool(server: MariaDbServer, size: int = 8, connect_timeout: float = 5.0) -> MySqlPool:
    """A pool on the server's test database, created and migrated if need be (idempotent)."""
    admin = MySqlPool.from_url(server.url.rsplit("/", 1)[0] + "/", size=1)
    try:
        admin.execute(f"CREATE DATABASE IF NOT EXISTS {server.database}")
    finally:
        admin.close()
    pool = MySqlPool.from_url(server.url, size=size, connect_timeout=connect_timeout)
    apply_migrations(pool)
    return pool


def reset(pool: MySqlPool) -> None:
    """Empty the tables (DELETE, not TRUNCATE: ``users`` is a foreign-key parent)."""
    pool.execute("DELETE FROM follows")
    pool.execute("DELETE FROM users")


def register_accounts(pool: MySqlPool, *user_ids: str) -> None:
    """Minimal ``users`` rows for ids a graph test follows; existing ones are kept.

    INSERT IGNORE rather than an upsert, as concurrent upserts of one new key deadlock; rows
    in key order, the order in which the graph locks them, so neither can wait on the other
    in a cycle."""
    ids = sorted(set(user_ids))
    pool.execute(
        "INSERT IGNORE INTO users (user_id, username, username_key, display_name, bio,"
        " password_hash, created_at) VALUES "
        + ", ".join(["(%s, %s, %s, '', '', '', '2024-01-01')"] * len(ids)),
        tuple(value for user_id in ids for value in (user_id, user_id, user_id)),
    )


class GraphWithAccounts(MySqlSocialGraph):
    """A MySQL graph that registers both ends of an edge as accounts before ``put``.

    MySQL edges need their accounts (foreign keys; the counters live on the users rows),
    which the core always has; the shared contract puts edges between bare ids."""

    def __init__(self, pool: MySqlPool) -> None:
        super().__init__(pool)
        self._accounts = pool

    def put(self, follow: Follow) -> Follow | None:
        register_accounts(self._accounts, follow.follower_id, follow.followee_id)
        return super().put(follow)
