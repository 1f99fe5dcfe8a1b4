"""Every story store passes :class:`~instagram_core.testing.StoryStoreContract`; below the
SQLite adapter's own tests.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest

from instagram_adapters.cassandra.stories import CassandraStoryStore
from instagram_adapters.memory.clock import SystemClock
from instagram_adapters.memory.stories import InMemoryStoryStore
from instagram_adapters.sqlite.database import SqliteDatabase
from instagram_adapters.sqlite.stories import SqliteStoryStore
from instagram_core.domain.stories import STORY_LIFETIME, Story
from instagram_core.ports import Clock, StoryStore
from instagram_core.testing.stories import (
    SHORT_LIFETIME,
    T0,
    StepClock,
    StoryStoreContract,
    story,
)
from tests.cassandra_support import fresh_session


class PurgesOnTheApplicationClock:
    """The stores that emulate a TTL on the application's clock. Cassandra's TTL runs on the
    server's clock instead: ``test_cassandra_deletes_a_story_when_its_ttl_runs_out`` pins it."""

    def test_add_purges_expired_stories_for_good(self, store: StoryStore, clock: StepClock) -> None:
        """Once the clock passes ``expires_at`` a later write removes the story, as a TTL would:
        even a reader with an older ``now`` no longer finds it."""
        store.add(story(1))
        clock.current = story(1).expires_at
        store.add(story(2, created_at=clock.current))
        assert store.get(1, T0) is None
        assert list(store.live_by_authors(["alice"], T0)["alice"]) == [
            story(2, created_at=clock.current)
        ]


class TestInMemoryStoryStore(StoryStoreContract, PurgesOnTheApplicationClock):
    @pytest.fixture
    def new_story_store(self) -> Callable[[Clock], StoryStore]:
        return InMemoryStoryStore


class TestSqliteStoryStore(StoryStoreContract, PurgesOnTheApplicationClock):
    @pytest.fixture
    def new_story_store(
        self, new_sqlite_database: Callable[[], SqliteDatabase]
    ) -> Callable[[Clock], StoryStore]:
        return lambda clock: SqliteStoryStore(new_sqlite_database(), clock)


class TestCassandraStoryStore(StoryStoreContract):
    @pytest.fixture
    def new_story_store(self, request: pytest.FixtureRequest) -> Callable[[Clock], StoryStore]:
        return lambda clock: CassandraStoryStore(fresh_session(request, "stories"), clock)


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


def test_cassandra_deletes_a_story_when_its_ttl_runs_out(request: pytest.FixtureRequest) -> None:
    """The TTL is Cassandra's own: after expiry the live rows are gone even for a reader
    whose ``now`` is older, and the owner's archive keeps the story. The bounds are wide
    (a few seconds of life, half a minute to vanish) so a loaded machine cannot fail it."""
    session = fresh_session(request, "stories")
    store = CassandraStoryStore(session, SystemClock())
    created = SystemClock().now()
    stored = Story(1, "ttl-author", 1, created, created + 3 * SHORT_LIFETIME)
    store.add(stored)
    assert store.get(1, created) == stored
    deadline = time.monotonic() + 30
    while store.get(1, created) is not None and time.monotonic() < deadline:
        time.sleep(0.2)
    assert SystemClock().now() >= stored.expires_at
    assert store.get(1, created) is None
    assert store.live_by_authors(["ttl-author"], created) == {}
    assert (
        session.execute("SELECT story_id FROM stories WHERE author_id = 'ttl-author'").one() is None
    )
    assert list(store.archived("ttl-author", None, 10)) == [stored]  # the archive keeps it
