"""Every social graph passes :class:`~instagram_core.testing.SocialGraphContract`; below the
adapters' own tests (durability, MySQL's counters, locks and batches).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from instagram_adapters.memory.social_graph import InMemorySocialGraph
from instagram_adapters.mysql.pool import MySqlPool
from instagram_adapters.mysql.social_graph import MySqlSocialGraph
from instagram_adapters.sqlite.database import SqliteDatabase
from instagram_adapters.sqlite.social_graph import SqliteSocialGraph
from instagram_core.domain.errors import NotFound
from instagram_core.ports import SocialGraph
from instagram_core.testing.social_graph import ACTIVE, PENDING, SocialGraphContract, counts, edge
from tests.mysql_support import GraphWithAccounts, register_accounts, reset


class TestInMemorySocialGraph(SocialGraphContract):
    @pytest.fixture
    def new_social_graph(self) -> Callable[[], SocialGraph]:
        return InMemorySocialGraph


class TestSqliteSocialGraph(SocialGraphContract):
    @pytest.fixture
    def new_social_graph(
        self, new_sqlite_database: Callable[[], SqliteDatabase]
    ) -> Callable[[], SocialGraph]:
        return lambda: SqliteSocialGraph(new_sqlite_database())


class TestMySqlSocialGraph(SocialGraphContract):
    @pytest.fixture
    def new_social_graph(self, mysql_pool: MySqlPool) -> Callable[[], SocialGraph]:
        def make() -> SocialGraph:
            reset(mysql_pool)  # one database per session; emptied for every graph
            return GraphWithAccounts(mysql_pool)

        return make


def test_sqlite_graph_survives_reopening_the_file(tmp_path: Path) -> None:
    path = tmp_path / "graph.db"
    db = SqliteDatabase(path)
    graph = SqliteSocialGraph(db)
    graph.put(edge("a", "b", at=1))
    graph.put(edge("c", "b", PENDING, at=2))
    db.close()

    reopened = SqliteDatabase(path)
    try:
        graph = SqliteSocialGraph(reopened)
        assert graph.get("a", "b") == edge("a", "b", at=1)
        assert graph.followers("b", PENDING, None, 5).items == [edge("c", "b", PENDING, at=2)]
        assert counts(graph, "b") == (1, 0)
        assert counts(graph, "a") == (0, 1)
    finally:
        reopened.close()


def test_mysql_put_between_unknown_accounts_raises_not_found(mysql_pool: MySqlPool) -> None:
    """Specific to MySQL: an edge needs both accounts (foreign keys), as the counters live on
    their rows; the core only ever follows existing accounts."""
    reset(mysql_pool)
    register_accounts(mysql_pool, "a")
    graph = MySqlSocialGraph(mysql_pool)
    for status in (ACTIVE, PENDING):
        with pytest.raises(NotFound):
            graph.put(edge("a", "ghost", status))
        with pytest.raises(NotFound):
            graph.put(edge("ghost", "a", status))
    assert graph.get("a", "ghost") is None
    assert counts(graph, "a") == (0, 0)


def test_mysql_counts_are_the_counters_on_the_users_rows(mysql_pool: MySqlPool) -> None:
    reset(mysql_pool)
    graph = GraphWithAccounts(mysql_pool)
    graph.put(edge("a", "b"))
    graph.put(edge("c", "b", PENDING))
    graph.put(edge("b", "a", at=1))
    graph.remove("b", "a")
    rows = mysql_pool.query(
        "SELECT user_id, follower_count, following_count FROM users ORDER BY user_id"
    )
    assert [(r["user_id"], r["follower_count"], r["following_count"]) for r in rows] == [
        ("a", 0, 1),
        ("b", 1, 0),
        ("c", 0, 0),
    ]


def test_mysql_opposite_concurrent_follows_neither_deadlock_nor_drift(
    mysql_pool: MySqlPool,
) -> None:
    """a->b and b->a lock the same two users rows; both take them in key order."""
    reset(mysql_pool)
    graph = GraphWithAccounts(mysql_pool)
    register_accounts(mysql_pool, "a", "b")
    start = threading.Barrier(8)

    def churn(follower: str, followee: str) -> None:
        start.wait()
        for n in range(10):
            graph.put(edge(follower, followee, ACTIVE if n % 2 == 0 else PENDING))
            graph.put(edge(follower, followee))

    pairs = [("a", "b"), ("b", "a")] * 4
    threads = [threading.Thread(target=churn, args=pair) for pair in pairs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert counts(graph, "a") == (1, 1)
    assert counts(graph, "b") == (1, 1)


def test_mysql_follower_counts_answers_more_ids_than_one_batch(mysql_pool: MySqlPool) -> None:
    reset(mysql_pool)
    graph = GraphWithAccounts(mysql_pool)
    graph.put(edge("a", "star"))
    asked = [f"ghost{n}" for n in range(2500)] + ["star", "a"]
    counted = graph.follower_counts(asked)
    assert len(counted) == len(asked)
    assert (counted["star"], counted["a"], counted["ghost2499"]) == (1, 0, 0)
