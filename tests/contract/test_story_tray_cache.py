"""Contract of the StoryTrayCache port, run against every adapter."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
import redis

from instagram_adapters.memory.clock import ManualClock
from instagram_adapters.memory.story_trays import InMemoryStoryTrayCache
from instagram_adapters.redis.client import KEYS_PER_CALL
from instagram_adapters.redis.story_trays import RedisStoryTrayCache
from instagram_core.ports.story_trays import CachedTray, StoryTrayCache
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


def authors(**leaving: int) -> CachedTray:
    """A tray naming these authors, each leaving ``n`` seconds after ``T0``."""
    return CachedTray({a: at(n) for a, n in leaving.items()})


def test_absent_tray_is_none_and_an_empty_one_is_cached(trays: StoryTrayCache) -> None:
    assert trays.get("ann") is None
    trays.put("ann", CachedTray(), 60, T0)
    assert trays.get("ann") == CachedTray()


def test_put_replaces_the_tray(trays: StoryTrayCache) -> None:
    trays.put("ann", authors(bob=1, cat=2), 60, T0)
    trays.put("ann", authors(dan=3), 60, T0)
    assert trays.get("ann") == authors(dan=3)


def test_a_tray_expires_after_its_ttl(clocked_trays: StoryTrayCache, clock: ManualClock) -> None:
    clocked_trays.put("ann", authors(bob=1), 60, T0)
    clock.advance(59)
    assert clocked_trays.get("ann") == authors(bob=1)
    clock.advance(1)
    assert clocked_trays.get("ann") is None


def test_touch_updates_cached_trays_only_and_never_goes_back(trays: StoryTrayCache) -> None:
    trays.put("ann", authors(bob=10), 60, T0)
    trays.touch(["ann", "zoe"], "bob", at(5))
    trays.touch(["ann", "zoe"], "cat", at(7))
    assert trays.get("ann") == authors(bob=10, cat=7)
    assert trays.get("zoe") is None
    trays.touch(["ann"], "bob", at(20))
    assert trays.get("ann") == authors(bob=20, cat=7)


def test_touch_keeps_the_expiry(clocked_trays: StoryTrayCache, clock: ManualClock) -> None:
    clocked_trays.put("ann", CachedTray(), 60, T0)
    clock.advance(30)
    clocked_trays.touch(["ann"], "bob", at(30))
    clock.advance(30)
    assert clocked_trays.get("ann") is None


def test_an_author_leaves_the_tray_at_the_instant_given(
    trays: StoryTrayCache, clock: ManualClock
) -> None:
    """Entries hold when each author leaves; a read by the clock drops the past ones."""
    trays.put("ann", authors(bob=100, cat=200), 3600, T0)
    clock.advance(99)
    assert trays.get("ann", live_at=clock.now()) == authors(bob=100, cat=200)
    clock.advance(1)
    assert trays.get("ann", live_at=clock.now()) == authors(cat=200)  # bob's story expired
    trays.touch(["ann"], "bob", at(300))  # bob posts again
    assert trays.get("ann", live_at=clock.now()) == authors(bob=300, cat=200)
    clock.advance(200)
    assert trays.get("ann", live_at=clock.now()) == CachedTray()  # still cached, nobody left
    assert trays.get("ann") == authors(bob=300, cat=200)
    assert trays.get("zoe", live_at=clock.now()) is None


def test_forget_drops_trays_and_ignores_absent_ones(trays: StoryTrayCache) -> None:
    trays.put("ann", authors(bob=1), 60, T0)
    trays.put("cat", authors(bob=1), 60, T0)
    trays.forget(["ann", "cat", "nobody"])
    assert trays.get("ann") is None
    assert trays.get("cat", live_at=T0) is None


def test_forget_keeps_the_seen_marks(trays: StoryTrayCache) -> None:
    """Views never un-happen: a view delivered again after the forget finds its mark."""
    trays.put("ann", authors(bob=10), 60, T0)
    trays.mark_seen("ann", 7, at(10), 60)
    trays.forget(["ann"])
    assert trays.get("ann") is None
    trays.mark_seen("ann", 7, at(10), 60)
    trays.touch(["ann"], "bob", at(20))  # no tray: nothing to touch
    assert trays.get("ann") is None
    trays.put("ann", authors(cat=10), 60, T0)
    assert trays.get("ann") == CachedTray({"cat": at(10)}, {7: at(10)})


def test_a_tray_is_put_with_its_seen_marks(trays: StoryTrayCache) -> None:
    tray = CachedTray({"bob": at(10)}, {7: at(5), 8: at(10)})
    trays.put("ann", tray, 60, T0)
    assert trays.get("ann") == tray
    trays.put("ann", authors(bob=10), 60, T0)
    assert trays.get("ann") == CachedTray({"bob": at(10)}, {7: at(5), 8: at(10)})  # kept


def test_mark_seen_marks_a_cached_tray_and_again_changes_nothing(
    trays: StoryTrayCache,
) -> None:
    trays.put("ann", authors(bob=10), 60, T0)
    trays.mark_seen("ann", 7, at(10), 60)
    trays.mark_seen("ann", 7, at(10), 60)
    assert trays.get("ann") == CachedTray({"bob": at(10)}, {7: at(10)})


def test_a_mark_without_a_tray_is_no_tray_and_the_next_put_keeps_it(
    trays: StoryTrayCache,
) -> None:
    """A view recorded while the viewer's tray was being rebuilt from the stores (which
    read before the view) is not lost: the rebuilt tray still has it."""
    trays.mark_seen("ann", 7, at(10), 60)
    assert trays.get("ann") is None
    assert trays.get("ann", live_at=T0) is None
    trays.touch(["ann"], "bob", at(10))  # touches cached trays only: still none
    assert trays.get("ann") is None
    trays.put("ann", authors(cat=10), 60, T0)
    assert trays.get("ann") == CachedTray({"cat": at(10)}, {7: at(10)})


def test_a_mark_leaves_with_its_story(trays: StoryTrayCache, clock: ManualClock) -> None:
    """Read by the clock, a seen mark drops out when its story expires; a put at a later
    instant no longer keeps it, so marks of expired stories do not pile up."""
    trays.put("ann", CachedTray({"bob": at(200)}, {7: at(100), 8: at(200)}), 3600, T0)
    clock.advance(100)
    assert trays.get("ann", live_at=clock.now()) == CachedTray({"bob": at(200)}, {8: at(200)})
    trays.put("ann", authors(bob=200), 3600, clock.now())
    assert trays.get("ann") == CachedTray({"bob": at(200)}, {8: at(200)})


def test_mark_seen_keeps_the_expiry(clocked_trays: StoryTrayCache, clock: ManualClock) -> None:
    clocked_trays.put("ann", CachedTray(), 60, T0)
    clock.advance(30)
    clocked_trays.mark_seen("ann", 7, at(1000), 3600)
    clock.advance(30)
    assert clocked_trays.get("ann") is None


def test_a_lone_mark_expires_after_its_ttl(
    clocked_trays: StoryTrayCache, clock: ManualClock
) -> None:
    clocked_trays.mark_seen("ann", 7, at(1000), 60)
    clock.advance(60)
    clocked_trays.put("ann", CachedTray(), 60, clock.now())
    assert clocked_trays.get("ann") == CachedTray()


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
    trays.put("ann", CachedTray({"bob": at(1)}, {7: at(1)}), 60, T0)
    assert 30_000 < client.pttl("story_tray:ann") <= 60_000
    assert trays.get("ann") == CachedTray({"bob": at(1)}, {7: at(1)})
    let_expire(client, "story_tray:ann")
    assert trays.get("ann") is None


def test_redis_tray_expires_on_time_though_touched_and_marked(
    redis_trays: tuple[RedisStoryTrayCache, redis.Redis],
) -> None:
    trays, client = redis_trays
    trays.put("ann", CachedTray(), 60, T0)
    client.pexpire("story_tray:ann", 20_000)  # forty seconds later
    trays.touch(["ann"], "bob", at(30))
    trays.mark_seen("ann", 7, at(30), 3600)
    assert trays.get("ann") == CachedTray({"bob": at(30)}, {7: at(30)})
    assert 0 < client.pttl("story_tray:ann") <= 20_000  # not reset to the full minute
    let_expire(client, "story_tray:ann")
    assert trays.get("ann") is None


def test_redis_a_lone_mark_expires_after_its_ttl(
    redis_trays: tuple[RedisStoryTrayCache, redis.Redis],
) -> None:
    trays, client = redis_trays
    trays.mark_seen("ann", 7, at(30), 60)
    assert 30_000 < client.pttl("story_tray:ann") <= 60_000
    trays.mark_seen("ann", 8, at(30), 3600)  # a later mark keeps the key's expiry
    assert client.pttl("story_tray:ann") <= 60_000
    let_expire(client, "story_tray:ann")
    trays.put("ann", CachedTray(), 60, T0)
    assert trays.get("ann") == CachedTray()


def test_redis_tray_keeps_microseconds_and_reads_back_in_utc(
    redis_trays: tuple[RedisStoryTrayCache, redis.Redis],
) -> None:
    trays, _ = redis_trays
    seen = datetime(2026, 3, 1, 10, 0, 0, 123_457, tzinfo=timezone(timedelta(hours=2)))
    trays.put("ann", CachedTray({"bob": seen}, {7: seen}), 60, T0)
    found = trays.get("ann") or CachedTray()
    assert found == CachedTray({"bob": seen}, {7: seen})
    assert found.leaving["bob"].tzinfo == UTC
    assert found.seen[7].tzinfo == UTC


def test_redis_touch_spans_several_script_calls(
    redis_trays: tuple[RedisStoryTrayCache, redis.Redis],
) -> None:
    trays, client = redis_trays
    viewers = [f"viewer-{n}" for n in range(KEYS_PER_CALL * 2 + 500)]
    for viewer in viewers[::2]:
        trays.put(viewer, CachedTray(), 60, T0)
    trays.touch(viewers, "bob", at(5))
    assert [trays.get(v) for v in viewers[::2]] == [authors(bob=5)] * len(viewers[::2])
    assert all(trays.get(v) is None for v in viewers[1::2])
    trays.forget(viewers)
    assert client.dbsize() == 0


def test_redis_a_big_tray_is_put_in_one_call(
    redis_trays: tuple[RedisStoryTrayCache, redis.Redis],
) -> None:
    """A viewer following thousands of authors: more members than one ``ZADD`` takes in Lua."""
    trays, _ = redis_trays
    tray = CachedTray(
        {f"author-{n}": at(n) for n in range(7_500)}, {n: at(n) for n in range(1, 2_000)}
    )
    trays.put("ann", tray, 60, T0)
    assert trays.get("ann") == tray


def test_redis_a_ttl_of_zero_leaves_no_tray(
    redis_trays: tuple[RedisStoryTrayCache, redis.Redis],
) -> None:
    trays, client = redis_trays
    trays.put("ann", authors(bob=1), 0, T0)
    assert trays.get("ann") is None
    assert client.dbsize() == 0
