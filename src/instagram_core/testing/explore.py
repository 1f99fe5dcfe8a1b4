"""Contracts of Explore's ports: :class:`~instagram_core.ports.ExploreStore` (the engagement
log, neighbours, trending and seen marks) and :class:`~instagram_core.ports.ItemSimilarity`
(the offline computation).

Provide ``new_explore_store`` (a factory of fresh, empty stores) for the first, and
``new_item_similarity`` for the second.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from instagram_core.ports.explore import (
    LOG_RETENTION,
    Engagement,
    ExploreStore,
    ItemSimilarity,
)
from instagram_core.testing.hypothesis_settings import CONTRACT_HEALTH_CHECKS

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def like(
    user: str,
    post: int,
    minutes: float = 0,
    author: str = "a",
    weight: float = 1.0,
    hashtags: tuple[str, ...] = (),
) -> Engagement:
    return Engagement(user, post, author, weight, T0 + timedelta(minutes=minutes), hashtags)


class ExploreStoreContract:
    """The behaviour every adapter of the port must show. Subclass it in a test module (as
    ``Test<YourAdapter>``) and provide the adapter's fixture: see the module docstring."""

    @pytest.fixture
    def store(self, new_explore_store: Callable[[], ExploreStore]) -> ExploreStore:
        return new_explore_store()

    def test_an_empty_store_knows_nothing(self, store: ExploreStore) -> None:
        assert store.window(T0 - LOG_RETENTION) == []
        assert store.recent_by(["u"], 10) == []
        assert store.neighbours([1, 2], 5) == {}
        assert store.trending(10) == []
        assert store.seen_since("u", T0 - timedelta(days=1)) == set()
        assert store.last_build() is None

    def test_the_log_keeps_every_field_in_time_order(self, store: ExploreStore) -> None:
        later = like("u1", 2, minutes=5, author="b", weight=2.0, hashtags=("cats", "dogs"))
        earlier = like("u2", 1, minutes=1)
        assert store.record(later, "e1")
        assert store.record(earlier, "e2")
        assert list(store.window(T0)) == [earlier, later]
        assert list(store.window(T0 + timedelta(minutes=2))) == [later]

    def test_an_event_recorded_twice_counts_once(self, store: ExploreStore) -> None:
        assert store.record(like("u1", 1), "like:u1:1")
        assert not store.record(like("u1", 1, minutes=3), "like:u1:1")
        assert len(store.window(T0)) == 1

    def test_recent_by_is_newest_first_for_the_given_users_only(self, store: ExploreStore) -> None:
        for index, user in enumerate(["u1", "u2", "u1", "u3", "u2"]):
            store.record(like(user, index + 1, minutes=index), f"e{index}")
        assert [e.post_id for e in store.recent_by(["u1", "u2"], 10)] == [5, 3, 2, 1]
        assert [e.post_id for e in store.recent_by(["u1", "u2"], 2)] == [5, 3]
        assert store.recent_by([], 10) == []

    def test_neighbours_are_replaced_and_cut_to_the_asked_length(self, store: ExploreStore) -> None:
        store.put_neighbours({1: [(2, 0.5), (3, 0.9), (4, 0.5)], 5: [(1, 1.0)]})
        assert store.neighbours([1], 2) == {1: [(3, 0.9), (4, 0.5)]}
        store.put_neighbours({1: [(6, 0.3)], 5: []})
        found = store.neighbours([1, 5, 7], 10)
        assert list(found) == [1]
        assert [p for p, _ in found[1]] == [6]
        assert [s for _, s in found[1]] == pytest.approx([0.3])

    def test_trending_is_replaced_whole_and_ordered(self, store: ExploreStore) -> None:
        store.put_trending([(1, 1.0), (2, 3.0), (3, 3.0)])
        assert [p for p, _ in store.trending(10)] == [3, 2, 1]
        assert [p for p, _ in store.trending(1)] == [3]
        store.put_trending([(9, 0.5)])
        assert [p for p, _ in store.trending(10)] == [9]
        assert [s for _, s in store.trending(10)] == pytest.approx([0.5])

    def test_a_forgotten_post_is_gone_from_every_list(self, store: ExploreStore) -> None:
        store.record(like("u1", 1), "e1")
        store.record(like("u1", 2), "e2")
        store.put_neighbours({1: [(2, 0.5)], 2: [(1, 0.5), (3, 0.2)]})
        store.put_trending([(1, 2.0), (2, 1.0)])
        store.forget_post(1)
        store.forget_post(404)  # unknown: a no-op
        assert [e.post_id for e in store.window(T0)] == [2]
        left = store.neighbours([1, 2], 10)
        assert list(left) == [2]
        assert [p for p, _ in left[2]] == [3]
        assert [s for _, s in left[2]] == pytest.approx([0.2])
        assert [p for p, _ in store.trending(10)] == [2]

    def test_seen_marks_are_per_viewer_and_by_time(self, store: ExploreStore) -> None:
        store.mark_seen("u1", [1, 2], T0)
        store.mark_seen("u1", [3], T0 + timedelta(days=2))
        store.mark_seen("u2", [4], T0)
        assert store.seen_since("u1", T0) == {1, 2, 3}
        assert store.seen_since("u1", T0 + timedelta(days=1)) == {3}
        assert store.seen_since("u2", T0) == {4}

    def test_a_post_seen_again_counts_from_the_last_time(self, store: ExploreStore) -> None:
        store.mark_seen("u1", [1], T0)
        store.mark_seen("u1", [1], T0 + timedelta(days=3))
        assert store.seen_since("u1", T0 + timedelta(days=2)) == {1}

    def test_the_last_build_is_remembered(self, store: ExploreStore) -> None:
        store.set_last_build(T0)
        store.set_last_build(T0 + timedelta(minutes=5))
        assert store.last_build() == T0 + timedelta(minutes=5)


logs = st.lists(
    st.tuples(
        st.sampled_from(["u1", "u2", "u3", "u4", "u5"]),
        st.integers(1, 8),
        st.sampled_from([1.0, 2.0]),
    ),
    max_size=30,
)


def cosine(log: list[Engagement], a: int, b: int) -> float:
    vectors: dict[int, dict[str, float]] = {}
    for e in log:
        row = vectors.setdefault(e.post_id, {})
        row[e.user_id] = row.get(e.user_id, 0.0) + e.weight
    va, vb = vectors.get(a, {}), vectors.get(b, {})
    dot = sum(w * vb.get(u, 0.0) for u, w in va.items())
    norm = math.sqrt(sum(w * w for w in va.values()) * sum(w * w for w in vb.values()))
    return dot / norm if norm else 0.0


class ItemSimilarityContract:
    @pytest.fixture
    def similarity(self, new_item_similarity: Callable[[], ItemSimilarity]) -> ItemSimilarity:
        return new_item_similarity()

    def test_posts_liked_by_the_same_people_are_neighbours(
        self, similarity: ItemSimilarity
    ) -> None:
        log = [like("u1", 1), like("u1", 2), like("u2", 1), like("u2", 2), like("u3", 1)]
        log += [like("u3", 3), like("u4", 4)]
        found = similarity.neighbours(log, [1, 4, 99], 5)
        assert [p for p, _ in found[1]] == [2, 3]  # 2: two shared likers; 3: one
        assert found[1][0][1] == pytest.approx(2 / math.sqrt(3 * 2))
        assert found[4] == []  # nobody else liked what u4 liked
        assert found[99] == []  # not in the log

    def test_k_bounds_the_list(self, similarity: ItemSimilarity) -> None:
        log = [like("u1", post) for post in range(1, 8)]
        found = similarity.neighbours(log, [1], 3)
        assert [p for p, _ in found[1]] == [7, 6, 5]  # equal similarity: higher id first

    @settings(max_examples=40, deadline=None, suppress_health_check=[*CONTRACT_HEALTH_CHECKS])
    @given(log=logs)
    def test_scores_are_the_cosine_of_the_engagement_vectors(
        self, new_item_similarity: Callable[[], ItemSimilarity], log: list[tuple[str, int, float]]
    ) -> None:
        similarity = new_item_similarity()
        engagements = [like(u, p, weight=w) for u, p, w in log]
        found = similarity.neighbours(engagements, range(1, 9), 8)
        for post_id, neighbours in found.items():
            assert post_id not in [p for p, _ in neighbours]
            expected = {
                other: cosine(engagements, post_id, other)
                for other in range(1, 9)
                if other != post_id and cosine(engagements, post_id, other) > 1e-12
            }
            assert {p: pytest.approx(s) for p, s in neighbours} == expected
            scores = [s for _, s in neighbours]
            assert scores == sorted(scores, reverse=True)
