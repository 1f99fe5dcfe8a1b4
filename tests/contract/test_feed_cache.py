"""Contract of :class:`~instagram_core.ports.FeedCache`, run against every adapter."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from itertools import pairwise

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adapters.memory.feed_cache import InMemoryFeedCache
from instagram_core.ports import FeedCache
from instagram_core.ports.feed_cache import FEED_CAPACITY

MakeCache = Callable[[int], FeedCache]
SMALL = 5


@pytest.fixture(params=[pytest.param(InMemoryFeedCache, id="memory")])
def make_cache(request: pytest.FixtureRequest) -> MakeCache:
    """A factory of empty caches of a given capacity (hypothesis needs one per example)."""
    factory: MakeCache = request.param
    return factory


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
