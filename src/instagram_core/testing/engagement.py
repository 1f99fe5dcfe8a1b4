"""Contract of :class:`~instagram_core.ports.EngagementStore` (likes, saves, like counts).

Provide ``new_engagement_store``: a fixture returning a factory of fresh, empty stores (the
property test needs one per example).
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from instagram_core.ports import EngagementStore
from instagram_core.testing.hypothesis_settings import CONTRACT_HEALTH_CHECKS

MakeStore = Callable[[], EngagementStore]


_actions = st.lists(
    st.tuples(st.booleans(), st.sampled_from([1, 2]), st.sampled_from(["a", "b", "c", "d"])),
    max_size=30,
)


class EngagementStoreContract:
    """The behaviour every adapter of the port must show. Subclass it in a test module (as
    ``Test<YourAdapter>``) and provide the adapter's fixture: see the module docstring."""

    @pytest.fixture
    def store(self, new_engagement_store: MakeStore) -> EngagementStore:
        return new_engagement_store()

    def test_like_records_the_like_and_returns_the_count(self, store: EngagementStore) -> None:
        assert store.like(1, "alice") == (True, 1)
        assert store.like(1, "bob") == (True, 2)
        assert store.liked_by("alice", [1]) == {1}

    def test_liking_again_returns_false_and_changes_nothing(self, store: EngagementStore) -> None:
        store.like(1, "alice")
        assert store.like(1, "alice") == (False, 1)
        assert store.like_counts([1]) == {1: 1}

    def test_unlike_removes_the_like(self, store: EngagementStore) -> None:
        store.like(1, "alice")
        store.like(1, "bob")
        assert store.unlike(1, "alice") == (True, 1)
        assert store.liked_by("alice", [1]) == set()
        assert store.like_counts([1]) == {1: 1}

    def test_unlike_is_a_no_op_when_absent(self, store: EngagementStore) -> None:
        store.like(1, "bob")
        assert store.unlike(1, "alice") == (False, 1)
        assert store.unlike(2, "alice") == (False, 0)
        assert store.like_counts([1, 2]) == {1: 1, 2: 0}

    def test_like_after_unlike_counts_again(self, store: EngagementStore) -> None:
        store.like(1, "alice")
        store.unlike(1, "alice")
        assert store.like(1, "alice") == (True, 1)

    def test_like_counts_are_zero_for_posts_without_likes(self, store: EngagementStore) -> None:
        store.like(1, "alice")
        store.like(3, "alice")
        store.like(3, "bob")
        assert store.like_counts([1, 2, 3]) == {1: 1, 2: 0, 3: 2}
        assert store.like_counts([]) == {}

    def test_liked_by_returns_only_requested_posts_the_user_likes(
        self, store: EngagementStore
    ) -> None:
        for post_id in (1, 2, 3):
            store.like(post_id, "alice")
        store.like(4, "bob")
        assert store.liked_by("alice", [2, 3, 4, 5]) == {2, 3}
        assert store.liked_by("alice", []) == set()

    def test_save_bookmarks_once(self, store: EngagementStore) -> None:
        assert store.save("alice", 1) is True
        assert store.save("alice", 1) is False
        assert store.saved_by("alice", [1, 2]) == {1}
        assert store.saved_by("bob", [1]) == set()

    def test_unsave_is_false_without_a_bookmark(self, store: EngagementStore) -> None:
        store.save("alice", 1)
        assert store.unsave("alice", 1) is True
        assert store.unsave("alice", 1) is False
        assert store.unsave("bob", 2) is False
        assert store.saved_by("alice", [1]) == set()

    def test_saves_and_likes_are_independent(self, store: EngagementStore) -> None:
        store.save("alice", 1)
        assert store.liked_by("alice", [1]) == set()
        assert store.like_counts([1]) == {1: 0}

    def test_forget_post_drops_likes_saves_and_count(self, store: EngagementStore) -> None:
        store.like(1, "alice")
        store.save("alice", 1)
        store.like(2, "alice")
        store.save("alice", 2)
        store.forget_post(1)
        assert store.like_counts([1, 2]) == {1: 0, 2: 1}
        assert store.liked_by("alice", [1, 2]) == {2}
        assert store.saved_by("alice", [1, 2]) == {2}
        assert store.like(1, "alice") == (True, 1)

    def test_forget_post_is_a_no_op_without_engagement(self, store: EngagementStore) -> None:
        store.forget_post(1)
        assert store.like_counts([1]) == {1: 0}

    @settings(max_examples=40, deadline=None, suppress_health_check=[*CONTRACT_HEALTH_CHECKS])
    @given(actions=_actions)
    def test_count_equals_distinct_likers_after_any_sequence(
        self, new_engagement_store: MakeStore, actions: list[tuple[bool, int, str]]
    ) -> None:
        store = new_engagement_store()
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
        assert store.like_counts([1, 2]) == {
            post_id: len(users) for post_id, users in likers.items()
        }
        for user_id in "abcd":
            assert store.liked_by(user_id, [1, 2]) == {
                p for p, us in likers.items() if user_id in us
            }

    def test_concurrent_likes_and_unlikes_count_each_final_liker_once(
        self,
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
