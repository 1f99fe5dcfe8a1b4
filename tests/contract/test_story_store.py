"""Contract of :class:`~instagram_core.ports.StoryStore`, run against every adapter.

A story is visible while ``now < expires_at``: at exactly ``expires_at`` it is gone."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import attrs
import pytest

from instagram_adapters.memory.stories import InMemoryStoryStore
from instagram_adapters.sqlite.database import SqliteDatabase
from instagram_adapters.sqlite.stories import SqliteStoryStore
from instagram_core.domain.errors import Conflict, NotFound
from instagram_core.domain.stories import STORY_LIFETIME, Story, StoryStatus
from instagram_core.ports import StoryStore

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


@pytest.fixture(params=["memory", "sqlite"])
def store(request: pytest.FixtureRequest, tmp_path: Path, clock: StepClock) -> Iterator[StoryStore]:
    if request.param == "memory":
        yield InMemoryStoryStore(clock)
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


def test_add_purges_expired_stories_for_good(store: StoryStore, clock: StepClock) -> None:
    """Once the clock passes ``expires_at`` a later write removes the story, as a TTL would:
    even a reader with an older ``now`` no longer finds it."""
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
