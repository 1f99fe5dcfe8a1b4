"""Contract of :class:`~instagram_core.ports.StoryStore`, run against every adapter.

A story is visible while ``now < expires_at``: at exactly ``expires_at`` it is gone."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from instagram_adapters.cassandra.stories import CassandraStoryStore
from instagram_adapters.memory.clock import SystemClock
from instagram_adapters.memory.stories import InMemoryStoryStore
from instagram_adapters.sqlite.database import SqliteDatabase
from instagram_adapters.sqlite.stories import SqliteStoryStore
from instagram_core.domain.errors import Conflict, NotFound
from instagram_core.domain.stories import STORY_LIFETIME, Story, StoryStatus
from instagram_core.ports import StoryStore
from tests.cassandra_support import fresh_session

T0 = datetime(2024, 5, 1, 12, 0, 0, 654321, tzinfo=UTC)
TICK = timedelta(microseconds=1)


class StepClock:
    """A clock the test moves by hand."""

    def __init__(self, start: datetime) -> None:
        self.current = start

    def now(self) -> datetime:
        return self.current


@pytest.fixture
def clock() -> StepClock:
    return StepClock(T0)


@pytest.fixture(params=["memory", "sqlite", "cassandra"])
def store(request: pytest.FixtureRequest, tmp_path: Path, clock: StepClock) -> Iterator[StoryStore]:
    if request.param == "memory":
        yield InMemoryStoryStore(clock)
        return
    if request.param == "cassandra":
        yield CassandraStoryStore(fresh_session(request, "stories"), clock)
        return
    db = SqliteDatabase(tmp_path / "stories.db")
    yield SqliteStoryStore(db, clock)
    db.close()


def story(story_id: int, author_id: str = "alice", created_at: datetime = T0) -> Story:
    return Story(
        story_id=story_id,
        author_id=author_id,
        media_id=story_id * 10,
        created_at=created_at,
        expires_at=created_at + STORY_LIFETIME,
        music_id="song-1" if story_id % 2 else None,
    )


def test_add_stores_the_story_as_given(store: StoryStore) -> None:
    paris = timezone(timedelta(hours=2))
    stored = story(1, created_at=T0.astimezone(paris))
    store.add(stored)
    assert store.get(1, T0) == stored
    assert store.get(2, T0) is None


def test_add_raises_conflict_if_the_id_exists(store: StoryStore) -> None:
    store.add(story(1))
    with pytest.raises(Conflict):
        store.add(story(1, author_id="bob"))
    assert store.get(1, T0) == story(1)


def test_get_is_none_from_exactly_expires_at(store: StoryStore) -> None:
    stored = story(1)
    store.add(stored)
    assert store.get(1, stored.expires_at - TICK) == stored
    assert store.get(1, stored.expires_at) is None
    assert store.get(1, stored.expires_at + timedelta(days=1)) is None


def test_update_replaces_the_story(store: StoryStore) -> None:
    store.add(story(1))
    live = attrs.evolve(story(1), status=StoryStatus.LIVE)
    store.update(live)
    assert store.get(1, T0) == live


def test_update_raises_not_found_if_it_never_existed(store: StoryStore) -> None:
    with pytest.raises(NotFound):
        store.update(story(1))


def test_update_raises_not_found_once_expired(store: StoryStore, clock: StepClock) -> None:
    store.add(story(1))
    clock.current = story(1).expires_at
    with pytest.raises(NotFound):
        store.update(attrs.evolve(story(1), status=StoryStatus.LIVE))


def test_live_by_authors_is_newest_first_per_author(store: StoryStore) -> None:
    for story_id in (2, 3, 1):
        store.add(story(story_id, created_at=T0 + story_id * TICK))
    store.add(story(4, author_id="bob"))
    live = store.live_by_authors(["alice", "bob"], T0 + timedelta(hours=1))
    assert {author: [s.story_id for s in stories] for author, stories in live.items()} == {
        "alice": [3, 2, 1],
        "bob": [4],
    }


def test_live_by_authors_leaves_out_authors_without_live_stories(store: StoryStore) -> None:
    store.add(story(1, author_id="alice"))
    store.add(story(2, author_id="bob", created_at=T0 + timedelta(hours=1)))
    live = store.live_by_authors(["alice", "bob", "carol", "alice"], story(1).expires_at)
    assert {author: [s.story_id for s in stories] for author, stories in live.items()} == {
        "bob": [2]
    }
    assert store.live_by_authors([], T0) == {}


def test_live_by_authors_hides_stories_from_exactly_expires_at(store: StoryStore) -> None:
    store.add(story(1))
    store.add(story(2, created_at=T0 + TICK))
    assert [s.story_id for s in store.live_by_authors(["alice"], story(1).expires_at)["alice"]] == [
        2
    ]
    assert store.live_by_authors(["alice"], story(2).expires_at + TICK) == {}


def test_the_archive_keeps_every_story_of_its_owner_newest_first(
    store: StoryStore, clock: StepClock
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


@pytest.fixture(params=["memory", "sqlite"])
def clock_purged_store(
    request: pytest.FixtureRequest, tmp_path: Path, clock: StepClock
) -> Iterator[StoryStore]:
    """The stores that emulate a TTL on the application's clock. Cassandra's TTL runs on the
    server's clock instead: ``test_cassandra_deletes_a_story_when_its_ttl_runs_out`` pins it."""
    if request.param == "memory":
        yield InMemoryStoryStore(clock)
        return
    db = SqliteDatabase(tmp_path / "stories.db")
    yield SqliteStoryStore(db, clock)
    db.close()


def test_add_purges_expired_stories_for_good(
    clock_purged_store: StoryStore, clock: StepClock
) -> None:
    """Once the clock passes ``expires_at`` a later write removes the story, as a TTL would:
    even a reader with an older ``now`` no longer finds it."""
    store = clock_purged_store
    store.add(story(1))
    clock.current = story(1).expires_at
    store.add(story(2, created_at=clock.current))
    assert store.get(1, T0) is None
    assert list(store.live_by_authors(["alice"], T0)["alice"]) == [
        story(2, created_at=clock.current)
    ]


def test_add_keeps_unexpired_stories(store: StoryStore, clock: StepClock) -> None:
    store.add(story(1))
    clock.current = story(1).expires_at - TICK
    store.add(story(2, created_at=clock.current))
    assert store.get(1, clock.current) == story(1)


def test_sqlite_add_deletes_expired_rows(tmp_path: Path) -> None:
    clock = StepClock(T0)
    db = SqliteDatabase(tmp_path / "stories.db")
    try:
        store = SqliteStoryStore(db, clock)
        for story_id in range(1, 4):
            store.add(story(story_id))
        clock.current = T0 + STORY_LIFETIME
        store.add(story(9, created_at=clock.current))
        rows = db.query("SELECT story_id FROM stories")
        assert [row["story_id"] for row in rows] == [9]
    finally:
        db.close()


def test_sqlite_stories_survive_reopening(tmp_path: Path) -> None:
    path = tmp_path / "stories.db"
    clock = StepClock(T0)
    db = SqliteDatabase(path)
    SqliteStoryStore(db, clock).add(story(1))
    db.close()

    reopened = SqliteDatabase(path)
    try:
        again = SqliteStoryStore(reopened, clock)
        assert again.get(1, T0) == story(1)
        assert list(again.live_by_authors(["alice"], T0)["alice"]) == [story(1)]
    finally:
        reopened.close()


SHORT_LIFETIME = timedelta(seconds=1)


@pytest.fixture(params=["memory", "sqlite", "cassandra"])
def wall_clock_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[StoryStore]:
    """A store on the real clock: stories here live for :data:`SHORT_LIFETIME`."""
    clock = SystemClock()
    if request.param == "memory":
        yield InMemoryStoryStore(clock)
        return
    if request.param == "cassandra":
        yield CassandraStoryStore(fresh_session(request, "stories"), clock)
        return
    db = SqliteDatabase(tmp_path / "stories.db")
    yield SqliteStoryStore(db, clock)
    db.close()


@settings(
    max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(checks=st.lists(st.floats(0.0, 1.6), min_size=1, max_size=5).map(sorted))
def test_a_story_is_readable_before_its_ttl_and_never_after(
    wall_clock_store: StoryStore, checks: list[float]
) -> None:
    """With a short TTL on the real clock: at each check point, a read sees the story if
    and only if its ``now`` is before ``expires_at``."""
    store = wall_clock_store
    story_id = time.time_ns()  # a new id per example: the store outlives examples
    created = SystemClock().now()
    stored = Story(story_id, "ttl-author", 1, created, created + SHORT_LIFETIME)
    store.add(stored)
    for fraction in checks:
        pause = (created + fraction * SHORT_LIFETIME - SystemClock().now()).total_seconds()
        time.sleep(max(0.0, pause))
        now = SystemClock().now()
        live = now < stored.expires_at
        assert (store.get(story_id, now) == stored) is live
        assert (stored in store.live_by_authors(["ttl-author"], now).get("ttl-author", ())) is live


def test_cassandra_deletes_a_story_when_its_ttl_runs_out(request: pytest.FixtureRequest) -> None:
    """The TTL is Cassandra's own: after expiry the live rows are gone even for a reader
    whose ``now`` is older, and the owner's archive keeps the story."""
    session = fresh_session(request, "stories")
    store = CassandraStoryStore(session, SystemClock())
    created = SystemClock().now()
    stored = Story(1, "ttl-author", 1, created, created + SHORT_LIFETIME)
    store.add(stored)
    assert store.get(1, created) == stored
    deadline = time.monotonic() + 10
    while store.get(1, created) is not None and time.monotonic() < deadline:
        time.sleep(0.2)
    assert SystemClock().now() >= stored.expires_at
    assert store.get(1, created) is None
    assert store.live_by_authors(["ttl-author"], created) == {}
    assert (
        session.execute("SELECT story_id FROM stories WHERE author_id = 'ttl-author'").one() is None
    )
    assert list(store.archived("ttl-author", None, 10)) == [stored]  # the archive keeps it


def test_stickers_are_stored_and_returned_as_given(store: StoryStore, clock: StepClock) -> None:
    from instagram_core.domain.stickers import (
        HashtagSticker,
        LocationSticker,
        MentionSticker,
        PollSticker,
        Position,
    )

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
    store: StoryStore, clock: StepClock
) -> None:
    for story_id in (1, 2, 3):
        store.add(story(story_id))
    store.add(story(4, author_id="bob"))
    clock.current = story(1).expires_at + timedelta(days=3)
    assert store.archived_many("alice", [3, 1, 4, 99]) == {3: story(3), 1: story(1)}
    assert store.archived_many("bob", [4, 1]) == {4: story(4, author_id="bob")}
    assert store.archived_many("alice", []) == {}
