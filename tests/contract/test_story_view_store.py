"""Contract of :class:`~instagram_core.ports.StoryViewStore`, run against every adapter."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from instagram_adapters.cassandra.story_views import CassandraStoryViewStore
from instagram_adapters.memory.story_views import InMemoryStoryViewStore
from instagram_adapters.sqlite.database import SqliteDatabase
from instagram_adapters.sqlite.story_views import SqliteStoryViewStore
from instagram_core.domain.stories import StoryViewer
from instagram_core.ports import StoryViewStore
from tests.cassandra_support import fresh_session

T0 = datetime(2024, 5, 1, 12, 0, 0, 123456, tzinfo=UTC)


@pytest.fixture(params=["memory", "sqlite", "cassandra"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[StoryViewStore]:
    if request.param == "memory":
        yield InMemoryStoryViewStore()
        return
    if request.param == "cassandra":
        yield CassandraStoryViewStore(fresh_session(request, "story_views"))
        return
    db = SqliteDatabase(tmp_path / "views.db")
    yield SqliteStoryViewStore(db)
    db.close()


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def test_record_is_idempotent_and_keeps_the_first_view(store: StoryViewStore) -> None:
    assert store.record(1, StoryViewer("bob", at(1)))
    assert not store.record(1, StoryViewer("bob", at(5)))
    assert list(store.viewers(1, None, 10)) == [StoryViewer("bob", at(1))]
    assert store.counts([1, 2]) == {1: 1, 2: 0}


def test_viewers_are_newest_first_and_page_after_a_viewer(store: StoryViewStore) -> None:
    views = [StoryViewer("ann", at(1)), StoryViewer("bob", at(3)), StoryViewer("cat", at(3))]
    views.append(StoryViewer("dan", at(2)))
    for v in views:
        store.record(7, v)
    store.record(8, StoryViewer("eve", at(9)))
    expected = ["cat", "bob", "dan", "ann"]  # ties by viewer id, descending
    assert [v.viewer_id for v in store.viewers(7, None, 10)] == expected
    first = store.viewers(7, None, 2)
    assert [v.viewer_id for v in first] == expected[:2]
    assert [v.viewer_id for v in store.viewers(7, first[-1], 10)] == expected[2:]
    assert list(store.viewers(7, None, 0)) == []
    assert list(store.viewers(9, None, 10)) == []


def test_counts_and_seen_are_per_story(store: StoryViewStore) -> None:
    store.record(1, StoryViewer("bob", at(1)))
    store.record(1, StoryViewer("cat", at(2)))
    store.record(2, StoryViewer("bob", at(3)))
    assert store.counts([1, 2, 3]) == {1: 2, 2: 1, 3: 0}
    assert store.seen("bob", [1, 2, 3]) == {1, 2}
    assert store.seen("cat", [1, 2, 3]) == {1}
    assert store.seen("dan", [1, 2]) == set()
    assert store.seen("bob", []) == set()
    assert store.counts([]) == {}


def test_racing_views_by_one_viewer_record_exactly_one(store: StoryViewStore) -> None:
    results: list[bool] = []
    barrier = threading.Barrier(8)

    def view(i: int) -> None:
        barrier.wait()
        results.append(store.record(5, StoryViewer("bob", at(i))))

    threads = [threading.Thread(target=view, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results.count(True) == 1
    assert store.counts([5]) == {5: 1}
    assert len(store.viewers(5, None, 10)) == 1


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    views=st.lists(
        st.tuples(st.sampled_from("abcdefgh"), st.integers(0, 5)), min_size=0, max_size=20
    ),
    page=st.integers(1, 4),
)
def test_paging_visits_every_viewer_once_newest_first(
    store: StoryViewStore, views: list[tuple[str, int]], page: int
) -> None:
    """Whatever the views, walking the pages lists each viewer once at their first view."""
    story_id = abs(hash((tuple(views), page))) % 10**12  # the store outlives examples
    first: dict[str, datetime] = {}
    for viewer, second in views:
        store.record(story_id, StoryViewer(viewer, at(second)))
        first.setdefault(viewer, at(second))
    walked: list[StoryViewer] = []
    after = None
    while True:
        got = list(store.viewers(story_id, after, page))
        walked += got
        if len(got) < page:
            break
        after = got[-1]
    expected = sorted(
        (StoryViewer(v, t) for v, t in first.items()),
        key=lambda v: (v.viewed_at, v.viewer_id),
        reverse=True,
    )
    assert walked == expected
