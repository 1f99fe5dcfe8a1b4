"""Contract of the StoryTrayCache port, run against every adapter."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from adapters.memory.clock import ManualClock
from adapters.memory.story_trays import InMemoryStoryTrayCache
from instagram_core.ports.story_trays import StoryTrayCache

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(T0)


@pytest.fixture(params=["memory"])
def trays(request: pytest.FixtureRequest, clock: ManualClock) -> StoryTrayCache:
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


def test_a_tray_expires_after_its_ttl(trays: StoryTrayCache, clock: ManualClock) -> None:
    trays.put("ann", {"bob": at(1)}, 60)
    clock.advance(59)
    assert trays.get("ann") == {"bob": at(1)}
    clock.advance(1)
    assert trays.get("ann") is None


def test_touch_updates_cached_trays_only_and_never_goes_back(trays: StoryTrayCache) -> None:
    trays.put("ann", {"bob": at(10)}, 60)
    trays.touch(["ann", "zoe"], "bob", at(5))
    trays.touch(["ann", "zoe"], "cat", at(7))
    assert trays.get("ann") == {"bob": at(10), "cat": at(7)}
    assert trays.get("zoe") is None
    trays.touch(["ann"], "bob", at(20))
    assert trays.get("ann") == {"bob": at(20), "cat": at(7)}


def test_touch_keeps_the_expiry(trays: StoryTrayCache, clock: ManualClock) -> None:
    trays.put("ann", {}, 60)
    clock.advance(30)
    trays.touch(["ann"], "bob", at(30))
    clock.advance(30)
    assert trays.get("ann") is None


def test_forget_drops_trays_and_ignores_absent_ones(trays: StoryTrayCache) -> None:
    trays.put("ann", {"bob": at(1)}, 60)
    trays.forget(["ann", "nobody"])
    assert trays.get("ann") is None
