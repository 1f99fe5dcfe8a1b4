"""The MySQL adapters under concurrency and failure, against a real MariaDB server.

What must hold: counters stay exact under concurrent follows; a follow cut off half-way
leaves nothing behind; an outage is reported as ``Unavailable`` at once (never a pymysql
error, never a hang), and the pool serves again once the server is back.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import pytest

from instagram_adapters.mysql import social_graph as social_graph_module
from instagram_adapters.mysql.connect import Cursor
from instagram_adapters.mysql.pool import MySqlPool
from instagram_adapters.mysql.social_graph import MySqlSocialGraph
from instagram_adapters.mysql.users import MySqlUserStore
from instagram_core.domain.errors import Unavailable
from instagram_core.domain.social import Follow, FollowStatus
from instagram_core.domain.users import User
from tests.engines import MariaDbServer
from tests.mysql_support import mariadb, open_test_pool, register_accounts, reset

T0 = datetime(2024, 5, 17, 9, 30, tzinfo=UTC)
FANS = [f"fan{n:02d}" for n in range(50)]


def follow(follower: str, followee: str) -> Follow:
    return Follow(follower, followee, FollowStatus.ACTIVE, T0)


def in_parallel(work: Callable[[str], object], names: list[str]) -> None:
    """Run ``work(name)`` for every name at once, released together by a barrier."""
    start = threading.Barrier(len(names))

    def run(name: str) -> None:
        start.wait()
        work(name)

    threads = [threading.Thread(target=run, args=(name,)) for name in names]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


@pytest.fixture(scope="module")
def server(request: pytest.FixtureRequest) -> MariaDbServer:
    return mariadb(request)


@pytest.fixture
def pool(server: MariaDbServer) -> Iterator[MySqlPool]:
    pool = open_test_pool(server, size=8, connect_timeout=1.0)
    reset(pool)
    register_accounts(pool, "star", *FANS)
    yield pool
    pool.close()


def test_fifty_concurrent_follows_and_unfollows_keep_exact_counts(pool: MySqlPool) -> None:
    graph = MySqlSocialGraph(pool)
    in_parallel(lambda fan: graph.put(follow(fan, "star")), FANS)
    assert graph.count_followers("star") == 50
    assert {fan: graph.count_following(fan) for fan in FANS} == dict.fromkeys(FANS, 1)
    # The star follows everyone back while half of them unfollow: both counters of every
    # row move at once, from both directions.
    leaving = FANS[::2]
    in_parallel(lambda fan: graph.put(follow("star", fan)), FANS)
    in_parallel(lambda fan: graph.remove(fan, "star"), leaving)
    assert graph.count_followers("star") == 25
    assert graph.count_following("star") == 50
    assert all(graph.count_followers(fan) == 1 for fan in FANS)
    assert sum(graph.count_following(fan) for fan in FANS) == 25
    assert len(graph.follower_ids_after("star", None, 50)) == 25


def test_a_connection_killed_mid_follow_leaves_no_half_written_follow(
    pool: MySqlPool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The counters are updated, the edge insert is next: the server kills the session."""
    graph = MySqlSocialGraph(pool)
    insert_edge = social_graph_module._insert_edge

    def killed_first(cur: Cursor, edge: Follow, created_at: datetime) -> None:
        victim = cur.connection.thread_id()
        pool.execute("KILL CONNECTION %s", (victim,))
        insert_edge(cur, edge, created_at)

    monkeypatch.setattr(social_graph_module, "_insert_edge", killed_first)
    with pytest.raises(Unavailable):
        graph.put(follow("fan00", "star"))
    monkeypatch.undo()

    assert graph.get("fan00", "star") is None
    assert (graph.count_followers("star"), graph.count_following("fan00")) == (0, 0)
    assert graph.put(follow("fan00", "star")) is None  # the pool replaced the dead connection
    assert (graph.count_followers("star"), graph.count_following("fan00")) == (1, 1)


def test_a_lock_wait_timeout_is_unavailable(server: MariaDbServer) -> None:
    pool = MySqlPool.from_url(server.url, size=2, lock_wait_timeout=1)
    try:
        graph = MySqlSocialGraph(pool)
        with pool.transaction() as cur:
            cur.execute("SELECT * FROM users WHERE user_id = 'star' FOR UPDATE")
            started = time.monotonic()
            with pytest.raises(Unavailable):
                graph.put(follow("fan01", "star"))
            assert time.monotonic() - started < 5
        assert graph.get("fan01", "star") is None
        assert graph.put(follow("fan01", "star")) is None
    finally:
        pool.close()


def test_a_stopped_server_is_unavailable_promptly_and_the_pool_recovers(
    pool: MySqlPool, server: MariaDbServer
) -> None:
    graph, users = MySqlSocialGraph(pool), MySqlUserStore(pool)
    graph.put(follow("fan00", "star"))  # the pool now holds live connections
    server.stop()
    try:
        started = time.monotonic()
        with pytest.raises(Unavailable):
            graph.put(follow("fan01", "star"))
        with pytest.raises(Unavailable):
            graph.count_followers("star")
        with pytest.raises(Unavailable):
            users.get("star")
        assert time.monotonic() - started < 3
    finally:
        server.start()
    assert graph.count_followers("star") == 1
    assert graph.put(follow("fan01", "star")) is None
    assert graph.count_followers("star") == 2
    assert users.get("fan01") == User("fan01", "fan01", "", datetime(2024, 1, 1, tzinfo=UTC))
