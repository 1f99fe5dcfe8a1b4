"""Every engagement store passes :class:`~instagram_core.testing.EngagementStoreContract`;
below, the SQLite and Redis adapters' own tests.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import redis

from instagram_adapters.memory.engagement import InMemoryEngagementStore
from instagram_adapters.redis.engagement import RedisEngagementStore
from instagram_adapters.sqlite.database import SqliteDatabase
from instagram_adapters.sqlite.engagement import SqliteEngagementStore
from instagram_core.ports import EngagementStore
from instagram_core.testing.engagement import EngagementStoreContract
from tests.redis_support import fresh_redis


class TestInMemoryEngagementStore(EngagementStoreContract):
    @pytest.fixture
    def new_engagement_store(self) -> Callable[[], EngagementStore]:
        return InMemoryEngagementStore


class TestSqliteEngagementStore(EngagementStoreContract):
    @pytest.fixture
    def new_engagement_store(
        self, new_sqlite_database: Callable[[], SqliteDatabase]
    ) -> Callable[[], EngagementStore]:
        return lambda: SqliteEngagementStore(new_sqlite_database())


class TestRedisEngagementStore(EngagementStoreContract):
    @pytest.fixture
    def new_engagement_store(self, request: pytest.FixtureRequest) -> Callable[[], EngagementStore]:
        client = fresh_redis(request)

        def make() -> EngagementStore:
            client.flushdb()
            return RedisEngagementStore(client)

        return make


def test_sqlite_engagement_survives_reopening(tmp_path: Path) -> None:
    path = tmp_path / "engagement.db"
    db = SqliteDatabase(path)
    store = SqliteEngagementStore(db)
    store.like(1, "alice")
    store.like(1, "bob")
    store.save("alice", 1)
    db.close()

    reopened = SqliteDatabase(path)
    try:
        again = SqliteEngagementStore(reopened)
        assert again.like_counts([1]) == {1: 2}
        assert again.liked_by("alice", [1]) == {1}
        assert again.saved_by("alice", [1]) == {1}
        assert again.like(1, "alice") == (False, 2)
    finally:
        reopened.close()


@pytest.fixture
def redis_store(request: pytest.FixtureRequest) -> tuple[RedisEngagementStore, redis.Redis]:
    client = fresh_redis(request)
    return RedisEngagementStore(client), client


def test_redis_keeps_likes_in_the_seeds_set_and_counter(
    redis_store: tuple[RedisEngagementStore, redis.Redis],
) -> None:
    store, client = redis_store
    store.like(1, "alice")
    store.like(1, "bob")
    assert client.smembers("liked:1") == {"alice", "bob"}
    assert client.get("like_count:1") == "2"
    store.unlike(1, "alice")
    store.unlike(1, "bob")
    assert client.dbsize() == 0  # neither an empty set nor a zero counter lingers


def test_redis_forget_post_takes_it_out_of_every_savers_set(
    redis_store: tuple[RedisEngagementStore, redis.Redis],
) -> None:
    store, client = redis_store
    for user in ("alice", "bob", "cat"):
        store.save(user, 1)
        store.save(user, 2)
    store.like(1, "alice")
    store.forget_post(1)
    assert {user: client.smembers(f"saved:{user}") for user in ("alice", "bob", "cat")} == {
        "alice": {"2"},
        "bob": {"2"},
        "cat": {"2"},
    }
    assert sorted(client.keys()) == ["saved:alice", "saved:bob", "saved:cat", "savers:2"]


def test_redis_batched_reads_span_many_posts(
    redis_store: tuple[RedisEngagementStore, redis.Redis],
) -> None:
    store, _ = redis_store
    posts = range(1, 2_501)
    for post_id in posts[::3]:
        store.like(post_id, "alice")
        store.save("alice", post_id)
    expected = set(posts[::3])
    assert store.liked_by("alice", [*posts, 1]) == expected
    assert store.saved_by("alice", posts) == expected
    counts = store.like_counts(posts)
    assert len(counts) == len(posts)
    assert {p for p, n in counts.items() if n} == expected
