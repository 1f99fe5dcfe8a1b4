"""Idle expiry of feeds: an unread feed goes absent, so fan-out skips inactive followers."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import redis

from instagram_adapters.memory.clock import ManualClock
from instagram_adapters.memory.feed_cache import InMemoryFeedCache
from instagram_adapters.redis.feed_cache import RedisFeedCache
from instagram_core.ports.feed_cache import FeedCache
from tests.engines import RedisServer

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
IDLE = 3600


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(T0)


@pytest.fixture(params=["memory"])
def feeds(request: pytest.FixtureRequest, clock: ManualClock) -> FeedCache:
    return InMemoryFeedCache(clock=clock, idle_ttl_seconds=IDLE)


def test_an_unread_feed_expires_and_then_gets_no_pushes(
    feeds: FeedCache, clock: ManualClock
) -> None:
    feeds.add_many("ann", [1])
    clock.advance(IDLE - 1)
    feeds.add(["ann"], 2)  # a push does not count as activity
    assert feeds.page("ann", None, 10) == [2, 1]
    clock.advance(IDLE)
    feeds.add(["ann"], 3)
    assert feeds.page("ann", None, 10) is None


def test_reading_keeps_a_feed_alive(feeds: FeedCache, clock: ManualClock) -> None:
    feeds.add_many("ann", [1])
    for _ in range(5):
        clock.advance(IDLE - 1)
        assert feeds.page("ann", None, 1) == [1]


def test_a_clock_needs_a_ttl() -> None:
    with pytest.raises(ValueError, match="both"):
        InMemoryFeedCache(clock=ManualClock(T0))


def test_redis_feed_goes_absent_after_its_idle_time(redis_server: RedisServer) -> None:
    import time

    client = redis.Redis.from_url(redis_server.url)
    client.flushdb()
    feeds = RedisFeedCache(client, idle_ttl_seconds=1)
    feeds.add_many("ann", [5])
    feeds.add(["ann"], 6)
    assert feeds.page("ann", None, 10) == [6, 5]
    time.sleep(1.2)
    assert feeds.page("ann", None, 10) is None
    client.close()
