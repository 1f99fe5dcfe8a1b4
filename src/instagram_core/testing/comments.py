"""Contract of :class:`~instagram_core.ports.CommentStore`.

Provide ``new_comment_store``: a fixture returning a factory of fresh, empty stores (the
property test needs one per example).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from instagram_core.domain.comments import Comment
from instagram_core.domain.errors import Conflict
from instagram_core.ports import CommentStore
from instagram_core.testing.hypothesis_settings import CONTRACT_HEALTH_CHECKS

MakeStore = Callable[[], CommentStore]


T0 = datetime(2024, 5, 1, 12, 0, 0, 123456, tzinfo=UTC)


def comment(comment_id: int, post_id: int = 1, text: str = "nice") -> Comment:
    return Comment(
        comment_id=comment_id,
        post_id=post_id,
        author_id=f"user-{comment_id % 3}",
        text=text,
        created_at=T0 + timedelta(microseconds=comment_id % 10**12),
    )


class CommentStoreContract:
    """The behaviour every adapter of the port must show. Subclass it in a test module (as
    ``Test<YourAdapter>``) and provide the adapter's fixture: see the module docstring."""

    @pytest.fixture
    def store(self, new_comment_store: MakeStore) -> CommentStore:
        return new_comment_store()

    def test_add_stores_the_comment_as_given(self, store: CommentStore) -> None:
        stored = comment(10, text="Amazing photo! 📸")
        store.add(stored)
        assert list(store.list(1, None, 10)) == [stored]
        assert store.list(1, None, 10)[0].created_at.tzinfo is not None

    def test_add_raises_conflict_if_the_id_exists(self, store: CommentStore) -> None:
        store.add(comment(10, text="first"))
        with pytest.raises(Conflict):
            store.add(comment(10, text="second"))
        assert [c.text for c in store.list(1, None, 10)] == ["first"]

    def test_list_is_oldest_first_whatever_the_insertion_order(self, store: CommentStore) -> None:
        for comment_id in (30, 10, 20):
            store.add(comment(comment_id))
        assert [c.comment_id for c in store.list(1, None, 10)] == [10, 20, 30]

    def test_list_returns_ids_above_after_exclusive(self, store: CommentStore) -> None:
        for comment_id in (10, 20, 30):
            store.add(comment(comment_id))
        assert [c.comment_id for c in store.list(1, 10, 10)] == [20, 30]
        assert [c.comment_id for c in store.list(1, 15, 10)] == [20, 30]
        assert store.list(1, 30, 10) == []

    def test_list_returns_at_most_limit(self, store: CommentStore) -> None:
        for comment_id in range(1, 6):
            store.add(comment(comment_id))
        assert [c.comment_id for c in store.list(1, None, 2)] == [1, 2]
        assert [c.comment_id for c in store.list(1, 2, 2)] == [3, 4]

    def test_list_only_returns_the_posts_comments(self, store: CommentStore) -> None:
        store.add(comment(10, post_id=1))
        store.add(comment(20, post_id=2))
        assert [c.comment_id for c in store.list(2, None, 10)] == [20]
        assert store.list(3, None, 10) == []

    def test_counts_are_zero_for_posts_without_comments(self, store: CommentStore) -> None:
        store.add(comment(10, post_id=1))
        store.add(comment(11, post_id=1))
        store.add(comment(20, post_id=2))
        assert store.counts([1, 2, 3]) == {1: 2, 2: 1, 3: 0}
        assert store.counts([]) == {}

    def test_forget_post_deletes_every_comment_of_the_post(self, store: CommentStore) -> None:
        store.add(comment(10, post_id=1))
        store.add(comment(11, post_id=1))
        store.add(comment(17, post_id=1))
        store.add(comment(20, post_id=2))
        store.forget_post(1)
        assert store.list(1, None, 10) == []
        assert store.counts([1, 2]) == {1: 0, 2: 1}

    def test_forget_post_is_a_no_op_without_comments(self, store: CommentStore) -> None:
        store.forget_post(1)
        assert store.counts([1]) == {1: 0}

    @settings(max_examples=40, deadline=None, suppress_health_check=[*CONTRACT_HEALTH_CHECKS])
    @given(
        ids=st.sets(st.integers(min_value=0, max_value=2**63 - 1), max_size=25),
        limit=st.integers(min_value=1, max_value=7),
    )
    def test_paging_with_after_yields_every_comment_once_in_order(
        self, new_comment_store: MakeStore, ids: set[int], limit: int
    ) -> None:
        store = new_comment_store()
        for comment_id in ids:
            store.add(comment(comment_id))
        seen: list[int] = []
        after: int | None = None
        while page := store.list(1, after, limit):
            assert len(page) <= limit
            seen.extend(c.comment_id for c in page)
            after = page[-1].comment_id
        assert seen == sorted(ids)
