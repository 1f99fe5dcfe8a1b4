"""Fixtures the adapters' contract modules share.

Each ``test_<port>.py`` here runs the port's contract suite from
:mod:`instagram_core.testing` once per adapter: one ``Test<Adapter>`` class per adapter,
subclassing the contract and providing its one fixture (for example ``new_user_store``, a
factory of fresh, empty stores). Tests of one adapter only (its file surviving a reopen,
its engine's faults) stay below the classes as plain functions. To move a test written the
old way (a ``store`` fixture parametrized over ``request.param``) into the contract: if it
holds for every adapter, add it as a method of the contract class in
``src/instagram_core/testing/<port>.py``; if it is one adapter's, keep it here as a
function that builds that adapter. See docs/adapters.md.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from instagram_adapters.mysql.pool import MySqlPool
from instagram_adapters.sqlite.database import SqliteDatabase
from tests.mysql_support import mariadb, open_test_pool


@pytest.fixture
def new_sqlite_database(tmp_path: Path) -> Iterator[Callable[[], SqliteDatabase]]:
    """A factory of fresh SQLite files, each closed when the test ends."""
    databases: list[SqliteDatabase] = []

    def make() -> SqliteDatabase:
        databases.append(SqliteDatabase(tmp_path / f"contract-{len(databases)}.db"))
        return databases[-1]

    yield make
    for database in databases:
        database.close()


@pytest.fixture(scope="module")
def mysql_pool(request: pytest.FixtureRequest) -> Iterator[MySqlPool]:
    """A pool on the session's MariaDB (started on first use), migrated; one per module."""
    pool = open_test_pool(mariadb(request))
    yield pool
    pool.close()
