"""Contract of :class:`~instagram_core.ports.EngagementStore`, run against every adapter."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import redis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from instagram_adapters.memory.engagement import InMemoryEngagementStore
from instagram_adapters.redis.engagement import RedisEngagementStore
from instagram_adapters.sqlite.database import SqliteDatabase
from instagram_adapters.sqlite.engagement import SqliteEngagementStore
from instagram_core.ports import EngagementStore
from tests.redis_support import fresh_redis

MakeStore = Callable[[], EngagementStore]


@pytest.fixture(params=["memory", "sqlite", "redis"])
def make_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[MakeStore]:
    """A factory of fresh, empty stores (hypothesis needs one per example)."""
    databases: list[SqliteDatabase] = []
    client = fresh_redis(request) if request.param == "redis" else None

    def make() -> EngagementStore:
        if request.param == "memory":
            return InMemoryEngagementStore()
        if client is not None:
            client.flushdb()
            return RedisEngagementStore(client)
        databases.append(SqliteDatabase(tmp_path / f"engagement-{len(databases)}.db"))
        return SqliteEngagementStore(databases[-1])

    yield make
    for db in databases:
        db.close()


@pytest.fixture
def store(make_store: MakeStore) -> EngagementStore:
    return make_store()


def test_like_records_the_like_and_returns_the_count(store: EngagementStore) -> None:
    assert store.like(1, "alice") == (True, 1)
    assert store.like(1, "bob") == (True, 2)
    assert store.liked_by("alice", [1]) == {1}


def test_liking_again_returns_false_and_changes_nothing(store: EngagementStore) -> None:
    store.like(1, "alice")
    assert store.like(1, "alice") == (False, 1)
    assert store.like_counts([1]) == {1: 1}


def test_unlike_removes_the_like(store: EngagementStore) -> None:
    store.like(1, "alice")
    store.like(1, "bob")
    assert store.unlike(1, "alice") == (True, 1)
    assert store.liked_by("alice", [1]) == set()
    assert store.like_counts([1]) == {1: 1}


def test_unlike_is_a_no_op_when_absent(store: EngagementStore) -> None:
    store.like(1, "bob")
    assert store.unlike(1, "alice") == (False, 1)
    assert store.unlike(2, "alice") == (False, 0)
    assert store.like_counts([1, 2]) == {1: 1, 2: 0}


def test_like_after_unlike_counts_again(store: EngagementStore) -> None:
    store.like(1, "alice")
    store.unlike(1, "alice")
    assert store.like(1, "alice") == (True, 1)


def test_like_counts_are_zero_for_posts_without_likes(store: EngagementStore) -> None:
    store.like(1, "alice")
    store.like(3, "alice")
    store.like(3, "bob")
    assert store.like_counts([1, 2, 3]) == {1: 1, 2: 0, 3: 2}
    assert store.like_counts([]) == {}


def test_liked_by_returns_only_requested_posts_the_user_likes(store: EngagementStore) -> None:
    for post_id in (1, 2, 3):
        store.like(post_id, "alice")
    store.like(4, "bob")
    assert store.liked_by("alice", [2, 3, 4, 5]) == {2, 3}
    assert store.liked_by("alice", []) == set()


def test_save_bookmarks_once(store: EngagementStore) -> None:
    assert store.save("alice", 1) is True
    assert store.save("alice", 1) is False
    assert store.saved_by("alice", [1, 2]) == {1}
    assert store.saved_by("bob", [1]) == set()


def test_unsave_is_false_without_a_bookmark(store: EngagementStore) -> None:
    store.save("alice", 1)
    assert store.unsave("alice", 1) is True
    assert store.unsave("alice", 1) is False
    assert store.unsave("bob", 2) is False
    assert store.saved_by("alice", [1]) == set()


def test_saves_and_likes_are_independent(store: EngagementStore) -> None:
    store.save("alice", 1)
    assert store.liked_by("alice", [1]) == set()
    assert store.like_counts([1]) == {1: 0}


def test_forget_post_drops_likes_saves_and_count(store: EngagementStore) -> None:
    store.like(1, "alice")
    store.save("alice", 1)
    store.like(2, "alice")
    store.save("alice", 2)
    store.forget_post(1)
    assert store.like_counts([1, 2]) == {1: 0, 2: 1}
    assert store.liked_by("alice", [1, 2]) == {2}
    assert store.saved_by("alice", [1, 2]) == {2}
    assert store.like(1, "alice") == (True, 1)


def test_forget_post_is_a_no_op_without_engagement(store: EngagementStore) -> None:
    store.forget_post(1)
    assert store.like_counts([1]) == {1: 0}


_actions = st.lists(
    st.tuples(st.booleans(), st.sampled_from([1, 2]), st.sampled_from(["a", "b", "c", "d"])),
    max_size=30,
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(actions=_actions)
def test_count_equals_distinct_likers_after_any_sequence(
    make_store: MakeStore, actions: list[tuple[bool, int, str]]
) -> None:
    store = make_store()
    likers: dict[int, set[str]] = {1: set(), 2: set()}
    for is_like, post_id, user_id in actions:
        if is_like:
            added, count = store.like(post_id, user_id)
            assert added is (user_id not in likers[post_id])
            likers[post_id].add(user_id)
            assert store.like(post_id, user_id) == (False, count)
        else:
            removed, count = store.unlike(post_id, user_id)
            assert removed is (user_id in likers[post_id])
            likers[post_id].discard(user_id)
        assert count == len(likers[post_id])
    assert store.like_counts([1, 2]) == {post_id: len(users) for post_id, users in likers.items()}
    for user_id in "abcd":
        assert store.liked_by(user_id, [1, 2]) == {p for p, us in likers.items() if user_id in us}


def test_concurrent_likes_and_unlikes_count_each_final_liker_once(
    store: EngagementStore,
) -> None:
    """Every thread ends liked (even index) or unliked (odd), liking twice on the way."""
    threads_count = 50
    barrier = threading.Barrier(threads_count)
    errors: list[BaseException] = []

    def churn(index: int) -> None:
        user_id = f"user-{index}"
        try:
            barrier.wait()
            for _ in range(2):
                store.like(7, user_id)
                store.like(7, user_id)
                store.unlike(7, user_id)
            if index % 2 == 0:
                store.like(7, user_id)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=churn, args=(i,)) for i in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert store.like_counts([7]) == {7: threads_count // 2}
    assert store.unlike(7, "user-0") == (True, threads_count // 2 - 1)


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
