"""Contract of :class:`~instagram_core.ports.FeedCache`, run against every adapter."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from itertools import pairwise

import pytest
import redis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from instagram_adapters.memory.feed_cache import InMemoryFeedCache
from instagram_adapters.redis.client import KEYS_PER_CALL
from instagram_adapters.redis.feed_cache import RedisFeedCache
from instagram_core.domain.ids import MAX_ID, compose_id
from instagram_core.ports import FeedCache
from instagram_core.ports.feed_cache import FEED_CAPACITY
from tests.redis_support import fresh_redis

MakeCache = Callable[[int], FeedCache]
SMALL = 5


@pytest.fixture(params=["memory", "redis"])
def make_cache(request: pytest.FixtureRequest) -> MakeCache:
    """A factory of empty caches of a given capacity (hypothesis needs one per example)."""
    if request.param == "memory":
        return InMemoryFeedCache
    client = fresh_redis(request)

    def make(capacity: int) -> FeedCache:
        client.flushdb()
        return RedisFeedCache(client, capacity)

    return make


@pytest.fixture
def redis_feeds(request: pytest.FixtureRequest) -> tuple[RedisFeedCache, redis.Redis]:
    client = fresh_redis(request)
    return RedisFeedCache(client, SMALL), client


@pytest.fixture
def cache(make_cache: MakeCache) -> FeedCache:
    return make_cache(SMALL)


def everything(cache: FeedCache, user_id: str) -> list[int] | None:
    found = cache.page(user_id, None, 10_000)
    return None if found is None else list(found)


def test_an_unknown_feed_reads_as_none(cache: FeedCache) -> None:
    assert cache.page("nobody", None, 10) is None
    assert cache.page("nobody", 100, 10) is None


def test_add_many_with_nothing_marks_the_feed_present(cache: FeedCache) -> None:
    cache.add_many("ann", [])
    assert everything(cache, "ann") == []


def test_add_inserts_into_every_listed_feed_newest_first(cache: FeedCache) -> None:
    cache.add_many("ann", [])
    cache.add_many("bob", [])
    cache.add(["ann", "bob"], 10)
    cache.add(["ann"], 30)
    cache.add(["ann", "bob"], 20)
    assert everything(cache, "ann") == [30, 20, 10]
    assert everything(cache, "bob") == [20, 10]


def test_add_with_no_users_changes_nothing(cache: FeedCache) -> None:
    cache.add([], 10)
    assert cache.page("ann", None, 10) is None


def test_add_leaves_an_absent_feed_absent_so_it_is_rebuilt_whole(cache: FeedCache) -> None:
    cache.add_many("ann", [])
    cache.add(["ann", "bob"], 10)
    assert everything(cache, "ann") == [10]
    assert cache.page("bob", None, 10) is None


def test_adding_a_present_entry_changes_nothing(cache: FeedCache) -> None:
    cache.add_many("ann", [1, 2, 3])
    cache.add(["ann"], 2)
    cache.add_many("ann", [3, 3, 1])
    assert everything(cache, "ann") == [3, 2, 1]


def test_a_feed_over_capacity_loses_its_oldest_entries(cache: FeedCache) -> None:
    cache.add_many("ann", range(1, 8))
    assert everything(cache, "ann") == [7, 6, 5, 4, 3]
    cache.add(["ann"], 2)
    assert everything(cache, "ann") == [7, 6, 5, 4, 3]
    cache.add(["ann"], 100)
    assert everything(cache, "ann") == [100, 7, 6, 5, 4]


def test_memory_default_capacity_is_the_ports() -> None:
    feeds = InMemoryFeedCache()
    feeds.add_many("ann", range(FEED_CAPACITY + 10))
    assert len(everything(feeds, "ann") or []) == FEED_CAPACITY


def test_page_goes_below_before_and_stops_at_limit(cache: FeedCache) -> None:
    cache.add_many("ann", [10, 20, 30, 40, 50])
    assert list(cache.page("ann", None, 2) or []) == [50, 40]
    assert list(cache.page("ann", 40, 2) or []) == [30, 20]
    assert list(cache.page("ann", 35, 10) or []) == [30, 20, 10]
    assert list(cache.page("ann", 10, 10) or []) == []
    assert list(cache.page("ann", 1000, 1) or []) == [50]


def test_remove_takes_entries_out_and_ignores_absent_ones(cache: FeedCache) -> None:
    cache.add_many("ann", [1, 2])
    cache.add_many("bob", [1, 2])
    cache.remove(["ann", "bob", "nobody"], [2, 99])
    assert everything(cache, "ann") == [1]
    assert everything(cache, "bob") == [1]
    assert cache.page("nobody", None, 10) is None


def test_removing_the_last_entry_leaves_an_empty_present_feed(cache: FeedCache) -> None:
    cache.add_many("ann", [1])
    cache.remove(["ann"], [1])
    assert everything(cache, "ann") == []


def test_drop_forgets_the_feed_and_is_a_no_op_when_absent(cache: FeedCache) -> None:
    cache.add_many("ann", [1])
    cache.drop("ann")
    cache.drop("ann")
    cache.drop("nobody")
    assert cache.page("ann", None, 10) is None


def test_concurrent_fan_out_loses_nothing(make_cache: MakeCache) -> None:
    cache = make_cache(1000)
    users = [f"user-{n}" for n in range(50)]
    for user in users:
        cache.add_many(user, [])

    def fan_out(first: int) -> None:
        for post_id in range(first, 800, 4):
            cache.add(users, post_id)

    threads = [threading.Thread(target=fan_out, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for user in users:
        assert everything(cache, user) == list(range(799, -1, -1))


def test_memory_fan_out_to_100k_users_is_fast() -> None:
    cache = InMemoryFeedCache()
    users = [f"user-{n}" for n in range(100_000)]
    for user in users:
        cache.add_many(user, [])
    started = time.perf_counter()
    for post_id in range(1, 4):
        cache.add(users, post_id)
    assert time.perf_counter() - started < 2.0  # generous: about 0.1 s on a laptop
    assert everything(cache, "user-99999") == [3, 2, 1]


writes = st.lists(st.tuples(st.booleans(), st.lists(st.integers(1, 300), max_size=20)), max_size=30)


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(capacity=st.integers(1, 40), writes=writes, page_size=st.integers(1, 15))
def test_paging_yields_the_newest_ids_exactly_once_within_capacity(
    make_cache: MakeCache,
    capacity: int,
    writes: list[tuple[bool, list[int]]],
    page_size: int,
) -> None:
    cache = make_cache(capacity)
    cache.add_many("ann", [])
    for one_by_one, post_ids in writes:
        if one_by_one:
            for post_id in post_ids:
                cache.add(["ann"], post_id)
        else:
            cache.add_many("ann", post_ids)
        assert len(everything(cache, "ann") or []) <= capacity
    seen: list[int] = []
    before: int | None = None
    while page := list(cache.page("ann", before, page_size) or []):
        assert len(page) <= page_size
        assert all(a > b for a, b in pairwise(page))
        assert before is None or page[0] < before
        seen.extend(page)
        before = page[-1]
    distinct = {post_id for _, post_ids in writes for post_id in post_ids}
    assert seen == sorted(distinct, reverse=True)[:capacity]


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
