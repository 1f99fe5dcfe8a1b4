"""A tray's ``seen`` comes from the cached tray, which ``StoryViewed`` keeps up to date
through the bus: a cached read asks the view store nothing, a cold one rebuilds from it, and a
view landing while a tray is being rebuilt is not lost."""

from __future__ import annotations

from collections.abc import Iterable

import pytest

from instagram_core.domain.events import StoryViewed
from instagram_core.domain.users import User
from instagram_core.ports.story_trays import CachedTray
from tests.unit.conftest import START, World


@pytest.fixture
def lookups(world: World, monkeypatch: pytest.MonkeyPatch) -> list[set[int]]:
    """The story ids of every view-store ``seen`` lookup, as they happen."""
    store = world.adapters.story_views()
    real = store.seen
    asked: list[set[int]] = []

    def seen(viewer_id: str, story_ids: Iterable[int]) -> set[int]:
        ids = set(story_ids)
        asked.append(ids)
        found: set[int] = real(viewer_id, ids)
        return found

    monkeypatch.setattr(store, "seen", seen)
    return asked


def story(world: World, author: User) -> int:
    made = world.core.stories().create(author.user_id, world.upload(author, purpose="story"))
    return made.story_id


def seen_ids(world: World, viewer: User) -> dict[int, bool]:
    return {
        v.story.story_id: bool(v.seen)
        for t in world.core.stories().tray(viewer.user_id)
        for v in t.stories
    }


def test_a_cached_tray_read_asks_the_view_store_nothing(
    world: World, lookups: list[set[int]]
) -> None:
    alice, bob = world.register("alice"), world.register("bob")
    world.follow(bob, alice)
    first, second = story(world, alice), story(world, alice)
    assert seen_ids(world, bob) == {first: False, second: False}
    assert lookups == [{first, second}]  # the rebuild read the views once
    world.core.story_audience().view(bob.user_id, first)
    world.clock.advance(1)
    assert seen_ids(world, bob) == {first: True, second: False}
    world.core.story_audience().view(bob.user_id, second)
    trays = world.core.stories().tray(bob.user_id)
    assert [(t.user.username, t.seen) for t in trays] == [("alice", True)]
    assert lookups == [{first, second}]  # none since: the bus marked the cached tray


def test_a_cold_tray_takes_seen_from_the_view_store(world: World, lookups: list[set[int]]) -> None:
    alice, bob = world.register("alice"), world.register("bob")
    world.follow(bob, alice)
    first, second = story(world, alice), story(world, alice)
    world.core.story_audience().view(bob.user_id, first)  # before any tray was cached
    world.adapters.story_trays().forget([bob.user_id])
    assert seen_ids(world, bob) == {first: True, second: False}
    assert lookups == [{first, second}]
    world.clock.advance(3600)  # the cached tray's TTL: rebuilt, same answer
    assert seen_ids(world, bob) == {first: True, second: False}
    assert len(lookups) == 2


def test_a_view_during_a_rebuild_is_not_lost(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    """The rebuild reads the view store, then the view is recorded and its mark handled
    (no tray cached yet), then the rebuild puts the tray: it keeps the mark."""
    alice, bob = world.register("alice"), world.register("bob")
    world.follow(bob, alice)
    sid = story(world, alice)
    store = world.adapters.story_views()
    real = store.seen

    def seen_then_view(viewer_id: str, story_ids: Iterable[int]) -> set[int]:
        found: set[int] = real(viewer_id, story_ids)
        monkeypatch.setattr(store, "seen", real)
        world.core.story_audience().view(bob.user_id, sid)  # its handler runs inline
        return found

    monkeypatch.setattr(store, "seen", seen_then_view)
    assert seen_ids(world, bob) == {sid: False}  # read before the view
    assert seen_ids(world, bob) == {sid: True}  # the cached tray kept the racing mark


def test_a_view_handled_after_its_story_expired_marks_nothing(world: World) -> None:
    alice, bob = world.register("alice"), world.register("bob")
    world.follow(bob, alice)
    sid = story(world, alice)
    world.clock.advance(24 * 3600)
    world.core.stories().on_story_viewed(StoryViewed(sid, bob.user_id, alice.user_id))
    trays = world.adapters.story_trays()
    trays.put(bob.user_id, CachedTray(), 60, live_at=START)  # would keep any mark
    assert trays.get(bob.user_id) == CachedTray()
