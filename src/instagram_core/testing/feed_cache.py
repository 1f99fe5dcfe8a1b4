"""Contract of :class:`~instagram_core.ports.FeedCache`.

Provide ``new_feed_cache``: a fixture returning a factory of fresh, empty caches that keep at
most the given number of entries per feed (the property test needs one per example).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from instagram_core.ports import FeedCache
from instagram_core.testing.hypothesis_settings import CONTRACT_HEALTH_CHECKS

MakeCache = Callable[[int], FeedCache]


SMALL = 5


def everything(cache: FeedCache, user_id: str) -> list[int] | None:
    found = cache.page(user_id, None, 10_000)
    return None if found is None else list(found)


writes = st.lists(st.tuples(st.booleans(), st.lists(st.integers(1, 300), max_size=20)), max_size=30)


class FeedCacheContract:
    """The behaviour every adapter of the port must show. Subclass it in a test module (as
    ``Test<YourAdapter>``) and provide the adapter's fixture: see the module docstring."""

    @pytest.fixture
    def cache(self, new_feed_cache: MakeCache) -> FeedCache:
        return new_feed_cache(SMALL)

    def test_an_unknown_feed_reads_as_none(self, cache: FeedCache) -> None:
        assert cache.page("nobody", None, 10) is None
        assert cache.page("nobody", 100, 10) is None

    def test_add_many_with_nothing_marks_the_feed_present(self, cache: FeedCache) -> None:
        cache.add_many("ann", [])
        assert everything(cache, "ann") == []

    def test_add_inserts_into_every_listed_feed_newest_first(self, cache: FeedCache) -> None:
        cache.add_many("ann", [])
        cache.add_many("bob", [])
        cache.add(["ann", "bob"], 10)
        cache.add(["ann"], 30)
        cache.add(["ann", "bob"], 20)
        assert everything(cache, "ann") == [30, 20, 10]
        assert everything(cache, "bob") == [20, 10]

    def test_add_with_no_users_changes_nothing(self, cache: FeedCache) -> None:
        cache.add([], 10)
        assert cache.page("ann", None, 10) is None

    def test_add_leaves_an_absent_feed_absent_so_it_is_rebuilt_whole(
        self, cache: FeedCache
    ) -> None:
        cache.add_many("ann", [])
        cache.add(["ann", "bob"], 10)
        assert everything(cache, "ann") == [10]
        assert cache.page("bob", None, 10) is None

    def test_adding_a_present_entry_changes_nothing(self, cache: FeedCache) -> None:
        cache.add_many("ann", [1, 2, 3])
        cache.add(["ann"], 2)
        cache.add_many("ann", [3, 3, 1])
        assert everything(cache, "ann") == [3, 2, 1]

    def test_a_feed_over_capacity_loses_its_oldest_entries(self, cache: FeedCache) -> None:
        cache.add_many("ann", range(1, 8))
        assert everything(cache, "ann") == [7, 6, 5, 4, 3]
        cache.add(["ann"], 2)
        assert everything(cache, "ann") == [7, 6, 5, 4, 3]
        cache.add(["ann"], 100)
        assert everything(cache, "ann") == [100, 7, 6, 5, 4]

    def test_page_goes_below_before_and_stops_at_limit(self, cache: FeedCache) -> None:
        cache.add_many("ann", [10, 20, 30, 40, 50])
        assert list(cache.page("ann", None, 2) or []) == [50, 40]
        assert list(cache.page("ann", 40, 2) or []) == [30, 20]
        assert list(cache.page("ann", 35, 10) or []) == [30, 20, 10]
        assert list(cache.page("ann", 10, 10) or []) == []
        assert list(cache.page("ann", 1000, 1) or []) == [50]

    def test_remove_takes_entries_out_and_ignores_absent_ones(self, cache: FeedCache) -> None:
        cache.add_many("ann", [1, 2])
        cache.add_many("bob", [1, 2])
        cache.remove(["ann", "bob", "nobody"], [2, 99])
        assert everything(cache, "ann") == [1]
        assert everything(cache, "bob") == [1]
        assert cache.page("nobody", None, 10) is None

    def test_removing_the_last_entry_leaves_an_empty_present_feed(self, cache: FeedCache) -> None:
        cache.add_many("ann", [1])
        cache.remove(["ann"], [1])
        assert everything(cache, "ann") == []

    def test_drop_forgets_the_feed_and_is_a_no_op_when_absent(self, cache: FeedCache) -> None:
        cache.add_many("ann", [1])
        cache.drop("ann")
        cache.drop("ann")
        cache.drop("nobody")
        assert cache.page("ann", None, 10) is None

    def test_concurrent_fan_out_loses_nothing(self, new_feed_cache: MakeCache) -> None:
        cache = new_feed_cache(1000)
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

    @settings(max_examples=150, deadline=None, suppress_health_check=[*CONTRACT_HEALTH_CHECKS])
    @given(capacity=st.integers(1, 40), writes=writes, page_size=st.integers(1, 15))
    def test_paging_yields_the_newest_ids_exactly_once_within_capacity(
        self,
        new_feed_cache: MakeCache,
        capacity: int,
        writes: list[tuple[bool, list[int]]],
        page_size: int,
    ) -> None:
        cache = new_feed_cache(capacity)
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
