"""Contract of :class:`~instagram_core.ports.AffinityStore`.

Provide ``new_affinity_store``: a fixture returning a factory of fresh, empty stores.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from instagram_core.ports.affinity import AffinityStore

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


class AffinityStoreContract:
    """The behaviour every adapter of the port must show. Subclass it in a test module (as
    ``Test<YourAdapter>``) and provide the adapter's fixture: see the module docstring."""

    @pytest.fixture
    def store(self, new_affinity_store: Callable[[], AffinityStore]) -> AffinityStore:
        return new_affinity_store()

    def test_unknown_affinities_are_left_out(self, store: AffinityStore) -> None:
        history = store.history("ann", ["bob"], ["cats"], [1], T0)
        assert (history.author_affinity, history.tag_affinity, history.seen) == (
            {},
            {},
            frozenset(),
        )

    def test_engagement_adds_up_and_decays(self, store: AffinityStore) -> None:
        store.record("ann", "bob", ["cats", "cats", "dogs"], 1.0, T0)
        store.record("ann", "bob", ["cats"], 1.0, T0 + timedelta(days=14))
        later = T0 + timedelta(days=14)
        history = store.history("ann", ["bob", "cy"], ["cats", "dogs"], [], later)
        assert history.author_affinity["bob"] == pytest.approx(1 + math.exp(-1))
        assert history.tag_affinity["cats"] == pytest.approx(1 + math.exp(-1))
        assert history.tag_affinity["dogs"] == pytest.approx(math.exp(-1))
        assert "cy" not in history.author_affinity

    def test_affinity_is_per_viewer(self, store: AffinityStore) -> None:
        store.record("ann", "bob", [], 2.0, T0)
        assert store.history("cy", ["bob"], [], [], T0).author_affinity == {}

    def test_seen_posts_are_remembered_for_two_weeks(self, store: AffinityStore) -> None:
        store.mark_seen("ann", [1, 2], T0)
        assert store.history("ann", [], [], [1, 3], T0 + timedelta(days=13)).seen == {1}
        assert store.history("ann", [], [], [1, 2], T0 + timedelta(days=15)).seen == frozenset()

    def test_an_event_counts_once_while_remembered(self, store: AffinityStore) -> None:
        store.record("ann", "bob", ["cats"], 1.0, T0, event_id="like:ann:1")
        store.record("ann", "bob", ["cats"], 1.0, T0 + timedelta(hours=1), event_id="like:ann:1")
        store.record("ann", "bob", ["cats"], 1.0, T0, event_id="comment:7")  # another event
        history = store.history("ann", ["bob"], ["cats"], [], T0)
        assert history.author_affinity["bob"] == pytest.approx(2.0)
        assert history.tag_affinity["cats"] == pytest.approx(2.0)

    def test_event_ids_are_per_viewer(self, store: AffinityStore) -> None:
        store.record("ann", "bob", [], 1.0, T0, event_id="comment:7")
        store.record("cy", "bob", [], 1.0, T0, event_id="comment:7")
        assert store.history("cy", ["bob"], [], [], T0).author_affinity["bob"] == pytest.approx(1.0)

    def test_events_without_an_id_always_count(self, store: AffinityStore) -> None:
        store.record("ann", "bob", [], 1.0, T0)
        store.record("ann", "bob", [], 1.0, T0)
        affinity = store.history("ann", ["bob"], [], [], T0).author_affinity
        assert affinity["bob"] == pytest.approx(2.0)
