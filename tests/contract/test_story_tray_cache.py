"""Contract of the StoryTrayCache port, run against every adapter."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
import redis

from instagram_adapters.memory.clock import ManualClock
from instagram_adapters.memory.story_trays import InMemoryStoryTrayCache
from instagram_adapters.redis.client import KEYS_PER_CALL
from instagram_adapters.redis.story_trays import RedisStoryTrayCache
from instagram_core.ports.story_trays import StoryTrayCache
from tests.redis_support import fresh_redis, let_expire

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(T0)


@pytest.fixture(params=["memory", "redis"])
def trays(request: pytest.FixtureRequest, clock: ManualClock) -> StoryTrayCache:
    if request.param == "redis":
        return RedisStoryTrayCache(fresh_redis(request))
    return InMemoryStoryTrayCache(clock)


@pytest.fixture(params=["memory"])
def clocked_trays(request: pytest.FixtureRequest, clock: ManualClock) -> StoryTrayCache:
    """Adapters whose expiry follows the clock port. Redis expires by its own clock, which
    no test can move: the same sentences are tested there in real time (``test_redis_``)."""
    return InMemoryStoryTrayCache(clock)


def at(seconds: int) -> datetime:
    return T0 + timedelta(seconds=seconds)


def test_absent_tray_is_none_and_an_empty_one_is_cached(trays: StoryTrayCache) -> None:
    assert trays.get("ann") is None
    trays.put("ann", {}, 60)
    assert trays.get("ann") == {}


def test_put_replaces_the_tray(trays: StoryTrayCache) -> None:
    trays.put("ann", {"bob": at(1), "cat": at(2)}, 60)
    trays.put("ann", {"dan": at(3)}, 60)
    assert trays.get("ann") == {"dan": at(3)}


def test_a_tray_expires_after_its_ttl(clocked_trays: StoryTrayCache, clock: ManualClock) -> None:
    clocked_trays.put("ann", {"bob": at(1)}, 60)
    clock.advance(59)
    assert clocked_trays.get("ann") == {"bob": at(1)}
    clock.advance(1)
    assert clocked_trays.get("ann") is None


def test_touch_updates_cached_trays_only_and_never_goes_back(trays: StoryTrayCache) -> None:
    trays.put("ann", {"bob": at(10)}, 60)
    trays.touch(["ann", "zoe"], "bob", at(5))
    trays.touch(["ann", "zoe"], "cat", at(7))
    assert trays.get("ann") == {"bob": at(10), "cat": at(7)}
    assert trays.get("zoe") is None
    trays.touch(["ann"], "bob", at(20))
    assert trays.get("ann") == {"bob": at(20), "cat": at(7)}


def test_touch_keeps_the_expiry(clocked_trays: StoryTrayCache, clock: ManualClock) -> None:
    clocked_trays.put("ann", {}, 60)
    clock.advance(30)
    clocked_trays.touch(["ann"], "bob", at(30))
    clock.advance(30)
    assert clocked_trays.get("ann") is None


def test_an_author_leaves_the_tray_at_the_instant_given(
    trays: StoryTrayCache, clock: ManualClock
) -> None:
    """Entries hold when each author leaves; a read by the clock drops the past ones."""
    trays.put("ann", {"bob": at(100), "cat": at(200)}, 3600)
    clock.advance(99)
    assert trays.get("ann", live_at=clock.now()) == {"bob": at(100), "cat": at(200)}
    clock.advance(1)
    assert trays.get("ann", live_at=clock.now()) == {"cat": at(200)}  # bob's story expired
    trays.touch(["ann"], "bob", at(300))  # bob posts again
    assert trays.get("ann", live_at=clock.now()) == {"bob": at(300), "cat": at(200)}
    clock.advance(200)
    assert trays.get("ann", live_at=clock.now()) == {}  # still cached, nobody left
    assert trays.get("ann") == {"bob": at(300), "cat": at(200)}
    assert trays.get("zoe", live_at=clock.now()) is None


def test_forget_drops_trays_and_ignores_absent_ones(trays: StoryTrayCache) -> None:
    trays.put("ann", {"bob": at(1)}, 60)
    trays.forget(["ann", "nobody"])
    assert trays.get("ann") is None


@pytest.fixture
def redis_trays(request: pytest.FixtureRequest) -> tuple[RedisStoryTrayCache, redis.Redis]:
    client = fresh_redis(request)
    return RedisStoryTrayCache(client), client


# Redis expires by its own clock, which no test can move: the TTL is checked as set, then
# ended (``let_expire``). Waiting out a one-second TTL in real time failed on loaded machines.


def test_redis_tray_expires_after_its_ttl(
    redis_trays: tuple[RedisStoryTrayCache, redis.Redis],
) -> None:
    trays, client = redis_trays
    trays.put("ann", {"bob": at(1)}, 60)
    assert 30_000 < client.pttl("story_tray:ann") <= 60_000
    assert trays.get("ann") == {"bob": at(1)}
    let_expire(client, "story_tray:ann")
    assert trays.get("ann") is None


def test_redis_tray_expires_on_time_though_touched(
    redis_trays: tuple[RedisStoryTrayCache, redis.Redis],
) -> None:
    trays, client = redis_trays
    trays.put("ann", {}, 60)
    client.pexpire("story_tray:ann", 20_000)  # forty seconds later
    trays.touch(["ann"], "bob", at(30))
    assert trays.get("ann") == {"bob": at(30)}
    assert 0 < client.pttl("story_tray:ann") <= 20_000  # not reset to the full minute
    let_expire(client, "story_tray:ann")
    assert trays.get("ann") is None


def test_redis_tray_keeps_microseconds_and_reads_back_in_utc(
    redis_trays: tuple[RedisStoryTrayCache, redis.Redis],
) -> None:
    trays, _ = redis_trays
    seen = datetime(2026, 3, 1, 10, 0, 0, 123_457, tzinfo=timezone(timedelta(hours=2)))
    trays.put("ann", {"bob": seen}, 60)
    found = trays.get("ann") or {}
    assert found == {"bob": seen}
    assert found["bob"].tzinfo == UTC


def test_redis_touch_spans_several_script_calls(
    redis_trays: tuple[RedisStoryTrayCache, redis.Redis],
) -> None:
    trays, client = redis_trays
    viewers = [f"viewer-{n}" for n in range(KEYS_PER_CALL * 2 + 500)]
    for viewer in viewers[::2]:
        trays.put(viewer, {}, 60)
    trays.touch(viewers, "bob", at(5))
    assert [trays.get(v) for v in viewers[::2]] == [{"bob": at(5)}] * len(viewers[::2])
    assert all(trays.get(v) is None for v in viewers[1::2])
    trays.forget(viewers)
    assert client.dbsize() == 0


def test_redis_a_ttl_of_zero_leaves_no_tray(
    redis_trays: tuple[RedisStoryTrayCache, redis.Redis],
) -> None:
    trays, client = redis_trays
    trays.put("ann", {"bob": at(1)}, 0)
    assert trays.get("ann") is None
    assert client.dbsize() == 0
