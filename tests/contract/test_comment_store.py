"""Contract of :class:`~instagram_core.ports.CommentStore`, run against every adapter."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from instagram_adapters.cassandra.comments import CassandraCommentStore
from instagram_adapters.memory.comments import InMemoryCommentStore
from instagram_adapters.sqlite.comments import SqliteCommentStore
from instagram_adapters.sqlite.database import SqliteDatabase
from instagram_core.domain.comments import Comment
from instagram_core.domain.errors import Conflict
from instagram_core.ports import CommentStore
from tests.cassandra_support import SMALL_BUCKETS, fresh_session

MakeStore = Callable[[], CommentStore]
T0 = datetime(2024, 5, 1, 12, 0, 0, 123456, tzinfo=UTC)


@pytest.fixture(params=["memory", "sqlite", "cassandra"])
def make_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[MakeStore]:
    """A factory of fresh, empty stores (hypothesis needs one per example)."""
    databases: list[SqliteDatabase] = []

    def make() -> CommentStore:
        if request.param == "memory":
            return InMemoryCommentStore()
        if request.param == "cassandra":
            return CassandraCommentStore(fresh_session(request, "comments"), SMALL_BUCKETS)
        databases.append(SqliteDatabase(tmp_path / f"comments-{len(databases)}.db"))
        return SqliteCommentStore(databases[-1])

    yield make
    for db in databases:
        db.close()


@pytest.fixture
def store(make_store: MakeStore) -> CommentStore:
    return make_store()


def comment(comment_id: int, post_id: int = 1, text: str = "nice") -> Comment:
    return Comment(
        comment_id=comment_id,
        post_id=post_id,
        author_id=f"user-{comment_id % 3}",
        text=text,
        created_at=T0 + timedelta(microseconds=comment_id % 10**12),
    )


def test_add_stores_the_comment_as_given(store: CommentStore) -> None:
    stored = comment(10, text="Amazing photo! 📸")
    store.add(stored)
    assert list(store.list(1, None, 10)) == [stored]
    assert store.list(1, None, 10)[0].created_at.tzinfo is not None


def test_add_raises_conflict_if_the_id_exists(store: CommentStore) -> None:
    store.add(comment(10, text="first"))
    with pytest.raises(Conflict):
        store.add(comment(10, text="second"))
    assert [c.text for c in store.list(1, None, 10)] == ["first"]


def test_list_is_oldest_first_whatever_the_insertion_order(store: CommentStore) -> None:
    for comment_id in (30, 10, 20):
        store.add(comment(comment_id))
    assert [c.comment_id for c in store.list(1, None, 10)] == [10, 20, 30]


def test_list_returns_ids_above_after_exclusive(store: CommentStore) -> None:
    for comment_id in (10, 20, 30):
        store.add(comment(comment_id))
    assert [c.comment_id for c in store.list(1, 10, 10)] == [20, 30]
    assert [c.comment_id for c in store.list(1, 15, 10)] == [20, 30]
    assert store.list(1, 30, 10) == []


def test_list_returns_at_most_limit(store: CommentStore) -> None:
    for comment_id in range(1, 6):
        store.add(comment(comment_id))
    assert [c.comment_id for c in store.list(1, None, 2)] == [1, 2]
    assert [c.comment_id for c in store.list(1, 2, 2)] == [3, 4]


def test_list_only_returns_the_posts_comments(store: CommentStore) -> None:
    store.add(comment(10, post_id=1))
    store.add(comment(20, post_id=2))
    assert [c.comment_id for c in store.list(2, None, 10)] == [20]
    assert store.list(3, None, 10) == []


def test_counts_are_zero_for_posts_without_comments(store: CommentStore) -> None:
    store.add(comment(10, post_id=1))
    store.add(comment(11, post_id=1))
    store.add(comment(20, post_id=2))
    assert store.counts([1, 2, 3]) == {1: 2, 2: 1, 3: 0}
    assert store.counts([]) == {}


def test_forget_post_deletes_every_comment_of_the_post(store: CommentStore) -> None:
    store.add(comment(10, post_id=1))
    store.add(comment(11, post_id=1))
    store.add(comment(17, post_id=1))
    store.add(comment(20, post_id=2))
    store.forget_post(1)
    assert store.list(1, None, 10) == []
    assert store.counts([1, 2]) == {1: 0, 2: 1}


def test_forget_post_is_a_no_op_without_comments(store: CommentStore) -> None:
    store.forget_post(1)
    assert store.counts([1]) == {1: 0}


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    ids=st.sets(st.integers(min_value=0, max_value=2**63 - 1), max_size=25),
    limit=st.integers(min_value=1, max_value=7),
)
def test_paging_with_after_yields_every_comment_once_in_order(
    make_store: MakeStore, ids: set[int], limit: int
) -> None:
    store = make_store()
    for comment_id in ids:
        store.add(comment(comment_id))
    seen: list[int] = []
    after: int | None = None
    while page := store.list(1, after, limit):
        assert len(page) <= limit
        seen.extend(c.comment_id for c in page)
        after = page[-1].comment_id
    assert seen == sorted(ids)


def test_sqlite_comments_survive_reopening(tmp_path: Path) -> None:
    path = tmp_path / "comments.db"
    db = SqliteDatabase(path)
    stored = comment(10)
    SqliteCommentStore(db).add(stored)
    db.close()

    reopened = SqliteDatabase(path)
    try:
        again = SqliteCommentStore(reopened)
        assert list(again.list(1, None, 10)) == [stored]
        with pytest.raises(Conflict):
            again.add(stored)
    finally:
        reopened.close()
