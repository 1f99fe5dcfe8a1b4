"""Every feed cache passes :class:`~instagram_core.testing.FeedCacheContract`; below, each
adapter's own tests (the port's default capacity, Redis's scores and script batches).
"""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
import redis

from instagram_adapters.memory.feed_cache import InMemoryFeedCache
from instagram_adapters.redis.change_versions import RedisChangeVersions
from instagram_adapters.redis.client import KEYS_PER_CALL
from instagram_adapters.redis.feed_cache import RedisFeedCache
from instagram_core.domain.ids import MAX_ID, compose_id
from instagram_core.ports import FeedCache
from instagram_core.ports.feed_cache import FEED_CAPACITY
from instagram_core.services.freshness import Freshness, feed_key
from instagram_core.services.tracked_feed_cache import TrackedFeedCache
from instagram_core.testing.feed_cache import SMALL, FeedCacheContract, everything
from tests.redis_support import fresh_redis


class TestInMemoryFeedCache(FeedCacheContract):
    @pytest.fixture
    def new_feed_cache(self) -> Callable[[int], FeedCache]:
        return InMemoryFeedCache


class TestRedisFeedCache(FeedCacheContract):
    @pytest.fixture
    def new_feed_cache(self, request: pytest.FixtureRequest) -> Callable[[int], FeedCache]:
        client = fresh_redis(request)

        def make(capacity: int) -> FeedCache:
            client.flushdb()
            return RedisFeedCache(client, capacity)

        return make


class TestRedisFeedCacheTrimmingLazilyAndMarking(FeedCacheContract):
    """The production wiring: pushes trim only past a slack, writes mark in their call."""

    @pytest.fixture
    def new_feed_cache(self, request: pytest.FixtureRequest) -> Callable[[int], FeedCache]:
        client = fresh_redis(request)

        def make(capacity: int) -> FeedCache:
            client.flushdb()
            versions = RedisChangeVersions(client)
            return RedisFeedCache(client, capacity, versions=versions, trim_slack=3)

        return make


@pytest.fixture
def redis_feeds(request: pytest.FixtureRequest) -> tuple[RedisFeedCache, redis.Redis]:
    client = fresh_redis(request)
    return RedisFeedCache(client, SMALL), client


def test_memory_default_capacity_is_the_ports() -> None:
    feeds = InMemoryFeedCache()
    feeds.add_many("ann", range(FEED_CAPACITY + 10))
    assert len(everything(feeds, "ann") or []) == FEED_CAPACITY


def test_memory_fan_out_to_100k_users_is_fast() -> None:
    cache = InMemoryFeedCache()
    users = [f"user-{n}" for n in range(100_000)]
    for user in users:
        cache.add_many(user, [])
    started = time.perf_counter()
    for post_id in range(1, 4):
        cache.add(users, post_id)
    # About 0.1 s on a laptop; the bound only catches a quadratic fan-out (minutes), so it
    # holds at a load average of 10 too.
    assert time.perf_counter() - started < 20.0
    assert everything(cache, "user-99999") == [3, 2, 1]


def test_redis_default_capacity_is_the_ports(request: pytest.FixtureRequest) -> None:
    feeds = RedisFeedCache(fresh_redis(request))
    feeds.add_many("ann", range(1, FEED_CAPACITY + 11))
    feeds.add(["ann"], FEED_CAPACITY + 11)
    found = everything(feeds, "ann") or []
    assert (len(found), found[0], found[-1]) == (FEED_CAPACITY, FEED_CAPACITY + 11, 12)


def test_redis_orders_ids_a_double_cannot_tell_apart(
    redis_feeds: tuple[RedisFeedCache, redis.Redis],
) -> None:
    """Neighbouring ids near 2**63 are one double; scores alone would tie and misorder."""
    feeds, _ = redis_feeds
    top = [MAX_ID - n for n in range(5)]
    assert float(top[0]) == float(top[4])
    feeds.add_many("ann", [])
    for post_id in (top[2], top[0], top[4], top[1], top[3]):
        feeds.add(["ann"], post_id)
    assert everything(feeds, "ann") == top
    assert feeds.page("ann", top[1], 2) == [top[2], top[3]]


def test_redis_pages_through_a_millisecond_of_ties_at_every_cursor(
    request: pytest.FixtureRequest,
) -> None:
    """Ids of three milliseconds with many workers and sequences (9 vs 10 vs 19 digits of
    sequence numbers would misorder as plain strings); every cursor, every page size."""
    feeds = RedisFeedCache(fresh_redis(request), 100)
    base_ms = 1_700_000_000_000
    ids = sorted(
        compose_id(base_ms + ms, worker, seq)
        for ms in (0, 1, 5)
        for worker in (0, 7, 1023)
        for seq in (0, 9, 10, 4095)
    )
    feeds.add_many("ann", ids[::2])
    feeds.add(["ann"], ids[1])
    feeds.add_many("ann", ids[1::2])
    assert everything(feeds, "ann") == ids[::-1]
    cursors = [*ids, ids[0] - 1, ids[-1] + 1, *(i + 1 for i in ids)]
    for before in cursors:
        below = [i for i in reversed(ids) if i < before]
        for limit in (1, 2, 5, 13, 40):
            assert feeds.page("ann", before, limit) == below[:limit]


def test_redis_keeps_the_sentinel_out_of_every_page(
    redis_feeds: tuple[RedisFeedCache, redis.Redis],
) -> None:
    feeds, client = redis_feeds
    feeds.add_many("ann", [1, 2])
    feeds.remove(["ann"], [1, 2])
    assert client.exists("feed:ann") == 1  # Redis keeps the key: the feed stays present
    for before in (None, 0, 1, 3, -5, MAX_ID):
        assert feeds.page("ann", before, 10) == []
    feeds.add(["ann"], 3)
    assert feeds.page("ann", None, 0) == []
    assert feeds.page("ann", None, -1) == []
    assert client.zcard("feed:ann") == 2


def test_redis_fan_out_spans_several_script_calls(
    redis_feeds: tuple[RedisFeedCache, redis.Redis],
) -> None:
    feeds, client = redis_feeds
    users = [f"user-{n}" for n in range(KEYS_PER_CALL * 2 + 500)]
    for user in users[::2]:
        feeds.add_many(user, [])
    feeds.add(users, 42)
    feeds.add(users, 42)
    present = [feeds.page(user, None, 10) for user in users[::2]]
    assert present == [[42]] * len(users[::2])
    assert all(feeds.page(user, None, 10) is None for user in users[1::2])
    feeds.remove(users, [42])
    assert client.dbsize() == len(users[::2])


def test_redis_refuses_to_store_ids_outside_63_bits(
    redis_feeds: tuple[RedisFeedCache, redis.Redis],
) -> None:
    feeds, _ = redis_feeds
    feeds.add_many("ann", [])
    for bad in (-1, MAX_ID + 1):
        with pytest.raises(ValueError, match="63-bit"):
            feeds.add(["ann"], bad)
        with pytest.raises(ValueError, match="63-bit"):
            feeds.add_many("ann", [bad])
    feeds.remove(["ann"], [-1, MAX_ID + 1])  # in no feed: ignored like any absent entry
    assert everything(feeds, "ann") == []


def test_redis_pushes_trim_only_past_the_slack_and_reads_clamp(
    request: pytest.FixtureRequest,
) -> None:
    client = fresh_redis(request)
    feeds = RedisFeedCache(client, 4, trim_slack=3)
    feeds.add_many("ann", [10, 20, 30, 40, 50, 60])  # a rebuild trims at once
    assert client.zcard("feed:ann") == 1 + 4
    for post_id in (70, 80, 90):
        feeds.add(["ann"], post_id)
    assert client.zcard("feed:ann") == 1 + 7  # within the slack: not trimmed yet
    assert everything(feeds, "ann") == [90, 80, 70, 60]
    assert feeds.page("ann", 70, 10) == [60]  # a cursor cannot reach past the capacity
    assert feeds.page("ann", 60, 10) == []
    feeds.add(["ann"], 5)  # older than all: stored past the capacity, never shown
    assert client.zcard("feed:ann") == 1 + 4  # one over the slack: trimmed back
    assert everything(feeds, "ann") == [90, 80, 70, 60]


def test_redis_removal_never_brings_back_an_entry_past_the_capacity(
    request: pytest.FixtureRequest,
) -> None:
    """An entry a trim on every push would have dropped stays dropped when a shown one
    goes: the removal trims to capacity first."""
    client = fresh_redis(request)
    feeds = RedisFeedCache(client, 3, trim_slack=5)
    feeds.add_many("ann", [10, 20, 30])
    feeds.add(["ann"], 40)
    feeds.add(["ann"], 5)
    assert everything(feeds, "ann") == [40, 30, 20]
    feeds.remove(["ann"], [30])
    assert everything(feeds, "ann") == [40, 20]
    assert client.zcard("feed:ann") == 1 + 2


def test_redis_writes_mark_their_feeds_in_the_same_call(
    request: pytest.FixtureRequest,
) -> None:
    """Each write bumps ``feed_key`` of every feed it was given (absent ones too, as the
    core's marks did), in its own script call: one command per chunk, no second trip."""
    client = fresh_redis(request)
    freshness = Freshness(RedisChangeVersions(client))
    feeds = RedisFeedCache(client, versions=RedisChangeVersions(client))
    assert feeds.marks_changes
    assert not RedisFeedCache(client).marks_changes
    users = ["ann", "bob", "cold"]
    keys = [feed_key(user) for user in users]
    for user in users[:2]:
        feeds.add_many(user, [1])

    def versions() -> tuple[int, ...]:
        recorder = freshness.recorder()
        recorder.note(keys)
        found = recorder.noted(keys)
        assert found is not None
        return found

    writes: list[Callable[[], None]] = [
        lambda: feeds.add(users, 2),
        lambda: feeds.add(users, 2),  # a redelivery changes no entry, yet marks again
        lambda: feeds.remove(users, [1]),
        lambda: feeds.add_many("ann", [3]),
        lambda: feeds.drop("bob"),
    ]
    touched = [users, users, users, ["ann"], ["bob"]]
    before = versions()
    for write, users_touched in zip(writes, touched, strict=True):
        calls = client.info("commandstats").get("cmdstat_evalsha", {}).get("calls", 0)
        write()
        assert client.info("commandstats")["cmdstat_evalsha"]["calls"] == calls + 1
        after = versions()
        for user, old, new in zip(users, before, after, strict=True):
            assert (old != new) == (user in users_touched), (user, users_touched)
            assert user not in users_touched or new != 0
        before = after
    assert feeds.page("ann", None, 10) == [3, 2]
    assert feeds.page("bob", None, 10) is None
    assert feeds.page("cold", None, 10) is None  # marked, yet never materialised
    assert TrackedFeedCache(feeds, freshness).marks_changes


def test_tracked_feed_cache_leaves_the_marks_to_a_cache_that_makes_them(
    request: pytest.FixtureRequest,
) -> None:
    client = fresh_redis(request)
    marking = RedisFeedCache(client, versions=RedisChangeVersions(client))
    tracked = TrackedFeedCache(marking, Freshness(RedisChangeVersions(client)))
    tracked.add_many("ann", [])
    client.config_resetstat()
    tracked.add(["ann", "bob"], 7)
    stats = client.info("commandstats")
    assert stats["cmdstat_evalsha"]["calls"] == 1  # the write and its mark, one call
    assert stats["cmdstat_hset"]["calls"] == 1
