"""Every feed cache passes :class:`~instagram_core.testing.FeedCacheContract`; below, each
adapter's own tests (the port's default capacity, Redis's scores and script batches).
"""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
import redis

from instagram_adapters.memory.feed_cache import InMemoryFeedCache
from instagram_adapters.redis.client import KEYS_PER_CALL
from instagram_adapters.redis.feed_cache import RedisFeedCache
from instagram_core.domain.ids import MAX_ID, compose_id
from instagram_core.ports import FeedCache
from instagram_core.ports.feed_cache import FEED_CAPACITY
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
