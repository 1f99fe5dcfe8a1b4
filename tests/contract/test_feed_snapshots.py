"""Contract of the FeedSnapshots port, run against every adapter."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from adapters.memory.clock import ManualClock
from adapters.memory.feed_snapshots import InMemoryFeedSnapshots
from instagram_core.ports.feed_snapshots import FeedSnapshots

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(T0)


@pytest.fixture(params=["memory"])
def snapshots(request: pytest.FixtureRequest, clock: ManualClock) -> FeedSnapshots:
    return InMemoryFeedSnapshots(clock)


def test_a_saved_order_pages_back_exactly(snapshots: FeedSnapshots) -> None:
    snapshots.save("ann", "s1", [30, 10, 20, 40], 60)
    assert snapshots.load("ann", "s1", 0, 2) == [30, 10]
    assert snapshots.load("ann", "s1", 2, 2) == [20, 40]
    assert snapshots.load("ann", "s1", 4, 2) == []


def test_unknown_or_other_viewers_snapshot_is_none(snapshots: FeedSnapshots) -> None:
    snapshots.save("ann", "s1", [1], 60)
    assert snapshots.load("ann", "nope", 0, 5) is None
    assert snapshots.load("bob", "s1", 0, 5) is None


def test_a_snapshot_expires_and_reads_renew_it(
    snapshots: FeedSnapshots, clock: ManualClock
) -> None:
    snapshots.save("ann", "s1", [1, 2], 60)
    clock.advance(50)
    assert snapshots.load("ann", "s1", 0, 1) == [1]  # renewed until t=110
    clock.advance(50)
    assert snapshots.load("ann", "s1", 1, 1) == [2]
    clock.advance(61)
    assert snapshots.load("ann", "s1", 0, 1) is None


def test_save_replaces(snapshots: FeedSnapshots) -> None:
    snapshots.save("ann", "s1", [1, 2], 60)
    snapshots.save("ann", "s1", [3], 60)
    assert snapshots.load("ann", "s1", 0, 10) == [3]
