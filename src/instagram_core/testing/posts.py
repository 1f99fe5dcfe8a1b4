"""Contract of :class:`~instagram_core.ports.PostStore`.

Provide ``new_post_store``: a fixture returning a factory of fresh, empty stores (the
property test needs one per example).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from instagram_core.domain.errors import Conflict, NotFound
from instagram_core.domain.posts import Location, Post, PostStatus
from instagram_core.ports import PostStore
from instagram_core.testing.hypothesis_settings import CONTRACT_HEALTH_CHECKS

T0 = datetime(2024, 5, 17, 9, 30, 0, 123456, tzinfo=UTC)


PUBLISHED, PROCESSING = PostStatus.PUBLISHED, PostStatus.PROCESSING


BIG_ID = (1 << 63) - 1  # the largest 64-bit Snowflake id


def make_post(
    post_id: int, author: str = "ann", status: PostStatus = PUBLISHED, **changes: Any
) -> Post:
    """A post created ``post_id`` seconds after T0, so ids and times agree."""
    post = Post(post_id, author, (post_id * 10,), T0 + timedelta(seconds=post_id), status=status)
    return attrs.evolve(post, **changes)


def rich_post(post_id: int) -> Post:
    return make_post(
        post_id,
        media_ids=(7, 8, 9),
        caption="sunset #beach with @bob",
        hashtags=("beach",),
        mentions=("bob",),
        tagged_user_ids=("u-bob", "u-cat"),
        location=Location(lat=-33.8568, lng=151.2153, name="Sydney Opera House"),
        filter_name="clarendon",
        published_at=T0 + timedelta(seconds=5, microseconds=1),
    )


def ids(posts: Iterable[Post]) -> list[int]:
    return [post.post_id for post in posts]


posts_strategy = st.dictionaries(
    st.integers(1, 10_000), st.sampled_from([PUBLISHED, PROCESSING, PostStatus.FAILED]), max_size=30
)


class PostStoreContract:
    """The behaviour every adapter of the port must show. Subclass it in a test module (as
    ``Test<YourAdapter>``) and provide the adapter's fixture: see the module docstring."""

    @pytest.fixture
    def post_store(self, new_post_store: Callable[[], PostStore]) -> PostStore:
        return new_post_store()

    @pytest.mark.parametrize(
        "post", [make_post(1), rich_post(2), Post(BIG_ID, "ann", (BIG_ID,), T0)]
    )
    def test_add_then_get_returns_the_post(self, post_store: PostStore, post: Post) -> None:
        post_store.add(post)
        assert post_store.get(post.post_id) == post

    def test_add_with_a_taken_post_id_conflicts(self, post_store: PostStore) -> None:
        post_store.add(make_post(1))
        with pytest.raises(Conflict):
            post_store.add(make_post(1, author="bob", caption="impostor"))
        assert post_store.get(1) == make_post(1)
        assert post_store.by_author("bob", None, 10, published_only=False) == []

    def test_get_of_a_missing_post_is_none(self, post_store: PostStore) -> None:
        assert post_store.get(404) is None

    def test_get_many_leaves_missing_ids_out(self, post_store: PostStore) -> None:
        post_store.add(make_post(1))
        post_store.add(make_post(2))
        assert post_store.get_many([2, 404, 1, 2]) == {1: make_post(1), 2: make_post(2)}
        assert post_store.get_many(range(1000, 2500)) == {}

    def test_update_replaces_the_post(self, post_store: PostStore) -> None:
        post_store.add(make_post(1, status=PROCESSING))
        post_store.update(rich_post(1))
        assert post_store.get(1) == rich_post(1)

    def test_update_of_a_missing_post_raises_not_found(self, post_store: PostStore) -> None:
        with pytest.raises(NotFound):
            post_store.update(make_post(1))
        assert post_store.get(1) is None

    def test_a_deleted_post_stays_deleted_when_a_late_worker_publishes(
        self, post_store: PostStore
    ) -> None:
        post_store.add(make_post(1, status=PROCESSING))
        post_store.delete(1)
        with pytest.raises(NotFound):
            post_store.update(make_post(1, status=PUBLISHED))
        assert post_store.get(1) is None
        assert post_store.count_published("ann") == 0

    def test_delete_returns_the_removed_post(self, post_store: PostStore) -> None:
        post_store.add(rich_post(1))
        assert post_store.delete(1) == rich_post(1)
        assert post_store.get(1) is None
        assert post_store.get_many([1]) == {}
        assert post_store.by_author("ann", None, 10, published_only=False) == []

    def test_delete_of_a_missing_post_is_a_no_op_returning_none(
        self, post_store: PostStore
    ) -> None:
        post_store.add(make_post(1))
        assert post_store.delete(2) is None
        assert post_store.get(1) == make_post(1)

    @pytest.fixture
    def grid(self, post_store: PostStore) -> PostStore:
        """ann: 1..6 where 2 and 5 are processing; bob: 7."""
        for post_id in range(1, 7):
            post_store.add(
                make_post(post_id, status=PROCESSING if post_id in (2, 5) else PUBLISHED)
            )
        post_store.add(make_post(7, author="bob"))
        return post_store

    def test_by_author_lists_newest_first_up_to_limit(self, grid: PostStore) -> None:
        assert ids(grid.by_author("ann", None, 10, published_only=False)) == [6, 5, 4, 3, 2, 1]
        assert ids(grid.by_author("ann", None, 2, published_only=False)) == [6, 5]

    def test_by_author_before_is_exclusive(self, grid: PostStore) -> None:
        assert ids(grid.by_author("ann", 5, 2, published_only=False)) == [4, 3]
        assert ids(grid.by_author("ann", 1, 10, published_only=False)) == []
        assert ids(grid.by_author("ann", 100, 1, published_only=False)) == [6]

    def test_by_author_published_only_skips_the_rest(self, grid: PostStore) -> None:
        assert ids(grid.by_author("ann", None, 10, published_only=True)) == [6, 4, 3, 1]
        assert ids(grid.by_author("ann", 6, 2, published_only=True)) == [4, 3]

    def test_by_author_of_an_unknown_author_is_empty(self, grid: PostStore) -> None:
        assert grid.by_author("nobody", None, 10, published_only=False) == []

    def test_by_status_lists_oldest_first_up_to_limit(self, grid: PostStore) -> None:
        assert ids(grid.by_status(PROCESSING, 10)) == [2, 5]
        assert ids(grid.by_status(PROCESSING, 1)) == [2]
        assert grid.by_status(PostStatus.FAILED, 10) == []

    def test_by_status_refuses_published(self, grid: PostStore) -> None:
        """Published posts are listed by author only (see the port)."""
        with pytest.raises(ValueError, match="by author"):
            grid.by_status(PUBLISHED, 3)

    def test_by_status_follows_updates(self, grid: PostStore) -> None:
        grid.update(make_post(2, status=PUBLISHED))
        grid.update(make_post(4, status=PostStatus.REJECTED, failure_reason="nudity"))
        assert ids(grid.by_status(PROCESSING, 10)) == [5]
        grid.update(make_post(5, status=PostStatus.FAILED, failure_reason="corrupt"))
        assert ids(grid.by_status(PROCESSING, 10)) == []
        assert ids(grid.by_status(PostStatus.FAILED, 10)) == [5]
        assert grid.by_status(PostStatus.REJECTED, 10) == [
            make_post(4, status=PostStatus.REJECTED, failure_reason="nudity")
        ]

    def test_count_published_counts_published_posts_only(self, grid: PostStore) -> None:
        assert grid.count_published("ann") == 4
        grid.update(make_post(2, status=PUBLISHED))
        assert grid.count_published("ann") == 5
        grid.update(make_post(1, status=PostStatus.FAILED))
        grid.delete(3)
        assert grid.count_published("ann") == 3
        assert grid.count_published("bob") == 1

    def test_count_published_of_an_unknown_author_is_zero(self, post_store: PostStore) -> None:
        assert post_store.count_published("nobody") == 0

    @settings(max_examples=40, deadline=None, suppress_health_check=[*CONTRACT_HEALTH_CHECKS])
    @given(statuses=posts_strategy, limit=st.integers(1, 7), published_only=st.booleans())
    def test_paging_the_grid_yields_every_post_once_newest_first(
        self,
        new_post_store: Callable[[], PostStore],
        statuses: dict[int, PostStatus],
        limit: int,
        published_only: bool,
    ) -> None:
        store = new_post_store()
        for post_id, status in statuses.items():
            store.add(make_post(post_id, status=status))
        seen: list[int] = []
        before: int | None = None
        while page := store.by_author("ann", before, limit, published_only):
            assert len(page) <= limit
            seen.extend(ids(page))
            before = page[-1].post_id
        wanted = [i for i, s in statuses.items() if s is PUBLISHED or not published_only]
        assert seen == sorted(wanted, reverse=True)
        assert store.count_published("ann") == sum(s is PUBLISHED for s in statuses.values())

    @settings(max_examples=25, deadline=None, suppress_health_check=[*CONTRACT_HEALTH_CHECKS])
    @given(
        initial=st.sets(st.integers(1, 5_000), min_size=1, max_size=25),
        limit=st.integers(1, 6),
        data=st.data(),
    )
    def test_the_grid_pages_without_gaps_or_duplicates_while_posts_come_and_go(
        self,
        new_post_store: Callable[[], PostStore],
        initial: set[int],
        limit: int,
        data: st.DataObject,
    ) -> None:
        """Between two pages, new posts are published (Snowflake ids: newer than any) and posts
        anywhere in the grid are deleted. Every post that stayed is seen exactly once, in order;
        a deleted post behind the cursor is never served; new ones are above the cursor."""
        store = new_post_store()
        for post_id in initial:
            store.add(make_post(post_id))
        alive, deleted = set(initial), set[int]()
        next_id = 10_000
        seen: list[int] = []
        before: int | None = None
        while page := store.by_author("ann", before, limit, published_only=False):
            assert not deleted.intersection(ids(page))
            seen.extend(ids(page))
            before = page[-1].post_id
            for _ in range(data.draw(st.integers(0, 2), label="new posts")):
                store.add(make_post(next_id))
                next_id += 1
            delete_one: bool = bool(alive) and data.draw(st.booleans(), label="delete one")
            if delete_one:
                victim = data.draw(st.sampled_from(sorted(alive)), label="deleted")
                assert store.delete(victim) is not None
                alive.discard(victim)
                deleted.add(victim)
        assert seen == sorted(set(seen), reverse=True)  # newest first, no duplicates
        assert alive <= set(seen)  # no gaps
        assert set(seen) <= set(initial)  # nothing newer than the first page slips in
