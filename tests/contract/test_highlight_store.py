"""Contract of :class:`~instagram_core.ports.HighlightStore`, run against every adapter."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from instagram_adapters.cassandra.highlights import CassandraHighlightStore
from instagram_adapters.memory.highlights import InMemoryHighlightStore
from instagram_adapters.sqlite.database import SqliteDatabase
from instagram_adapters.sqlite.highlights import SqliteHighlightStore
from instagram_core.domain.errors import Conflict
from instagram_core.domain.stories import Highlight
from instagram_core.ports import HighlightStore
from tests.cassandra_support import fresh_session

T0 = datetime(2024, 5, 1, 12, 0, 0, 123456, tzinfo=UTC)


@pytest.fixture(params=["memory", "sqlite", "cassandra"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[HighlightStore]:
    if request.param == "memory":
        yield InMemoryHighlightStore()
        return
    if request.param == "cassandra":
        yield CassandraHighlightStore(fresh_session(request, "highlights"))
        return
    db = SqliteDatabase(tmp_path / "highlights.db")
    yield SqliteHighlightStore(db)
    db.close()


def highlight(highlight_id: int, owner_id: str = "alice", *story_ids: int) -> Highlight:
    return Highlight(highlight_id, owner_id, f"trip {highlight_id}", story_ids or (3, 1, 2), T0)


def test_by_owner_is_newest_first_with_stories_in_the_order_chosen(store: HighlightStore) -> None:
    for highlight_id in (2, 5, 1):
        store.add(highlight(highlight_id))
    store.add(highlight(9, "bob", 7))
    assert list(store.by_owner("alice")) == [highlight(5), highlight(2), highlight(1)]
    assert list(store.by_owner("bob")) == [highlight(9, "bob", 7)]
    assert list(store.by_owner("carol")) == []


def test_add_raises_conflict_if_the_id_exists(store: HighlightStore) -> None:
    store.add(highlight(1))
    with pytest.raises(Conflict):
        store.add(highlight(1, "alice", 8))
    assert list(store.by_owner("alice")) == [highlight(1)]
