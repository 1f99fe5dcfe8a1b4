"""Every restrictions adapter passes :class:`~instagram_core.testing.RestrictionsContract`,
built with the social graph on the same store; below, the SQLite adapter's own tests.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path

import pytest

from instagram_adapters.memory.restrictions import InMemoryRestrictions
from instagram_adapters.memory.social_graph import InMemorySocialGraph
from instagram_adapters.mysql.pool import MySqlPool
from instagram_adapters.mysql.restrictions import MySqlRestrictions
from instagram_adapters.sqlite.database import SqliteDatabase
from instagram_adapters.sqlite.restrictions import SqliteRestrictions
from instagram_adapters.sqlite.social_graph import SqliteSocialGraph
from instagram_core.testing.restrictions import RestrictionsContract, RestrictionsPair
from tests.mysql_support import GraphWithAccounts, register_accounts, reset


class TestInMemoryRestrictions(RestrictionsContract):
    @pytest.fixture
    def new_restrictions_pair(self) -> Callable[[], RestrictionsPair]:
        def make() -> RestrictionsPair:
            graph = InMemorySocialGraph()
            return RestrictionsPair(graph, InMemoryRestrictions(graph))

        return make


class TestSqliteRestrictions(RestrictionsContract):
    @pytest.fixture
    def new_restrictions_pair(
        self, new_sqlite_database: Callable[[], SqliteDatabase]
    ) -> Callable[[], RestrictionsPair]:
        def make() -> RestrictionsPair:
            database = new_sqlite_database()
            return RestrictionsPair(SqliteSocialGraph(database), SqliteRestrictions(database))

        return make


class TestMySqlRestrictions(RestrictionsContract):
    @pytest.fixture
    def new_restrictions_pair(self, mysql_pool: MySqlPool) -> Callable[[], RestrictionsPair]:
        def make() -> RestrictionsPair:
            reset(mysql_pool)  # one database per session; emptied for every pair
            return RestrictionsPair(
                GraphWithAccounts(mysql_pool),
                MySqlRestrictions(mysql_pool),
                partial(register_accounts, mysql_pool),
            )

        return make


def test_sqlite_restrictions_survive_reopening(tmp_path: Path) -> None:
    db = SqliteDatabase(tmp_path / "db.sqlite3")
    SqliteRestrictions(db).block("ann", "bob")
    SqliteRestrictions(db).mute("ann", "cat")
    db.close()
    reopened = SqliteDatabase(tmp_path / "db.sqlite3")
    again = SqliteRestrictions(reopened)
    assert again.blocked_between("bob", "ann")
    assert again.muted_ids("ann") == {"cat"}
    reopened.close()
