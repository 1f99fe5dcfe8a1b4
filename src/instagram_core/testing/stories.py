"""Contract of :class:`~instagram_core.ports.StoryStore`.

A story is visible while ``now < expires_at``: at exactly ``expires_at`` it is gone. Provide
``new_story_store``: a fixture returning a factory that builds a fresh, empty store on the
clock it is given; the tests move that clock by hand, the TTL property too, so no test here
waits on the wall clock (an engine's own TTL deletion is the adapter's test). Whether a
write purges what expired by the application's clock is the adapter's own choice (an
engine's TTL runs on the server's clock), so it is not part of the contract.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from instagram_core.domain.errors import Conflict, NotFound
from instagram_core.domain.stickers import (
    HashtagSticker,
    LocationSticker,
    MentionSticker,
    PollSticker,
    Position,
)
from instagram_core.domain.stories import STORY_LIFETIME, Story, StoryStatus
from instagram_core.ports import Clock, StoryStore
from instagram_core.testing.hypothesis_settings import CONTRACT_HEALTH_CHECKS

T0 = datetime(2024, 5, 1, 12, 0, 0, 654321, tzinfo=UTC)


TICK = timedelta(microseconds=1)


SHORT_LIFETIME = timedelta(seconds=1)  # for an adapter's own test of its engine's TTL

_STORY_IDS = itertools.count(10**12)


class StepClock:
    """A clock the test moves by hand."""

    def __init__(self, start: datetime) -> None:
        self.current = start

    def now(self) -> datetime:
        return self.current


def story(story_id: int, author_id: str = "alice", created_at: datetime = T0) -> Story:
    return Story(
        story_id=story_id,
        author_id=author_id,
        media_id=story_id * 10,
        created_at=created_at,
        expires_at=created_at + STORY_LIFETIME,
        music_id="song-1" if story_id % 2 else None,
    )


class StoryStoreContract:
    """The behaviour every adapter of the port must show. Subclass it in a test module (as
    ``Test<YourAdapter>``) and provide the adapter's fixture: see the module docstring."""

    @pytest.fixture
    def clock(self) -> StepClock:
        return StepClock(T0)

    @pytest.fixture
    def store(self, new_story_store: Callable[[Clock], StoryStore], clock: StepClock) -> StoryStore:
        return new_story_store(clock)

    def test_add_stores_the_story_as_given(self, store: StoryStore) -> None:
        paris = timezone(timedelta(hours=2))
        stored = story(1, created_at=T0.astimezone(paris))
        store.add(stored)
        assert store.get(1, T0) == stored
        assert store.get(2, T0) is None

    def test_add_raises_conflict_if_the_id_exists(self, store: StoryStore) -> None:
        store.add(story(1))
        with pytest.raises(Conflict):
            store.add(story(1, author_id="bob"))
        assert store.get(1, T0) == story(1)

    def test_get_is_none_from_exactly_expires_at(self, store: StoryStore) -> None:
        stored = story(1)
        store.add(stored)
        assert store.get(1, stored.expires_at - TICK) == stored
        assert store.get(1, stored.expires_at) is None
        assert store.get(1, stored.expires_at + timedelta(days=1)) is None

    def test_update_replaces_the_story(self, store: StoryStore) -> None:
        store.add(story(1))
        live = attrs.evolve(story(1), status=StoryStatus.LIVE)
        store.update(live)
        assert store.get(1, T0) == live

    def test_update_raises_not_found_if_it_never_existed(self, store: StoryStore) -> None:
        with pytest.raises(NotFound):
            store.update(story(1))

    def test_update_raises_not_found_once_expired(
        self, store: StoryStore, clock: StepClock
    ) -> None:
        store.add(story(1))
        clock.current = story(1).expires_at
        with pytest.raises(NotFound):
            store.update(attrs.evolve(story(1), status=StoryStatus.LIVE))

    def test_live_by_authors_is_newest_first_per_author(self, store: StoryStore) -> None:
        for story_id in (2, 3, 1):
            store.add(story(story_id, created_at=T0 + story_id * TICK))
        store.add(story(4, author_id="bob"))
        live = store.live_by_authors(["alice", "bob"], T0 + timedelta(hours=1))
        assert {author: [s.story_id for s in stories] for author, stories in live.items()} == {
            "alice": [3, 2, 1],
            "bob": [4],
        }

    def test_live_by_authors_leaves_out_authors_without_live_stories(
        self, store: StoryStore
    ) -> None:
        store.add(story(1, author_id="alice"))
        store.add(story(2, author_id="bob", created_at=T0 + timedelta(hours=1)))
        live = store.live_by_authors(["alice", "bob", "carol", "alice"], story(1).expires_at)
        assert {author: [s.story_id for s in stories] for author, stories in live.items()} == {
            "bob": [2]
        }
        assert store.live_by_authors([], T0) == {}

    def test_live_by_authors_hides_stories_from_exactly_expires_at(self, store: StoryStore) -> None:
        store.add(story(1))
        store.add(story(2, created_at=T0 + TICK))
        assert [
            s.story_id for s in store.live_by_authors(["alice"], story(1).expires_at)["alice"]
        ] == [2]
        assert store.live_by_authors(["alice"], story(2).expires_at + TICK) == {}

    def test_add_keeps_unexpired_stories(self, store: StoryStore, clock: StepClock) -> None:
        store.add(story(1))
        clock.current = story(1).expires_at - TICK
        store.add(story(2, created_at=clock.current))
        assert store.get(1, clock.current) == story(1)

    def test_the_archive_keeps_every_story_of_its_owner_newest_first(
        self, store: StoryStore, clock: StepClock
    ) -> None:
        for story_id in (1, 3, 2):
            store.add(story(story_id))
        store.add(story(9, author_id="bob"))
        live = attrs.evolve(story(3), status=StoryStatus.LIVE)
        store.update(live)
        clock.current = story(1).expires_at  # every story of alice has expired
        store.add(story(4, created_at=clock.current))
        assert store.live_by_authors(["alice"], clock.current)["alice"] == [
            story(4, created_at=clock.current)
        ]
        assert list(store.archived("alice", None, 10)) == [
            story(4, created_at=clock.current),
            live,
            story(2),
            story(1),
        ]
        assert [s.story_id for s in store.archived("alice", 3, 1)] == [2]
        assert [s.story_id for s in store.archived("alice", 1, 10)] == []
        assert [s.story_id for s in store.archived("bob", None, 10)] == [9]
        assert list(store.archived("carol", None, 10)) == []
        assert list(store.archived("alice", None, 0)) == []

    def test_stickers_are_stored_and_returned_as_given(self, store: StoryStore) -> None:
        stickers = (
            MentionSticker(Position(0.5, 0.25), "u-bob", "bob"),
            HashtagSticker(Position(0.0, 1.0), "sunset"),
            LocationSticker(Position(0.1, 0.2), name="Pier 39", lat=37.8087, lng=-122.4098),
            LocationSticker(Position(0.3, 0.4), place="place-17"),
            PollSticker(Position(0.5, 0.75), "Tea or coffee?", ("tea", "coffee", "both")),
        )
        stored = attrs.evolve(story(1), stickers=stickers)
        store.add(stored)
        assert store.get(1, T0) == stored
        live = attrs.evolve(stored, status=StoryStatus.LIVE)
        store.update(live)
        assert store.live_by_authors(["alice"], T0)["alice"] == [live]
        assert list(store.archived("alice", None, 1)) == [live]

    def test_archived_many_finds_the_owners_stories_expired_or_not(
        self, store: StoryStore, clock: StepClock
    ) -> None:
        for story_id in (1, 2, 3):
            store.add(story(story_id))
        store.add(story(4, author_id="bob"))
        clock.current = story(1).expires_at + timedelta(days=3)
        assert store.archived_many("alice", [3, 1, 4, 99]) == {3: story(3), 1: story(1)}
        assert store.archived_many("bob", [4, 1]) == {4: story(4, author_id="bob")}
        assert store.archived_many("alice", []) == {}

    @settings(max_examples=25, deadline=None, suppress_health_check=[*CONTRACT_HEALTH_CHECKS])
    @given(
        checks=st.lists(
            st.one_of(
                st.floats(0.0, 1.6),
                st.sampled_from([1.0]),  # exactly ``expires_at``: gone
            ),
            min_size=1,
            max_size=5,
        ).map(sorted),
        just_before=st.booleans(),
    )
    def test_a_story_is_readable_before_its_ttl_and_never_after(
        self, store: StoryStore, clock: StepClock, checks: list[float], just_before: bool
    ) -> None:
        """Time moves through the clock port, never the wall clock: at each check point (a
        fraction of the lifetime, the last microsecond before expiry, expiry itself) a read
        sees the story if and only if its ``now`` is before ``expires_at``. An engine's own
        TTL deletion runs on the server's clock and is the adapter's test, not this one."""
        story_id = next(_STORY_IDS)  # a new id per example: the store outlives examples
        created = clock.current
        stored = Story(story_id, "ttl-author", 1, created, created + STORY_LIFETIME)
        store.add(stored)
        points = [created + fraction * STORY_LIFETIME for fraction in checks]
        if just_before:
            points = sorted([*points, stored.expires_at - TICK])
        for now in points:
            clock.current = max(clock.current, now)
            live = now < stored.expires_at
            assert (store.get(story_id, now) == stored) is live
            live_now = store.live_by_authors(["ttl-author"], now).get("ttl-author", ())
            assert (stored in live_now) is live
