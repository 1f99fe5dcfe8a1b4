"""Contract of the FeedSnapshots port, run against every adapter."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from instagram_adapters.memory.clock import ManualClock
from instagram_adapters.memory.feed_snapshots import InMemoryFeedSnapshots
from instagram_adapters.redis.client import redis_client
from instagram_adapters.redis.feed_snapshots import RedisFeedSnapshots
from instagram_core.ports.feed_snapshots import FeedSnapshots
from tests.engines import RedisServer

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(T0)


@pytest.fixture(params=["memory", "redis"])
def snapshots(request: pytest.FixtureRequest, clock: ManualClock) -> Iterator[FeedSnapshots]:
    if request.param == "memory":
        yield InMemoryFeedSnapshots(clock)
        return
    client = redis_client(request.getfixturevalue("redis_server").url)
    client.flushdb()
    yield RedisFeedSnapshots(client)
    client.close()


@pytest.fixture(params=["memory"])
def clocked_snapshots(request: pytest.FixtureRequest, clock: ManualClock) -> FeedSnapshots:
    """Adapters whose expiry follows the clock port (Redis's is tested in real time)."""
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
    clocked_snapshots: FeedSnapshots, clock: ManualClock
) -> None:
    clocked_snapshots.save("ann", "s1", [1, 2], 60)
    clock.advance(50)
    assert clocked_snapshots.load("ann", "s1", 0, 1) == [1]  # renewed until t=110
    clock.advance(50)
    assert clocked_snapshots.load("ann", "s1", 1, 1) == [2]
    clock.advance(61)
    assert clocked_snapshots.load("ann", "s1", 0, 1) is None


def test_an_empty_order_is_present(snapshots: FeedSnapshots) -> None:
    snapshots.save("ann", "s1", [], 60)
    assert snapshots.load("ann", "s1", 0, 5) == []


def test_redis_snapshot_expires_in_real_time(redis_server: RedisServer) -> None:
    import time

    client = redis_client(redis_server.url)
    snapshots = RedisFeedSnapshots(client)
    snapshots.save("ann", "s9", [1, 2], 1)
    assert snapshots.load("ann", "s9", 0, 5) == [1, 2]
    time.sleep(1.2)
    assert snapshots.load("ann", "s9", 0, 5) is None
    client.close()


def test_save_replaces(snapshots: FeedSnapshots) -> None:
    snapshots.save("ann", "s1", [1, 2], 60)
    snapshots.save("ann", "s1", [3], 60)
    assert snapshots.load("ann", "s1", 0, 10) == [3]
