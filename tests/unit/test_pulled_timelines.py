"""The pulled timelines kept per process: a celebrity's timeline is read from the store once
while its version is unchanged, and every publish or deletion by that author is seen by the
very next read, exactly as the store would answer it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from instagram_core.domain.posts import Post
from instagram_core.ports.posts import PostStore
from instagram_core.services.freshness import timeline_key
from instagram_core.services.pulled_timelines import PulledTimelines
from tests.unit.conftest import World, new_world

PER_AUTHOR = 3


class CountingPosts:
    """The post store, counting timeline reads."""

    def __init__(self, inner: PostStore) -> None:
        self._inner = inner
        self.timeline_reads = 0

    def by_author(self, *args: Any, **kwargs: Any) -> Sequence[Post]:
        self.timeline_reads += 1
        return self._inner.by_author(*args, **kwargs)


def noted(world: World, authors: Sequence[str]) -> tuple[int, ...]:
    return world.adapters.change_versions().read([timeline_key(a) for a in authors])


def store_ids(world: World, author: str, depth: int = PER_AUTHOR) -> list[int]:
    posts = world.adapters.posts().by_author(author, None, depth, published_only=True)
    return [p.post_id for p in posts]


def timelines(world: World, **kwargs: Any) -> tuple[PulledTimelines, CountingPosts]:
    counting = CountingPosts(world.adapters.posts())
    return PulledTimelines(counting, world.clock, **kwargs), counting  # type: ignore[arg-type]


def test_a_timeline_is_read_once_while_its_version_is_unchanged(world: World) -> None:
    star = world.register("star")
    for _ in range(4):
        world.post(star)
    pulled, counting = timelines(world)
    versions = noted(world, [star.user_id])
    first = pulled.newest_ids([star.user_id], versions, PER_AUTHOR)
    assert first == store_ids(world, star.user_id)
    assert pulled.newest_ids([star.user_id], versions, PER_AUTHOR) == first
    assert pulled.newest_ids([star.user_id], versions, 2) == first[:2]  # a shallower read
    assert counting.timeline_reads == 1
    pulled.newest_ids([star.user_id], versions, PER_AUTHOR + 1)  # deeper than kept: read
    assert counting.timeline_reads == 2


def test_without_versions_every_read_goes_to_the_store(world: World) -> None:
    star = world.register("star")
    world.post(star)
    pulled, counting = timelines(world)
    for _ in range(3):
        assert pulled.newest_ids([star.user_id], None, PER_AUTHOR) == store_ids(world, star.user_id)
    assert counting.timeline_reads == 3
    assert len(pulled) == 0


def test_entries_expire_and_the_oldest_are_evicted_first(world: World) -> None:
    stars = [world.register(f"star{n}") for n in range(3)]
    for star in stars:
        world.post(star)
    ids = [s.user_id for s in stars]
    pulled, counting = timelines(world, ttl=timedelta(seconds=10), max_authors=2)
    pulled.newest_ids(ids, noted(world, ids), PER_AUTHOR)
    assert len(pulled) == 2  # the first was evicted
    pulled.newest_ids(ids[1:], noted(world, ids[1:]), PER_AUTHOR)
    assert counting.timeline_reads == 3
    world.clock.advance(11)
    pulled.newest_ids(ids[1:], noted(world, ids[1:]), PER_AUTHOR)
    assert counting.timeline_reads == 5


STEPS = st.lists(st.tuples(st.sampled_from(["post", "delete", "read"]), st.integers(0, 1)))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=STEPS)
def test_every_read_answers_as_the_store_does_now(steps: list[tuple[str, int]]) -> None:
    """Publishes and deletions in any order: each read, its versions noted first as the
    feed notes them, returns exactly the ids the store holds at that moment."""
    world = new_world()
    stars = [world.register(f"star{n}") for n in range(2)]
    ids = [s.user_id for s in stars]
    pulled, _ = timelines(world)
    for verb, who in steps:
        star = stars[who]
        if verb == "post":
            world.post(star)
            world.clock.advance(1)
        elif verb == "delete" and (mine := store_ids(world, star.user_id, 1)):
            world.core.posts().delete(star.user_id, mine[0])
        got = pulled.newest_ids(ids, noted(world, ids), PER_AUTHOR)
        assert got == [i for a in ids for i in store_ids(world, a)]


def test_the_feed_pulls_each_celebrity_once_for_all_its_followers() -> None:
    world = new_world(fanout_celebrity_threshold=1)  # two followers: pulled, never pushed
    star = world.register("star")
    fans = [world.register(f"fan{n}") for n in range(4)]
    for fan in fans:
        world.follow(fan, star)
    posted = world.post(star)
    feed = world.core.feed()
    counting = CountingPosts(world.adapters.posts())
    feed._timelines = PulledTimelines(counting, world.clock)  # type: ignore[arg-type]
    for fan in fans:
        assert [v.post_id for v in feed.home(fan.user_id, None, 10).items] == [posted.post_id]
    assert counting.timeline_reads == 1
    newer = world.post(star)
    for fan in fans:
        items = feed.home(fan.user_id, None, 10).items
        assert [v.post_id for v in items] == [newer.post_id, posted.post_id]
    assert counting.timeline_reads == 2
